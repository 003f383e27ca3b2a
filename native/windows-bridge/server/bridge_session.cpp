// Request dispatch of the bridge server (bridge_session.h).
#include "bridge_session.h"

#include "emulator/emulator_control.h"
#include "wavert_translation.h"

#include <algorithm>
#include <cstring>

namespace ks::bridge {
namespace {

// A handle value no emulator object has (the emulator's step by 4 from 0x1000):
// a client handle the bridge does not know becomes this, and the emulator
// refuses it as the kernel refuses a bad handle (STATUS_INVALID_HANDLE).
constexpr uint64_t kUnknownHandle = 0x2;
// An address no process maps (the first page): client memory the server cannot
// read becomes this, so the emulator fails the request with STATUS_ACCESS_VIOLATION.
constexpr uint64_t kUnreadable = 0x10;
constexpr uint32_t kMaxFrame = 256u << 20;
// KSPROPSETID_BridgeControl (bridge_protocol.h).
constexpr Guid kBridgeControl{0xC92C19C3, 0x9487, 0x49A8, {0x87, 0xAA, 0x44, 0x81, 0xE2, 0x9C, 0xF5, 0x6E}};

template <typename T>
T Read(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void Write(uint8_t* p, const T& v) {
  std::memcpy(p, &v, sizeof v);
}

// Runs `done` once the IRP completes, keeping whatever the request points into alive.
struct Pending {
  uint64_t requestId = 0;
  std::vector<uint8_t> input;
  std::vector<uint8_t> output;
};

ObjectClass ClassOf(uint32_t objectClass) {
  switch (objectClass) {
    case KSB_PIN: return ObjectClass::Pin;
    case KSB_ALLOCATOR: return ObjectClass::Allocator;
    case KSB_CLOCK: return ObjectClass::Clock;
    case KSB_NODE: return ObjectClass::TopologyNode;
    default: return ObjectClass::Filter;
  }
}

struct OwnedHandle {
  HANDLE h = nullptr;
  explicit OwnedHandle(HANDLE v) : h(v) {}
  ~OwnedHandle() {
    if (h != nullptr) CloseHandle(h);
  }
};

}  // namespace

struct BridgeSession::File {
  uint64_t id = 0;
  uint32_t pid = 0;
  HANDLE process = nullptr;  // opened per file, never cached by PID (PIDs are reused)
  BackendHandle handle = 0;  // the emulator's
  uint64_t clientHandle = 0; // the client's value for this object (children only)
  std::unique_ptr<WaveRtTranslation> wavert;  // a WaveRT pin's, from its first RtAudio request; goes before `process`
  ~File() {
    wavert.reset();
    if (process != nullptr) CloseHandle(process);
  }
};

struct BridgeSession::EventRecord {
  uint64_t fileId = 0;
  BackendHandle handle = 0;
  uint64_t registration = 0;
};

BridgeSession::BridgeSession(HANDLE control, Backend& emulator, std::vector<BridgeDevice> devices)
    : control_(control), emulator_(emulator), devices_(std::move(devices)) {}

BridgeSession::~BridgeSession() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& f : files_) ids.push_back(f.first);
  }
  for (uint64_t id : ids) CloseFile(id);
}

void BridgeSession::Complete(uint64_t requestId, uint32_t status, uint32_t information, const uint8_t* out,
                             uint32_t outLength) {
  std::vector<uint8_t> buffer(sizeof(KSB_COMPLETION) + outLength);
  KSB_COMPLETION c{};
  c.requestId = requestId;
  c.status = status;
  c.information = information;
  c.outputLength = outLength;
  std::memcpy(buffer.data(), &c, sizeof c);
  if (outLength) std::memcpy(buffer.data() + sizeof c, out, outLength);
  HANDLE event = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  OVERLAPPED ov{};
  ov.hEvent = event;
  DWORD bytes = 0;
  if (!DeviceIoControl(control_, IOCTL_KSB_COMPLETE, buffer.data(), static_cast<DWORD>(buffer.size()), nullptr, 0,
                       &bytes, &ov) &&
      GetLastError() == ERROR_IO_PENDING) {
    GetOverlappedResult(control_, &ov, &bytes, TRUE);
  }
  CloseHandle(event);
  std::lock_guard<std::mutex> lock(mutex_);
  inflight_.erase(requestId);
}

BridgeSession::FilePtr BridgeSession::FindFile(uint64_t fileId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = files_.find(fileId);
  return it == files_.end() ? nullptr : it->second;
}

// The file a request names; a file seen for the first time without a bind is
// a filter the client opened with CreateFile.
BridgeSession::FilePtr BridgeSession::OpenedFile(uint64_t fileId, uint32_t deviceIndex, uint32_t pid,
                                                 uint32_t* status) {
  if (FilePtr file = FindFile(fileId)) return file;
  if (deviceIndex >= devices_.size()) {
    *status = STATUS_NO_SUCH_DEVICE;
    return nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (removedFiles_.count(fileId) != 0) {
      *status = STATUS_DEVICE_REMOVED;
      return nullptr;
    }
  }
  auto file = std::make_shared<File>();
  file->id = fileId;
  file->pid = pid;
  Status opened = emulator_.OpenFilter(devices_[deviceIndex].emulatorPath, &file->handle);
  if (!opened.ok()) {
    // Wine's CreateFile completes before the driver sees the create, so the
    // server first meets a filter file at its first request. A registered
    // device the emulator will not open is pulled out, and a handle the
    // client already holds to it is a removed device's handle: every request
    // fails with STATUS_DEVICE_REMOVED, for good, as on Windows.
    *status = opened.value;
    if (opened.value == STATUS_OBJECT_NAME_NOT_FOUND) {
      std::lock_guard<std::mutex> lock(mutex_);
      removedFiles_.insert(fileId);
      *status = STATUS_DEVICE_REMOVED;
    }
    return nullptr;
  }
  file->process = OpenProcess(PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_VM_OPERATION | PROCESS_DUP_HANDLE |
                                  PROCESS_QUERY_INFORMATION,
                              FALSE, pid);
  std::lock_guard<std::mutex> lock(mutex_);
  files_[fileId] = file;
  return file;
}

uint64_t BridgeSession::ToEmulatorHandle(uint32_t pid, uint64_t clientHandle) {
  if (clientHandle == 0) return 0;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = clientToEmulator_.find({pid, clientHandle});
  return it == clientToEmulator_.end() ? kUnknownHandle : it->second;
}

uint64_t BridgeSession::ToClientHandle(uint64_t emulatorHandle) {
  if (emulatorHandle == 0) return 0;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = emulatorToClient_.find(emulatorHandle);
  return it == emulatorToClient_.end() ? 0 : it->second;
}

void BridgeSession::Handle(const KSB_MESSAGE& m, const uint8_t* bytes) {
  if (m.kind == KSB_MSG_CLOSE) {
    CloseFile(m.fileId);
    return;
  }
  if (m.kind == KSB_MSG_CANCEL) {
    BackendHandle handle = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = inflight_.find(m.requestId);
      if (it != inflight_.end()) handle = it->second;
    }
    // The backend cancels all of a handle's requests (CancelIoEx(h, NULL)), as this does.
    if (handle != 0) emulator_.CancelIo(handle);
    return;
  }
  const uint8_t* in = bytes;
  const uint8_t* out = bytes + m.inputLength;
  if (m.code == IOCTL_KSB_BIND) {
    Bind(m, in);
    return;
  }
  uint32_t status = STATUS_SUCCESS;
  FilePtr file = OpenedFile(m.fileId, m.deviceIndex, m.pid, &status);
  if (!file) {
    Fail(m.requestId, status);
    return;
  }
  if (m.code == IOCTL_KS_PROPERTY && m.inputLength >= sizeof(KSIDENTIFIER) && Read<Guid>(in) == kBridgeControl) {
    Control(m, in, out);
    return;
  }
  switch (m.code) {
    case IOCTL_KS_ENABLE_EVENT: EnableEvent(m, file, in, out); return;
    case IOCTL_KS_DISABLE_EVENT: DisableEvent(m, file, in, out); return;
    case IOCTL_KS_READ_STREAM:
    case IOCTL_KS_WRITE_STREAM: Stream(m, file, in, out); return;
    default: Forward(m, file, in, out); return;
  }
}

// KSPROPSETID_BridgeControl (bridge_protocol.h). DEVICE_PRESENT pulls a
// device out or plugs it in through the emulator's own control: the handles
// open on it have their pending requests cancelled and fail every later
// request with STATUS_DEVICE_REMOVED, also after it comes back, as handles to
// a surprise-removed device do. Its SetupAPI registration stays (what
// listDevices() sees through the bridge does not change: see docs/windows.md).
void BridgeSession::Control(const KSB_MESSAGE& m, const uint8_t* in, const uint8_t* out) {
  const uint32_t id = Read<uint32_t>(in + 16), flags = Read<uint32_t>(in + 20);
  if (id != KSB_PROPERTY_DEVICE_PRESENT || flags != KSPROPERTY_TYPE_SET) {
    Fail(m.requestId, STATUS_NOT_FOUND);
    return;
  }
  if (m.outputLength < sizeof(KSB_DEVICE_PRESENT)) {
    Fail(m.requestId, STATUS_BUFFER_TOO_SMALL);
    return;
  }
  const KSB_DEVICE_PRESENT request = Read<KSB_DEVICE_PRESENT>(out);
  emu::EmulatorControl* control = emulator_.Emulator();
  if (request.deviceIndex >= devices_.size() || control == nullptr) {
    Fail(m.requestId, STATUS_INVALID_PARAMETER);
    return;
  }
  const Status status = control->SetPresent(devices_[request.deviceIndex].emulatorPath, request.present != 0);
  Complete(m.requestId, status.value, 0, nullptr, 0);
}

void BridgeSession::Bind(const KSB_MESSAGE& m, const uint8_t* in) {
  if (m.inputLength < sizeof(KSB_BIND) || FindFile(m.fileId)) {
    Fail(m.requestId, STATUS_INVALID_DEVICE_REQUEST);
    return;
  }
  const KSB_BIND bind = Read<KSB_BIND>(in);
  uint32_t status = STATUS_SUCCESS;
  // The parent: a filter (perhaps never used before) on the same device, or a pin.
  FilePtr parent = OpenedFile(bind.parentFileId, m.deviceIndex, m.pid, &status);
  if (!parent) {
    Fail(m.requestId, status);
    return;
  }
  std::vector<uint8_t> payload(in + sizeof(KSB_BIND), in + m.inputLength);
  const ObjectClass cls = ClassOf(bind.objectClass);
  if (cls == ObjectClass::Pin && payload.size() >= 64) {
    Write<uint64_t>(payload.data() + 56, ToEmulatorHandle(m.pid, Read<uint64_t>(payload.data() + 56)));
  }
  auto file = std::make_shared<File>();
  file->id = m.fileId;
  file->pid = m.pid;
  file->clientHandle = bind.clientHandle;
  bool usedV2 = false;
  Status created = emulator_.CreateObject(parent->handle, cls, payload, bind.desiredAccess, &file->handle, &usedV2);
  if (!created.ok()) {
    Fail(m.requestId, created.value);
    return;
  }
  file->process = OpenProcess(PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_VM_OPERATION | PROCESS_DUP_HANDLE |
                                  PROCESS_QUERY_INFORMATION,
                              FALSE, m.pid);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    files_[m.fileId] = file;
    clientToEmulator_[{m.pid, bind.clientHandle}] = file->handle;
    emulatorToClient_[file->handle] = bind.clientHandle;
  }
  Complete(m.requestId, STATUS_SUCCESS, 0, nullptr, 0);
}

void BridgeSession::EnableEvent(const KSB_MESSAGE& m, const FilePtr& file, const uint8_t* in, const uint8_t* out) {
  // KSEVENT: Set (16 bytes), Id, Flags. Only ENABLE and ONESHOT name an event
  // to signal; the rest (BASICSUPPORT, SETSUPPORT, ...) go to the emulator as they are.
  const bool enabling = m.inputLength >= sizeof(KSIDENTIFIER) && m.outputLength >= sizeof(KSEVENTDATA) &&
                        (Read<uint32_t>(in + 20) == 0x1 || Read<uint32_t>(in + 20) == 0x2);
  const KSEVENTDATA data = enabling ? Read<KSEVENTDATA>(out) : KSEVENTDATA{};
  if (!enabling || data.NotificationType != KSEVENTF_EVENT_HANDLE) {
    Forward(m, file, in, out);
    return;
  }
  HANDLE duplicate = nullptr;
  if (file->process == nullptr ||
      !DuplicateHandle(file->process, reinterpret_cast<HANDLE>(static_cast<uintptr_t>(data.Handle)),
                       GetCurrentProcess(), &duplicate, EVENT_MODIFY_STATE, FALSE, 0)) {
    Fail(m.requestId, STATUS_INVALID_HANDLE);
    return;
  }
  auto event = std::make_shared<OwnedHandle>(duplicate);
  std::vector<uint8_t> request(in, in + m.inputLength);
  std::vector<uint8_t> eventData(out + sizeof(KSEVENTDATA), out + m.outputLength);
  uint64_t registration = 0;
  Status status = emulator_.EnableEvent(
      file->handle, request, eventData, [event] { SetEvent(event->h); }, &registration);
  if (status.ok()) {
    auto record = std::make_unique<EventRecord>();
    record->fileId = file->id;
    record->handle = file->handle;
    record->registration = registration;
    std::lock_guard<std::mutex> lock(mutex_);
    events_[{m.pid, data.Handle}] = std::move(record);
  }
  Complete(m.requestId, status.value, 0, nullptr, 0);
}

void BridgeSession::DisableEvent(const KSB_MESSAGE& m, const FilePtr& file, const uint8_t* in, const uint8_t* out) {
  // KS finds the event by its KSEVENTDATA's address; the driver sees a copy, so
  // the bridge finds it by (process, event handle).
  std::unique_ptr<EventRecord> record;
  if (m.inputLength >= sizeof(KSEVENTDATA)) {
    const KSEVENTDATA data = Read<KSEVENTDATA>(in);
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = events_.find({m.pid, data.Handle});
    if (it != events_.end() && it->second->fileId == file->id) {
      record = std::move(it->second);
      events_.erase(it);
    }
  }
  if (!record) {
    Forward(m, file, in, out);
    return;
  }
  Status status = emulator_.DisableEvent(record->handle, record->registration);
  Complete(m.requestId, status.value, 0, nullptr, 0);
}

void BridgeSession::Forward(const KSB_MESSAGE& m, const FilePtr& file, const uint8_t* in, const uint8_t* out) {
  auto pending = std::make_shared<Pending>();
  pending->requestId = m.requestId;
  pending->input.assign(in, in + m.inputLength);
  pending->output.assign(out, out + m.outputLength);
  // KSPROPERTY_STREAM_ALLOCATOR / _MASTERCLOCK carry a handle: the client's
  // value in, the emulator's to it; a GET's answer back the other way.
  bool handleProperty = false, isGet = false, physicalConnection = false;
  if (m.code == IOCTL_KS_PROPERTY && m.inputLength >= sizeof(KSIDENTIFIER)) {
    const Guid set = Read<Guid>(in);
    const uint32_t id = Read<uint32_t>(in + 16), flags = Read<uint32_t>(in + 20);
    physicalConnection = set == KSPROPSETID_Pin && id == KSPROPERTY_PIN_PHYSICALCONNECTION &&
                         (flags & KSPROPERTY_TYPE_GET) != 0;
  }
  if (m.code == IOCTL_KS_PROPERTY && m.inputLength >= sizeof(KSIDENTIFIER) && m.outputLength >= 8) {
    const Guid set = Read<Guid>(in);
    const uint32_t id = Read<uint32_t>(in + 16), flags = Read<uint32_t>(in + 20);
    if (set == KSPROPSETID_Stream && (id == KSPROPERTY_STREAM_ALLOCATOR || id == KSPROPERTY_STREAM_MASTERCLOCK)) {
      handleProperty = true;
      isGet = (flags & KSPROPERTY_TYPE_GET) != 0;
      if (flags & KSPROPERTY_TYPE_SET) {
        Write<uint64_t>(pending->output.data(), ToEmulatorHandle(m.pid, Read<uint64_t>(pending->output.data())));
      }
    }
  }
  // KSPROPSETID_RtAudio: addresses and event handles of the client's process (wavert_translation.h).
  const RtAudioRequest rtAudio =
      m.code == IOCTL_KS_PROPERTY ? ClassifyRtAudio(in, m.inputLength, m.outputLength) : RtAudioRequest::None;
  if (rtAudio != RtAudioRequest::None) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!file->wavert) file->wavert = std::make_unique<WaveRtTranslation>(emulator_, file->process);
    }
    const uint32_t refused = file->wavert->BeforeRequest(rtAudio, pending->input);
    if (refused != STATUS_SUCCESS) {
      Fail(m.requestId, refused);
      return;
    }
  }
  IoctlRequest request;
  request.code = m.code;
  request.input = pending->input.empty() ? nullptr : pending->input.data();
  request.inputLength = m.inputLength;
  request.output = pending->output.empty() ? nullptr : pending->output.data();
  request.outputLength = m.outputLength;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inflight_[m.requestId] = file->handle;
  }
  emulator_.IoctlAsync(file->handle, request,
                       [this, pending, file, rtAudio, handleProperty, isGet, physicalConnection](const IoResult& result) {
    uint32_t status = result.status.value;
    if (rtAudio != RtAudioRequest::None) {
      status = file->wavert->AfterRequest(rtAudio, status, pending->input, pending->output, result.bytesReturned);
    }
    const bool ok = static_cast<int32_t>(status) >= 0;
    uint32_t information = result.bytesReturned;
    if (ok && handleProperty && isGet && information >= 8) {
      Write<uint64_t>(pending->output.data(), ToClientHandle(Read<uint64_t>(pending->output.data())));
    }
    if (ok && physicalConnection) information = RewritePhysicalConnection(pending->output, information);
    const uint32_t back = ok ? std::min<uint32_t>(information, static_cast<uint32_t>(pending->output.size())) : 0;
    Complete(pending->requestId, status, status == result.status.value ? information : 0, pending->output.data(), back);
  });
}

// KSPIN_PHYSICALCONNECTION: Size, Pin, then the NUL-terminated link. The
// bridge's link is never longer than the emulator's (no reference string), so
// it fits wherever the emulator's answer did. Returns the new Information.
uint32_t BridgeSession::RewritePhysicalConnection(std::vector<uint8_t>& output, uint32_t information) {
  if (information < sizeof(KSPIN_PHYSICALCONNECTION) + 2 || information > output.size()) return information;
  std::u16string link;
  for (size_t at = sizeof(KSPIN_PHYSICALCONNECTION); at + 1 < information; at += 2) {
    const char16_t c = static_cast<char16_t>(output[at] | output[at + 1] << 8);
    if (c == 0) break;
    link.push_back(c);
  }
  const std::u16string bridged = BridgeLinkFor(link, devices_);
  if (bridged.empty()) return information;
  const uint32_t size = static_cast<uint32_t>(sizeof(KSPIN_PHYSICALCONNECTION) + (bridged.size() + 1) * 2);
  if (size > information) return information;
  Write<uint32_t>(output.data(), size);
  for (size_t i = 0; i <= bridged.size(); ++i) {
    const char16_t c = i < bridged.size() ? bridged[i] : 0;
    output[sizeof(KSPIN_PHYSICALCONNECTION) + 2 * i] = static_cast<uint8_t>(c & 0xff);
    output[sizeof(KSPIN_PHYSICALCONNECTION) + 2 * i + 1] = static_cast<uint8_t>(c >> 8);
  }
  return size;
}

void BridgeSession::Stream(const KSB_MESSAGE& m, const FilePtr& file, const uint8_t* in, const uint8_t* out) {
  // The headers come as the driver copied them; the data they point to lives in
  // the client. Each frame is copied into a buffer of the server's for the
  // emulator and, for a read, back into the client when it completes.
  struct StreamPending : Pending {
    FilePtr file;
    bool toClient = false;
    std::vector<size_t> offsets;
    std::vector<uint64_t> clientData;
    std::vector<std::vector<uint8_t>> frames;
  };
  auto pending = std::make_shared<StreamPending>();
  pending->requestId = m.requestId;
  pending->file = file;
  pending->toClient = m.code == IOCTL_KS_READ_STREAM;
  pending->input.assign(in, in + m.inputLength);
  pending->output.assign(out, out + m.outputLength);
  for (size_t at = 0; at + sizeof(KSSTREAM_HEADER) <= pending->output.size();) {
    uint8_t* h = pending->output.data() + at;
    KSSTREAM_HEADER header = Read<KSSTREAM_HEADER>(h);
    if (header.Size < sizeof(KSSTREAM_HEADER) || at + header.Size > pending->output.size()) break;
    const uint32_t length = std::max(header.FrameExtent, header.DataUsed);
    uint64_t local = header.Data;
    std::vector<uint8_t> frame;
    if (header.Data != 0 && length > 0) {
      local = kUnreadable;
      SIZE_T moved = 0;
      if (length <= kMaxFrame && file->process != nullptr) {
        frame.resize(length);
        if (ReadProcessMemory(file->process, reinterpret_cast<void*>(static_cast<uintptr_t>(header.Data)), frame.data(),
                              length, &moved) &&
            moved == length) {
          local = reinterpret_cast<uintptr_t>(frame.data());
        } else {
          frame.clear();
        }
      }
    }
    pending->offsets.push_back(at);
    pending->clientData.push_back(header.Data);
    pending->frames.push_back(std::move(frame));
    header.Data = local;  // moving `frame` kept its heap block
    Write(h, header);
    at += header.Size;
  }
  IoctlRequest request;
  request.code = m.code;
  request.input = pending->input.empty() ? nullptr : pending->input.data();
  request.inputLength = m.inputLength;
  request.output = pending->output.empty() ? nullptr : pending->output.data();
  request.outputLength = m.outputLength;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    inflight_[m.requestId] = file->handle;
  }
  emulator_.IoctlAsync(file->handle, request, [this, pending](const IoResult& result) {
    uint32_t status = result.status.value;
    for (size_t i = 0; i < pending->offsets.size(); ++i) {
      uint8_t* h = pending->output.data() + pending->offsets[i];
      KSSTREAM_HEADER header = Read<KSSTREAM_HEADER>(h);
      const std::vector<uint8_t>& frame = pending->frames[i];
      if (pending->toClient && result.status.ok() && !frame.empty()) {
        const size_t used = std::min<size_t>(header.DataUsed, frame.size());
        SIZE_T moved = 0;
        if (used > 0 && !(WriteProcessMemory(pending->file->process,
                                             reinterpret_cast<void*>(static_cast<uintptr_t>(pending->clientData[i])),
                                             frame.data(), used, &moved) &&
                          moved == used)) {
          status = STATUS_ACCESS_VIOLATION;
        }
      }
      header.Data = pending->clientData[i];
      Write(h, header);
    }
    const bool ok = static_cast<int32_t>(status) >= 0;
    const uint32_t back = ok ? static_cast<uint32_t>(pending->output.size()) : 0;
    Complete(pending->requestId, status, ok ? result.bytesReturned : 0, pending->output.data(), back);
  });
}

void BridgeSession::CloseFile(uint64_t fileId) {
  FilePtr file;
  std::vector<std::unique_ptr<EventRecord>> released;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    removedFiles_.erase(fileId);
    auto it = files_.find(fileId);
    if (it == files_.end()) return;
    file = it->second;
    files_.erase(it);
    for (auto e = events_.begin(); e != events_.end();) {
      if (e->second->fileId == fileId) {
        released.push_back(std::move(e->second));
        e = events_.erase(e);
      } else {
        ++e;
      }
    }
    if (file->clientHandle != 0) clientToEmulator_.erase({file->pid, file->clientHandle});
    emulatorToClient_.erase(file->handle);
  }
  // Closing disables the handle's events (their duplicated event handles go
  // with the emulator's registrations) and cancels what is pending.
  emulator_.Close(file->handle);
}

}  // namespace ks::bridge
