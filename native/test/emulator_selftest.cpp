// Checks of the native layer that JavaScript cannot reach: the seam's
// argument handling, the allocator's callback rules, and a request that pends
// on one thread and completes from another. Built and run by
// scripts/test-native.js, with AddressSanitizer and UBSan where available.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

#include "../emulator/default_allocator.h"
#include "../emulator/emulator_control.h"
#include "../handle_table.h"
#include "../ks_backend.h"

using namespace ks;

static int passed = 0, failed = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (cond) {                                                       \
      ++passed;                                                       \
    } else {                                                          \
      ++failed;                                                       \
      std::printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
    }                                                                 \
  } while (0)

static std::vector<uint8_t> FramingPayload(uint32_t frames, uint32_t frameSize) {
  KSALLOCATOR_FRAMING f{0, NonPagedPool, frames, frameSize, FILE_LONG_ALIGNMENT, 0};
  std::vector<uint8_t> p(sizeof f);
  std::memcpy(p.data(), &f, sizeof f);
  return p;
}

static std::vector<uint8_t> MethodRequest(uint32_t id) {
  KSMETHOD m{KSMETHODSETID_StreamAllocator, id, KSMETHOD_TYPE_SEND};
  std::vector<uint8_t> b(sizeof m);
  std::memcpy(b.data(), &m, sizeof m);
  return b;
}

static void* AllocateNothing(void*) { return nullptr; }
static void FreeNothing(void*, void*) {}
static uint32_t InitializeOk(void*, KSALLOCATOR_FRAMING*, void** context) {
  *context = nullptr;
  return STATUS_SUCCESS;
}
static std::atomic<int> deletes{0};
static void CountDelete(void*) { ++deletes; }

static void ExternalAllocatorRules() {
  emu::CreateRequest request;
  request.payload = FramingPayload(2, 64);
  std::shared_ptr<emu::Object> out;
  // DefaultAllocate without the rest of an external allocator is refused.
  CHECK(emu::KsCreateDefaultAllocatorEx(request, nullptr, AllocateNothing, nullptr, nullptr, nullptr, &out) ==
        STATUS_INVALID_PARAMETER);
  CHECK(!out);
  // Without DefaultAllocate, every other argument must be NULL.
  int context = 0;
  CHECK(emu::KsCreateDefaultAllocatorEx(request, &context, nullptr, nullptr, nullptr, nullptr, &out) ==
        STATUS_INVALID_PARAMETER);
  CHECK(emu::KsCreateDefaultAllocatorEx(request, nullptr, nullptr, nullptr, nullptr, CountDelete, &out) ==
        STATUS_INVALID_PARAMETER);
  // An external allocator whose DefaultAllocate fails answers ALLOC with
  // STATUS_INSUFFICIENT_RESOURCES and counts nothing; DeleteAllocator runs once.
  CHECK(emu::KsCreateDefaultAllocatorEx(request, nullptr, AllocateNothing, FreeNothing, InitializeOk, CountDelete,
                                        &out) == STATUS_SUCCESS);
  auto method = MethodRequest(KSMETHOD_STREAMALLOCATOR_ALLOC);
  uint64_t token = 0;
  emu::Irp irp;
  irp.code = IOCTL_KS_METHOD;
  irp.input = method.data();
  irp.inputLength = static_cast<uint32_t>(method.size());
  irp.output = reinterpret_cast<uint8_t*>(&token);
  irp.outputLength = sizeof token;
  CHECK(out->DeviceControl(irp) == STATUS_INSUFFICIENT_RESOURCES);
  out.reset();
  CHECK(deletes == 1);
}

static void SeamArguments() {
  auto backend = CreateEmulatorBackend();
  BackendHandle handle = 0;
  bool v2 = true;
  CHECK(backend->CreateObject(0x1234, ObjectClass::Allocator, FramingPayload(1, 1), 0, &handle, &v2).value ==
        STATUS_INVALID_HANDLE);
  CHECK(!v2);
  IoResult r = backend->Ioctl(0x1234, IoctlRequest{IOCTL_KS_PROPERTY, nullptr, 0, nullptr, 0});
  CHECK(r.status.value == STATUS_INVALID_HANDLE);

  std::vector<DeviceInterface> devices;
  CHECK(backend->EnumerateInterfaces(KSCATEGORY_CAPTURE, &devices).ok());
  CHECK(devices.size() == 2);  // the audio capture device, then the video capture device
  BackendHandle filter = 0;
  CHECK(backend->OpenFilter(devices[0].path, &filter).ok());
  // A filter is no create item of a filter; an allocator has no create items.
  CHECK(backend->CreateObject(filter, ObjectClass::Filter, {}, 0, &handle, &v2).value == STATUS_INVALID_PARAMETER);
  CHECK(backend->CreateObject(filter, ObjectClass::Allocator, FramingPayload(1, 1), 0, &handle, &v2).value ==
        STATUS_INVALID_DEVICE_REQUEST);
  // An unknown IOCTL code is refused.
  r = backend->Ioctl(filter, IoctlRequest{0x2F0FFF, nullptr, 0, nullptr, 0});
  CHECK(r.status.value == STATUS_INVALID_DEVICE_REQUEST);
  backend->Close(filter);
  backend->Close(filter);  // a second close of a handle is a no-op
}

static std::vector<uint8_t> PinPayload(uint32_t pinId) {
  std::vector<uint8_t> p(sizeof(KSPIN_CONNECT) + 82, 0);
  KSPIN_CONNECT c{};
  c.Interface.Set = KSINTERFACESETID_Standard;
  c.Medium.Set = KSMEDIUMSETID_Standard;
  c.PinId = pinId;
  std::memcpy(p.data(), &c, sizeof c);
  KSDATAFORMAT f{};
  f.FormatSize = 82;
  f.MajorFormat = KSDATAFORMAT_TYPE_AUDIO;
  f.SubFormat = KSDATAFORMAT_SUBTYPE_PCM;
  f.Specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
  std::memcpy(p.data() + sizeof c, &f, sizeof f);
  uint8_t* w = p.data() + sizeof c + sizeof f;
  uint16_t tag = 1, channels = 2, block = 4, bits = 16;
  uint32_t rate = 48000, avg = 192000;
  std::memcpy(w, &tag, 2);
  std::memcpy(w + 2, &channels, 2);
  std::memcpy(w + 4, &rate, 4);
  std::memcpy(w + 8, &avg, 4);
  std::memcpy(w + 12, &block, 2);
  std::memcpy(w + 14, &bits, 2);
  return p;
}

// A synchronous ALLOC that pends waits until FREE arrives from another thread.
static void PendingAcrossThreads() {
  auto backend = CreateEmulatorBackend();
  std::vector<DeviceInterface> devices;
  backend->EnumerateInterfaces(KSCATEGORY_CAPTURE, &devices);
  BackendHandle filter = 0, pin = 0, allocator = 0;
  bool v2 = false;
  backend->OpenFilter(devices[0].path, &filter);
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, PinPayload(0), 0, &pin, &v2).ok());
  CHECK(backend->CreateObject(pin, ObjectClass::Allocator, FramingPayload(1, 64), 0, &allocator, &v2).ok());
  auto alloc = MethodRequest(KSMETHOD_STREAMALLOCATOR_ALLOC);
  uint64_t first = 0, second = 0;
  IoResult r = backend->Ioctl(allocator, IoctlRequest{IOCTL_KS_METHOD, alloc.data(), 24,
                                                      reinterpret_cast<uint8_t*>(&first), 8});
  CHECK(r.status.ok());
  std::thread freer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto free = MethodRequest(KSMETHOD_STREAMALLOCATOR_FREE);
    backend->Ioctl(allocator, IoctlRequest{IOCTL_KS_METHOD, free.data(), 24, reinterpret_cast<uint8_t*>(&first), 8});
  });
  r = backend->Ioctl(allocator, IoctlRequest{IOCTL_KS_METHOD, alloc.data(), 24, reinterpret_cast<uint8_t*>(&second), 8});
  freer.join();
  CHECK(r.status.ok());
  CHECK(r.bytesReturned == 8);
  CHECK(second != 0 && second != first);
  // Closing the backend with handles open closes them (the env cleanup path).
}

static void HandleTableOwnership() {
  auto backend = CreateEmulatorBackend();
  std::vector<DeviceInterface> devices;
  backend->EnumerateInterfaces(KSCATEGORY_CAPTURE, &devices);
  BackendHandle filter = 0, pin = 0;
  bool v2 = false;
  backend->OpenFilter(devices[0].path, &filter);
  backend->CreateObject(filter, ObjectClass::Pin, PinPayload(0), 0, &pin, &v2);
  HandleTable table;
  double f = table.Add(backend.get(), filter, ObjectClass::Filter, 0);
  double p = table.Add(backend.get(), pin, ObjectClass::Pin, f);
  CHECK(table.size() == 2);
  table.Close(f);
  CHECK(table.size() == 0);
  CHECK(table.Find(p) == nullptr);
  // The pin's instance was released: a new pin on the same factory succeeds.
  BackendHandle again = 0;
  backend->OpenFilter(devices[0].path, &filter);
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, PinPayload(0), 0, &again, &v2).ok());
}

// Events through the seam: the KSEVENTDATA the backend keeps names them for
// DISABLE_EVENT, a disabled event never signals again, clock marks come from
// a timer thread that stops with the clock, and the event data is bounded.
static void EventsThroughTheSeam() {
  auto backend = CreateEmulatorBackend();
  std::vector<DeviceInterface> devices;
  backend->EnumerateInterfaces(KSCATEGORY_CAPTURE, &devices);
  BackendHandle filter = 0, pin = 0, clock = 0;
  bool v2 = false;
  backend->OpenFilter(devices[0].path, &filter);
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, PinPayload(0), 0, &pin, &v2).ok());
  std::vector<uint8_t> create(sizeof(KSCLOCK_CREATE), 0);
  CHECK(backend->CreateObject(pin, ObjectClass::Clock, create, 0, &clock, &v2).ok());

  KSEVENT interval{KSEVENTSETID_Clock, KSEVENT_CLOCK_INTERVAL_MARK, KSEVENT_TYPE_ENABLE};
  std::vector<uint8_t> request(sizeof interval);
  std::memcpy(request.data(), &interval, sizeof interval);
  std::vector<uint8_t> times(16, 0);
  int64_t every = 10000;  // 1 ms
  std::memcpy(times.data() + 8, &every, 8);
  std::atomic<int> signals{0};
  uint64_t registration = 0;
  CHECK(backend->EnableEvent(clock, request, times, [&] { ++signals; }, &registration).ok());
  // Missing TimeBase/Interval: the request is refused, nothing stays registered.
  uint64_t refused = 0;
  CHECK(backend->EnableEvent(clock, request, {}, [&] { ++signals; }, &refused).value == STATUS_BUFFER_TOO_SMALL);
  // A short KSEVENT is refused before anything is read.
  CHECK(backend->EnableEvent(clock, std::vector<uint8_t>(8, 0), times, [] {}, &refused).value ==
        STATUS_INVALID_DEVICE_REQUEST);

  uint32_t run = KSSTATE_ACQUIRE;
  KSPROPERTY state{KSPROPSETID_Connection, KSPROPERTY_CONNECTION_STATE, KSPROPERTY_TYPE_SET};
  for (uint32_t next : {1u, 2u, 3u}) {
    run = next;
    backend->Ioctl(pin, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&state), sizeof state,
                                     reinterpret_cast<uint8_t*>(&run), sizeof run});
  }
  for (int i = 0; i < 500 && signals < 3; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  CHECK(signals >= 3);
  CHECK(backend->DisableEvent(clock, registration).ok());
  CHECK(backend->DisableEvent(clock, registration).value == STATUS_INVALID_PARAMETER);  // gone already
  int after = signals;
  std::this_thread::sleep_for(std::chrono::milliseconds(15));
  CHECK(signals == after);

  // Enabled again and left enabled: closing the clock frees it and stops the timer.
  CHECK(backend->EnableEvent(clock, request, times, [&] { ++signals; }, &registration).ok());
  backend->Close(clock);
  after = signals;
  std::this_thread::sleep_for(std::chrono::milliseconds(15));
  CHECK(signals == after);
  CHECK(backend->DisableEvent(clock, registration).value == STATUS_INVALID_PARAMETER);

  // Pulling the device out kills its handles; plugging it back does not revive them.
  emu::EmulatorControl* control = backend->Emulator();
  CHECK(control != nullptr);
  CHECK(control->SetPresent(devices[0].path, false).ok());
  IoResult r = backend->Ioctl(pin, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&state), sizeof state,
                                                reinterpret_cast<uint8_t*>(&run), sizeof run});
  CHECK(r.status.value == STATUS_DEVICE_REMOVED);
  BackendHandle again = 0;
  CHECK(backend->OpenFilter(devices[0].path, &again).value == STATUS_OBJECT_NAME_NOT_FOUND);
  CHECK(control->SetPresent(devices[0].path, true).ok());
  r = backend->Ioctl(filter, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&state), sizeof state, nullptr, 0});
  CHECK(r.status.value == STATUS_DEVICE_REMOVED);
  CHECK(backend->OpenFilter(devices[0].path, &again).ok());
  CHECK(control->SetPresent("no such path", false).value == STATUS_OBJECT_NAME_NOT_FOUND);
}

int main() {
  ExternalAllocatorRules();
  SeamArguments();
  PendingAcrossThreads();
  HandleTableOwnership();
  EventsThroughTheSeam();
  std::printf("native: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
