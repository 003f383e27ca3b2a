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
#include "../emulator/video_test_pattern.h"
#include "../handle_table.h"
#include "../ks_backend.h"

#include "selftest.h"

using namespace ks;


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
  CHECK(devices.size() == 5);  // audio capture, video capture, the mode-aware microphone, the USB microphone, the WaveRT microphone
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

// A synchronous ALLOC that pends waits until FREE arrives from another thread:
// it must not return before that FREE was sent.
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
  std::atomic<bool> freeSent{false};
  std::thread freer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto free = MethodRequest(KSMETHOD_STREAMALLOCATOR_FREE);
    freeSent = true;
    backend->Ioctl(allocator, IoctlRequest{IOCTL_KS_METHOD, free.data(), 24, reinterpret_cast<uint8_t*>(&first), 8});
  });
  r = backend->Ioctl(allocator, IoctlRequest{IOCTL_KS_METHOD, alloc.data(), 24, reinterpret_cast<uint8_t*>(&second), 8});
  const bool pended = freeSent;  // the only frame was out: the ALLOC can only have returned after the FREE
  freer.join();
  CHECK(pended);
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
// The number of entries in an emulated object's own event list (below the
// backend's registrations).
static uint32_t EnabledEvents(Backend& backend, BackendHandle object) {
  KSPROPERTY query{emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_ENABLED_EVENTS, KSPROPERTY_TYPE_GET};
  uint32_t count = 0xFFFFFFFF;
  IoResult r = backend.Ioctl(object, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&query), sizeof query,
                                                  reinterpret_cast<uint8_t*>(&count), sizeof count});
  return r.status.ok() && r.bytesReturned == sizeof count ? count : 0xFFFFFFFF;
}

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
  CHECK(EnabledEvents(*backend, clock) == 1);
  CHECK(backend->DisableEvent(clock, registration).ok());
  CHECK(EnabledEvents(*backend, clock) == 0);  // the driver's entry went, not only the backend's registration
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

static std::vector<uint8_t> VideoFormatBytes(const Guid& specifier, const Guid& subtype, int32_t width, int32_t height,
                                             uint32_t sizeImage) {
  const size_t bitmapAt = specifier == KSDATAFORMAT_SPECIFIER_VIDEOINFO2 ? 72 : 48;
  std::vector<uint8_t> format(sizeof(KSDATAFORMAT) + bitmapAt + sizeof(KS_BITMAPINFOHEADER));
  KSDATAFORMAT head{};
  head.FormatSize = static_cast<uint32_t>(format.size());
  head.MajorFormat = KSDATAFORMAT_TYPE_VIDEO;
  head.SubFormat = subtype;
  head.Specifier = specifier;
  std::memcpy(format.data(), &head, sizeof head);
  const int64_t interval = 333333;
  std::memcpy(format.data() + sizeof head + 40, &interval, sizeof interval);
  KS_BITMAPINFOHEADER bitmap{};
  bitmap.biSize = sizeof bitmap;
  bitmap.biWidth = width;
  bitmap.biHeight = height;
  bitmap.biSizeImage = sizeImage;
  std::memcpy(format.data() + sizeof head + bitmapAt, &bitmap, sizeof bitmap);
  return format;
}

// The pattern writes exactly imageBytes (ASan sees any byte past the
// buffer), stamps every row, zeroes the padding, and refuses layouts it
// cannot fill.
static void VideoPatternBounds() {
  for (const Guid* specifier : {&KSDATAFORMAT_SPECIFIER_VIDEOINFO, &KSDATAFORMAT_SPECIFIER_VIDEOINFO2}) {
    for (const Guid* subtype : {&KSDATAFORMAT_SUBTYPE_YUY2, &KSDATAFORMAT_SUBTYPE_NV12}) {
      const bool nv12 = subtype == &KSDATAFORMAT_SUBTYPE_NV12;
      // Rows shorter than the 8-byte stamp, and a padded biSizeImage; a negative height is top-down all the same.
      for (int32_t width : {2, 4, 6, 640}) {
        const int32_t height = nv12 ? -4 : -3;
        const uint32_t picture = nv12 ? width * 4 * 3 / 2 : width * 3 * 2;
        ks::emu::VideoLayout layout{};
        CHECK(ks::emu::ParseVideoFormat(VideoFormatBytes(*specifier, *subtype, width, height, picture + 5), &layout));
        CHECK(layout.imageBytes == picture + 5 && layout.height == static_cast<uint32_t>(-height));
        CHECK(layout.avgTimePerFrame == 333333);
        std::vector<uint8_t> frame(layout.imageBytes, 0xAA);
        const uint64_t index = 0x0102030405060708ull;
        ks::emu::FillVideoTestFrame(layout, index, frame.data());
        const uint32_t rowBytes = nv12 ? width : width * 2;
        const uint32_t stamped = rowBytes < 8 ? rowBytes : 8;
        CHECK(frame[0] == 0x08 && frame[stamped - 1] == static_cast<uint8_t>(index >> (8 * (stamped - 1))));
        CHECK(frame[rowBytes] == 0x08);  // the second row is stamped too
        CHECK(frame[picture] == 0 && frame[picture + 4] == 0);
      }
      ks::emu::VideoLayout layout{};
      CHECK(!ks::emu::ParseVideoFormat(VideoFormatBytes(*specifier, *subtype, 5, 4, 0), &layout));
      CHECK(!ks::emu::ParseVideoFormat(VideoFormatBytes(*specifier, *subtype, 0, 4, 0), &layout));
      auto truncated = VideoFormatBytes(*specifier, *subtype, 8, 4, 0);
      truncated.pop_back();
      CHECK(!ks::emu::ParseVideoFormat(truncated, &layout));
    }
  }
  ks::emu::VideoLayout layout{};
  CHECK(!ks::emu::ParseVideoFormat(VideoFormatBytes(KSDATAFORMAT_SPECIFIER_VIDEOINFO, KSDATAFORMAT_SUBTYPE_NV12, 8, 3, 0), &layout));
  CHECK(!ks::emu::ParseVideoFormat(VideoFormatBytes(KSDATAFORMAT_SPECIFIER_WAVEFORMATEX, KSDATAFORMAT_SUBTYPE_YUY2, 8, 4, 0), &layout));
}

int main() {
  ExternalAllocatorRules();
  VideoPatternBounds();
  SeamArguments();
  PendingAcrossThreads();
  HandleTableOwnership();
  EventsThroughTheSeam();
  return selftest::Report("native");
}
