// Checks of the emulator's WaveRT endpoints through the seam, as a native
// client meets them: the create rules, every KSPROPSETID_RtAudio rule with
// its status, and the modelled DMA engine (the tone as the position passes,
// the render checksum and glitch rule, notification events, packet mode).
// Built and run by scripts/test-native.js under ASan/UBSan. Timing checks
// only ever ask "at least", with margins for a loaded machine.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>

#include <sched.h>
#include <unistd.h>

#include "../emulator/device_catalog.h"
#include "../emulator/pin_stream.h"
#include "../emulator/wavert_stream.h"
#include "../ks_backend.h"
#include "../ks_rtaudio.h"

#include "selftest.h"

using namespace ks;


namespace {

void Sleep(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string PathOf(Backend& backend, const char* reference) {
  std::vector<DeviceInterface> devices;
  backend.EnumerateInterfaces(KSCATEGORY_AUDIO, &devices);
  for (const auto& d : devices) {
    if (d.path.size() > std::strlen(reference) && d.path.compare(d.path.size() - std::strlen(reference), std::string::npos, reference) == 0) return d.path;
  }
  return "";
}

// KSPIN_CONNECT + KSDATAFORMAT + WAVEFORMATEXTENSIBLE (or a plain WAVEFORMATEX).
std::vector<uint8_t> Connect(uint32_t pinId, uint32_t interfaceId, uint16_t bits, uint16_t validBits, bool extensible = true) {
  const uint32_t waveSize = extensible ? 40 : 18;
  std::vector<uint8_t> p(sizeof(KSPIN_CONNECT) + sizeof(KSDATAFORMAT) + waveSize, 0);
  KSPIN_CONNECT c{};
  c.Interface.Set = KSINTERFACESETID_Standard;
  c.Interface.Id = interfaceId;
  c.Medium.Set = KSMEDIUMSETID_Standard;
  c.PinId = pinId;
  std::memcpy(p.data(), &c, sizeof c);
  KSDATAFORMAT f{};
  f.FormatSize = sizeof(KSDATAFORMAT) + waveSize;
  f.MajorFormat = KSDATAFORMAT_TYPE_AUDIO;
  f.SubFormat = KSDATAFORMAT_SUBTYPE_PCM;
  f.Specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
  std::memcpy(p.data() + sizeof c, &f, sizeof f);
  uint8_t* w = p.data() + sizeof c + sizeof f;
  uint16_t tag = extensible ? 0xFFFE : 1, channels = 2, block = static_cast<uint16_t>(2 * bits / 8);
  uint16_t cb = extensible ? 22 : 0;
  uint32_t rate = 48000, avg = 48000u * block, mask = 3;
  std::memcpy(w, &tag, 2);
  std::memcpy(w + 2, &channels, 2);
  std::memcpy(w + 4, &rate, 4);
  std::memcpy(w + 8, &avg, 4);
  std::memcpy(w + 12, &block, 2);
  std::memcpy(w + 14, &bits, 2);
  std::memcpy(w + 16, &cb, 2);
  if (extensible) {
    std::memcpy(w + 18, &validBits, 2);
    std::memcpy(w + 20, &mask, 4);
    std::memcpy(w + 24, &KSDATAFORMAT_SUBTYPE_PCM, 16);
  }
  return p;
}

struct Rt {
  Backend& backend;
  BackendHandle pin;

  // A property request: `instance` follows the KSPROPERTY (which this fills).
  IoResult Property(const Guid& set, uint32_t id, uint32_t flags, std::vector<uint8_t> instance, void* out, uint32_t outSize) {
    if (instance.size() < sizeof(KSPROPERTY)) instance.resize(sizeof(KSPROPERTY), 0);
    KSPROPERTY p{set, id, flags};
    std::memcpy(instance.data(), &p, sizeof p);
    return backend.Ioctl(pin, IoctlRequest{IOCTL_KS_PROPERTY, instance.data(), static_cast<uint32_t>(instance.size()),
                                           static_cast<uint8_t*>(out), outSize});
  }
  uint32_t Buffer(uint32_t requested, uint32_t count, KSRTAUDIO_BUFFER* out) {
    std::vector<uint8_t> in(40, 0);
    std::memcpy(in.data() + 32, &requested, 4);
    std::memcpy(in.data() + 36, &count, 4);
    return Property(KSPROPSETID_RtAudio, count ? KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION : KSPROPERTY_RTAUDIO_BUFFER,
                    KSPROPERTY_TYPE_GET, in, out, sizeof *out)
        .status.value;
  }
  uint32_t Register(uint32_t id, uint32_t flags, KSRTAUDIO_HWREGISTER* out) {
    return Property(KSPROPSETID_RtAudio, id, flags, std::vector<uint8_t>(32, 0), out, sizeof *out).status.value;
  }
  uint32_t Event(uint32_t id, uint64_t handle) {
    std::vector<uint8_t> in(32, 0);
    std::memcpy(in.data() + 24, &handle, 8);
    return Property(KSPROPSETID_RtAudio, id, KSPROPERTY_TYPE_SET, in, nullptr, 0).status.value;
  }
  uint32_t State(uint32_t target) {
    uint32_t current = 0;
    Property(KSPROPSETID_Connection, KSPROPERTY_CONNECTION_STATE, KSPROPERTY_TYPE_GET, {}, &current, 4);
    while (current != target) {
      current += target > current ? 1 : -1;
      uint32_t status = Property(KSPROPSETID_Connection, KSPROPERTY_CONNECTION_STATE, KSPROPERTY_TYPE_SET, {}, &current, 4).status.value;
      if (status != STATUS_SUCCESS) return status;
    }
    return STATUS_SUCCESS;
  }
  template <typename T>
  uint32_t Get(const Guid& set, uint32_t id, T* out) {
    return Property(set, id, KSPROPERTY_TYPE_GET, {}, out, sizeof *out).status.value;
  }
  uint32_t WritePacket(uint32_t number, uint32_t flags, uint32_t eosLength) {
    KSRTAUDIO_SETWRITEPACKET_INFO info{number, flags, eosLength};
    return Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_SETWRITEPACKET, KSPROPERTY_TYPE_SET, {}, &info, sizeof info).status.value;
  }
  emu::EmulatorWaveRtStats Stats() {
    emu::EmulatorWaveRtStats s{};
    Get(emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_WAVERT_STATS, &s);
    return s;
  }
};

// The tone's sample n, written out from its definition (not the emulator's code).
int64_t ToneSample(uint64_t n, uint32_t rate, uint32_t validBits) {
  const double phase = 2 * 3.14159265358979323846 * static_cast<double>(n * 1000 % rate) / rate;
  return std::llround(std::sin(phase) * 2 * std::floor((std::pow(2.0, validBits - 1) - 1) / 4));
}

uint64_t Fnv(uint64_t h, const uint8_t* data, size_t bytes) {
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t w;
    std::memcpy(&w, data + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
  }
  return h;
}

void CreateRules() {
  auto backend = CreateEmulatorBackend();
  const std::string speakers = PathOf(*backend, "\\wavespeakers");
  CHECK(!speakers.empty());
  BackendHandle filter = 0, pin = 0, second = 0;
  bool v2 = false;
  CHECK(backend->OpenFilter(speakers, &filter).ok());
  // The host pin lists only the looped-streaming interface.
  KSP_PIN query{{KSPROPSETID_Pin, KSPROPERTY_PIN_INTERFACES, KSPROPERTY_TYPE_GET}, 0, 0};
  uint8_t list[64];
  IoResult r = backend->Ioctl(filter, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&query), sizeof query, list, sizeof list});
  KSMULTIPLE_ITEM head;
  std::memcpy(&head, list, sizeof head);
  KSPIN_INTERFACE offered;
  std::memcpy(&offered, list + 8, sizeof offered);
  CHECK(r.status.ok() && head.Count == 1 && offered.Id == KSINTERFACE_STANDARD_LOOPED_STREAMING);
  // Standard streaming, a plain WAVEFORMATEX and 24 bits in 24 are refused.
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 0, 16, 16), 0, &pin, &v2).value == STATUS_NO_MATCH);
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16, false), 0, &pin, &v2).value == STATUS_NO_MATCH);
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 24, 24), 0, &pin, &v2).value == STATUS_NO_MATCH);
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2).ok());
  // One instance at a time.
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &second, &v2).value == STATUS_DEVICE_BUSY);
  Rt rt{*backend, pin};
  // No standard streaming on it, and no allocator framing.
  KSSTREAM_HEADER header{};
  header.Size = sizeof header;
  CHECK(backend->Ioctl(pin, IoctlRequest{IOCTL_KS_WRITE_STREAM, nullptr, 0, reinterpret_cast<uint8_t*>(&header), sizeof header}).status.value ==
        STATUS_INVALID_DEVICE_REQUEST);
  KSALLOCATOR_FRAMING framing;
  CHECK(rt.Get(KSPROPSETID_Connection, KSPROPERTY_CONNECTION_ALLOCATORFRAMING, &framing) == STATUS_NOT_FOUND);
  backend->Close(pin);
  // 24 valid bits in a 32-bit container.
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 32, 24), 0, &pin, &v2).ok());
  backend->Close(pin);

  // The audio engine holding the endpoint: STATUS_INVALID_DEVICE_STATE, and GLOBALCINSTANCES counts it.
  int32_t hold = 1;
  KSPROPERTY holdSet{emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_AUDIO_ENGINE_HOLD, KSPROPERTY_TYPE_SET};
  CHECK(backend->Ioctl(filter, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&holdSet), sizeof holdSet,
                                            reinterpret_cast<uint8_t*>(&hold), 4}).status.ok());
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2).value == STATUS_INVALID_DEVICE_STATE);
  KSP_PIN global{{KSPROPSETID_Pin, KSPROPERTY_PIN_GLOBALCINSTANCES, KSPROPERTY_TYPE_GET}, 0, 0};
  KSPIN_CINSTANCES instances{};
  backend->Ioctl(filter, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&global), sizeof global,
                                      reinterpret_cast<uint8_t*>(&instances), sizeof instances});
  CHECK(instances.PossibleCount == 1 && instances.CurrentCount == 1);
  hold = 0;
  backend->Ioctl(filter, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&holdSet), sizeof holdSet,
                                      reinterpret_cast<uint8_t*>(&hold), 4});
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2).ok());
  backend->Close(pin);
  backend->Close(filter);

  // The topology filter's jack, and the wave filter's way to it.
  BackendHandle topology = 0;
  CHECK(backend->OpenFilter(PathOf(*backend, "\\topospeakers"), &topology).ok());
  KSP_PIN jack{{KSPROPSETID_Jack, KSPROPERTY_JACK_DESCRIPTION, KSPROPERTY_TYPE_GET}, 0, 0};
  uint8_t reply[64];
  r = backend->Ioctl(topology, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&jack), sizeof jack, reply, sizeof reply});
  KSJACK_DESCRIPTION description;
  std::memcpy(&head, reply, sizeof head);
  std::memcpy(&description, reply + 8, sizeof description);
  CHECK(r.status.ok() && r.bytesReturned == 36 && head.Count == 1 && description.IsConnected == 1);
  jack.PinId = 1;
  r = backend->Ioctl(topology, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&jack), sizeof jack, reply, sizeof reply});
  CHECK(r.status.value == STATUS_NOT_FOUND);
  backend->Close(topology);
}

void BufferAndRegisterRules() {
  auto backend = CreateEmulatorBackend();
  BackendHandle filter = 0, pin = 0;
  bool v2;
  backend->OpenFilter(PathOf(*backend, "\\wavespeakers"), &filter);
  backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2);
  Rt rt{*backend, pin};
  KSRTAUDIO_BUFFER buffer{};
  CHECK(rt.Buffer(0, 0, &buffer) == STATUS_INVALID_PARAMETER);
  CHECK(rt.Buffer(1000, 0, &buffer) == STATUS_SUCCESS);
  CHECK(buffer.ActualBufferSize == 1024 && buffer.BufferAddress != 0 && buffer.CallMemoryBarrier == 0);
  CHECK(rt.Buffer(3840, 3, &buffer) == STATUS_INVALID_PARAMETER);
  CHECK(rt.Buffer(3840, 2, &buffer) == STATUS_SUCCESS && buffer.ActualBufferSize == 3840);
  // Events: the pin's own handle is no event.
  CHECK(rt.Event(KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT, pin) == STATUS_INVALID_HANDLE);
  std::unique_ptr<WaitableEvent> event;
  CHECK(backend->CreateWaitableEvent(&event).ok());
  CHECK(rt.Event(KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT, event->handle()) == STATUS_SUCCESS);
  CHECK(rt.Event(KSPROPERTY_RTAUDIO_REGISTER_NOTIFICATION_EVENT, event->handle()) == STATUS_INVALID_PARAMETER);
  KSRTAUDIO_HWREGISTER reg{};
  CHECK(rt.Register(KSPROPERTY_RTAUDIO_POSITIONREGISTER, KSPROPERTY_TYPE_GET, &reg) == STATUS_SUCCESS);
  CHECK(reg.Register != 0 && reg.Width == 32 && reg.Numerator == 192000 && reg.Denominator == 1);
  const auto* position = reinterpret_cast<const std::atomic<uint32_t>*>(static_cast<uintptr_t>(reg.Register));
  CHECK(rt.Register(KSPROPERTY_RTAUDIO_POSITIONREGISTER, KSPROPERTY_TYPE_GET, &reg) == STATUS_INVALID_DEVICE_REQUEST);
  KSRTAUDIO_HWLATENCY latency{};
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_HWLATENCY, &latency) == STATUS_SUCCESS && latency.FifoSize == 256);
  // Primed with a pattern, run for less than a buffer cycle: no glitch, and
  // the checksum covers what the DMA fetched.
  auto* data = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(buffer.BufferAddress));
  for (uint32_t i = 0; i < buffer.ActualBufferSize; ++i) data[i] = static_cast<uint8_t>(i * 7 + 1);
  CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
  CHECK(event->Wait(1000));  // the middle of the buffer passes 10 ms in
  Sleep(5);
  // Buffers and registers only in STOP; events unregistered only in STOP.
  CHECK(rt.Buffer(3840, 2, &buffer) == STATUS_INVALID_DEVICE_STATE);
  CHECK(rt.Register(KSPROPERTY_RTAUDIO_CLOCKREGISTER, KSPROPERTY_TYPE_SET, &reg) == STATUS_INVALID_DEVICE_STATE);
  CHECK(rt.Event(KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT, event->handle()) == STATUS_INVALID_DEVICE_STATE);
  CHECK(rt.State(KSSTATE_PAUSE) == STATUS_SUCCESS);
  emu::EmulatorWaveRtStats s = rt.Stats();
  CHECK(position->load() % 4 == 0);
  // A 3840-byte buffer lasts 20 ms; on a loaded machine the check may land
  // past a cycle, and then the unwritten markers count: only required when
  // not (one check either way, so the count of checks does not vary).
  CHECK(s.Bytes + 8 >= buffer.ActualBufferSize || s.Glitches == 0);
  CHECK(s.Notifications >= 1);
  CHECK(rt.State(KSSTATE_STOP) == STATUS_SUCCESS);
  CHECK(rt.Event(KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT, event->handle()) == STATUS_SUCCESS);
  CHECK(rt.Event(KSPROPERTY_RTAUDIO_UNREGISTER_NOTIFICATION_EVENT, event->handle()) == STATUS_NOT_FOUND);
  CHECK(rt.Register(KSPROPERTY_RTAUDIO_CLOCKREGISTER, KSPROPERTY_TYPE_SET, &reg) == STATUS_SUCCESS && reg.Numerator == 24000000);
  // Run without writing past the primed data: the markers say so.
  CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
  Sleep(60);
  CHECK(rt.Stats().Glitches >= 1);
  backend->Close(pin);
  event.reset();
  backend->Close(filter);
}

void RenderChecksum() {
  auto backend = CreateEmulatorBackend();
  BackendHandle filter = 0, pin = 0;
  bool v2;
  backend->OpenFilter(PathOf(*backend, "\\wavespeakers"), &filter);
  backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2);
  Rt rt{*backend, pin};
  KSRTAUDIO_BUFFER buffer{};
  CHECK(rt.Buffer(192000, 0, &buffer) == STATUS_SUCCESS);  // one second
  auto* data = reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(buffer.BufferAddress));
  std::vector<uint8_t> copy(buffer.ActualBufferSize);
  for (size_t i = 0; i < copy.size(); ++i) copy[i] = static_cast<uint8_t>((i * 131) ^ (i >> 8));
  std::memcpy(data, copy.data(), copy.size());
  CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
  Sleep(50);
  CHECK(rt.State(KSSTATE_PAUSE) == STATUS_SUCCESS);
  emu::EmulatorWaveRtStats s = rt.Stats();
  CHECK(s.Glitches == 0 && s.Bytes >= 256 && s.Bytes % 8 == 0 && s.Bytes < copy.size());
  CHECK(s.Checksum == Fnv(0xcbf29ce484222325ull, copy.data(), s.Bytes));
  KSAUDIO_POSITION pos{};
  CHECK(rt.Get(KSPROPSETID_Audio, KSPROPERTY_AUDIO_POSITION, &pos) == STATUS_SUCCESS);
  CHECK(pos.WriteOffset == pos.PlayOffset + 256 && pos.PlayOffset == s.Frames * 4);
  backend->Close(pin);
  backend->Close(filter);
}

// KSPROPERTY_EMULATOR_WAVERT_DMA_HOLD: the DMA's thread held off for 40 ms
// once. Its next step is late and moves the position over all 40 ms at
// once; on a 10 ms render buffer written once, that step meets words no
// client wrote, and the glitch is counted as the late step's. On a second
// written in full, the same hold is late but glitch-free.
void DmaHold() {
  auto backend = CreateEmulatorBackend();
  BackendHandle filter = 0, pin = 0;
  bool v2;
  CHECK(backend->OpenFilter(PathOf(*backend, "\\wavespeakers"), &filter).ok());
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2).ok());
  Rt rt{*backend, pin};
  uint32_t hold = 1001;
  CHECK(rt.Property(emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_WAVERT_DMA_HOLD, KSPROPERTY_TYPE_SET, {}, &hold, 4)
            .status.value == STATUS_INVALID_PARAMETER);
  for (const uint32_t bytes : {192000u, 1920u}) {
    KSRTAUDIO_BUFFER buffer{};
    CHECK(rt.Buffer(bytes, 0, &buffer) == STATUS_SUCCESS && buffer.ActualBufferSize == bytes);
    std::memset(reinterpret_cast<uint8_t*>(static_cast<uintptr_t>(buffer.BufferAddress)), 0x11, bytes);
    const emu::EmulatorWaveRtStats before = rt.Stats();
    CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
    hold = 40;
    CHECK(rt.Property(emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_WAVERT_DMA_HOLD, KSPROPERTY_TYPE_SET, {}, &hold, 4)
              .status.ok());
    // GET says the hold is pending until the DMA's thread takes it.
    for (int i = 0; i < 1000 && rt.Get(emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_WAVERT_DMA_HOLD, &hold) == 0 && hold != 0; ++i) Sleep(1);
    CHECK(hold == 0);
    Sleep(60);
    CHECK(rt.State(KSSTATE_STOP) == STATUS_SUCCESS);
    const emu::EmulatorWaveRtStats s = rt.Stats();
    CHECK(s.LateSteps > before.LateSteps && s.LongestStepUs >= 40000);
    if (bytes == 192000u) {
      CHECK(s.Glitches == 0 && s.GlitchesInLateSteps == 0);
    } else {
      CHECK(s.GlitchesInLateSteps >= 1 && s.GlitchesInLateSteps <= s.Glitches);
    }
  }
  backend->Close(pin);
  backend->Close(filter);
}

// The wall clock and the position are posted together, after the data, and
// a late step catches up a tick at a time, so a client that reads the clock
// on both sides of the position (and again if it moved more than 100 µs
// between, as the library's engine does) pairs values at most a step apart
// (the moment between the two stores of a step), even while the DMA catches
// up over a 200 ms hold (9,600 frames). Between any two such reads the
// frames the position moved by and the clock's time at 48 kHz agree to
// within a step (2 ms at most) and rounding. With the clock posted before the data and the
// catch-up in one step, as they once were, a read in the window the writing
// took disagreed by the whole burst. The reader runs on another CPU than the DMA's thread (which
// inherits the CPU mask of the thread that creates the pin), so that it can
// land in that window at all.
void RegistersPostedTogether() {
  const long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  cpu_set_t original;
  CPU_ZERO(&original);
  const bool pinned = cpus >= 2 && sched_getaffinity(0, sizeof original, &original) == 0 && CPU_ISSET(0, &original) && CPU_ISSET(1, &original);
  auto runOn = [](int cpu) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    sched_setaffinity(0, sizeof one, &one);
  };
  if (pinned) runOn(0);
  auto backend = CreateEmulatorBackend();
  BackendHandle filter = 0, pin = 0;
  bool v2;
  CHECK(backend->OpenFilter(PathOf(*backend, "\\wavemicrophone"), &filter).ok());
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2).ok());
  if (pinned) runOn(1);
  Rt rt{*backend, pin};
  KSRTAUDIO_BUFFER buffer{};
  CHECK(rt.Buffer(192000, 0, &buffer) == STATUS_SUCCESS && buffer.ActualBufferSize == 192000);  // a second: never wraps here
  KSRTAUDIO_HWREGISTER reg{};
  CHECK(rt.Register(KSPROPERTY_RTAUDIO_POSITIONREGISTER, KSPROPERTY_TYPE_GET, &reg) == STATUS_SUCCESS);
  const auto* position = reinterpret_cast<const std::atomic<uint32_t>*>(static_cast<uintptr_t>(reg.Register));
  CHECK(rt.Register(KSPROPERTY_RTAUDIO_CLOCKREGISTER, KSPROPERTY_TYPE_SET, &reg) == STATUS_SUCCESS && reg.Numerator == 24000000);
  const auto* clock = reinterpret_cast<const std::atomic<uint32_t>*>(static_cast<uintptr_t>(reg.Register));
  auto read = [&](uint32_t* p, uint32_t* c) {
    uint32_t before = clock->load(std::memory_order_acquire);
    for (int attempt = 0;; ++attempt) {
      *p = position->load(std::memory_order_acquire);
      *c = clock->load(std::memory_order_acquire);
      if (*c - before <= 2400 || attempt == 3) return;  // 100 µs at 24 MHz
      before = *c;
    }
  };
  CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
  Sleep(5);
  uint32_t hold = 200;
  CHECK(rt.Property(emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_WAVERT_DMA_HOLD, KSPROPERTY_TYPE_SET, {}, &hold, 4)
            .status.ok());
  uint32_t lastPosition, lastClock;
  read(&lastPosition, &lastClock);
  uint64_t pairs = 0, disagreeing = 0;
  int64_t worst = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  while (std::chrono::steady_clock::now() < until) {
    uint32_t p, c;
    read(&p, &c);
    if (p == lastPosition && c == lastClock) continue;
    ++pairs;
    // 24 MHz ticks to 48 kHz frames: 500 ticks a frame; each value floored, so ±3 frames.
    const int64_t byPosition = static_cast<int64_t>(p - lastPosition) / 4;
    const int64_t byClock = static_cast<int64_t>(static_cast<uint32_t>(c - lastClock) / 500);
    const int64_t off = byPosition > byClock ? byPosition - byClock : byClock - byPosition;
    if (off > 96 + 3) ++disagreeing;  // a step apart at most (up to 2 ms, 96 frames, before it counts as late), never a burst
    worst = std::max(worst, off);
    lastPosition = p;
    lastClock = c;
  }
  if (pinned) sched_setaffinity(0, sizeof original, &original);
  CHECK(rt.State(KSSTATE_STOP) == STATUS_SUCCESS);
  CHECK(rt.Stats().LongestStepUs >= 200000);
  // Enough pairs that the check means something: the DMA posts a pair each
  // millisecond it runs, about 200 in the 400 ms read; at load 7 (a
  // mutation run alongside) fewer than 100 were seen, so the floor is 20.
  CHECK(pairs >= 20);
  CHECK(disagreeing == 0);
  if (disagreeing != 0 || pairs < 20)
    std::printf("  (%llu of %llu pairs disagreed, by up to %lld frames)\n", static_cast<unsigned long long>(disagreeing),
                static_cast<unsigned long long>(pairs), static_cast<long long>(worst));
  backend->Close(pin);
  backend->Close(filter);
}

void CaptureTone() {
  auto backend = CreateEmulatorBackend();
  BackendHandle filter = 0, pin = 0;
  bool v2;
  CHECK(backend->OpenFilter(PathOf(*backend, "\\wavemicrophone"), &filter).ok());
  CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 32, 24), 0, &pin, &v2).ok());
  Rt rt{*backend, pin};
  KSRTAUDIO_BUFFER buffer{};
  CHECK(rt.Buffer(384000, 0, &buffer) == STATUS_SUCCESS);  // one second of 2 × 32-bit
  const auto* data = reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(buffer.BufferAddress));
  KSAUDIO_POSITION pos{};
  // The index signal by default: byte k of sample frame n is byte k mod 8 of n.
  CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
  Sleep(40);
  CHECK(rt.State(KSSTATE_PAUSE) == STATUS_SUCCESS);
  rt.Get(KSPROPSETID_Audio, KSPROPERTY_AUDIO_POSITION, &pos);
  bool index = pos.PlayOffset >= 8 * 48 * 20;
  for (uint64_t frame = 0; index && frame < pos.PlayOffset / 8; ++frame) {
    for (uint32_t k = 0; k < 8; ++k) index = index && data[frame * 8 + k] == static_cast<uint8_t>(frame >> (8 * k));
  }
  CHECK(index);
  // The tone on request (KSPROPERTY_EMULATOR_CAPTURE_SIGNAL 1), from the next STOP's rewind on.
  CHECK(rt.State(KSSTATE_STOP) == STATUS_SUCCESS);
  uint32_t signal = 2;
  CHECK(rt.Property(emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_CAPTURE_SIGNAL, KSPROPERTY_TYPE_SET, {}, &signal, 4)
            .status.value == STATUS_INVALID_PARAMETER);
  signal = 1;
  CHECK(rt.Property(emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_CAPTURE_SIGNAL, KSPROPERTY_TYPE_SET, {}, &signal, 4)
            .status.value == STATUS_SUCCESS);
  signal = 0;
  CHECK(rt.Get(emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_CAPTURE_SIGNAL, &signal) == STATUS_SUCCESS && signal == 1);
  CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
  Sleep(40);
  CHECK(rt.State(KSSTATE_PAUSE) == STATUS_SUCCESS);
  rt.Get(KSPROPSETID_Audio, KSPROPERTY_AUDIO_POSITION, &pos);
  bool same = pos.PlayOffset >= 8 * 48 * 20;
  for (uint64_t frame = 0; same && frame < pos.PlayOffset / 8; ++frame) {
    for (int channel = 0; channel < 2; ++channel) {
      int32_t sample;
      std::memcpy(&sample, data + frame * 8 + channel * 4, 4);
      same = same && sample == static_cast<int32_t>(ToneSample(frame, 48000, 24) * 256);
    }
  }
  CHECK(same);
  // Packet properties need a buffer with notifications; a capture pin takes no write packets.
  uint32_t count = 0;
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PACKETCOUNT, &count) == STATUS_INVALID_DEVICE_STATE);
  CHECK(rt.WritePacket(0, 0, 0) == STATUS_NOT_SUPPORTED);
  uint8_t none[8];
  CHECK(rt.Property(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PACKETVREGISTER, KSPROPERTY_TYPE_GET, std::vector<uint8_t>(32, 0), none, 8)
            .status.value == STATUS_NOT_SUPPORTED);
  backend->Close(pin);
  backend->Close(filter);
}

void CapturePackets() {
  auto backend = CreateEmulatorBackend();
  BackendHandle filter = 0, pin = 0;
  bool v2;
  backend->OpenFilter(PathOf(*backend, "\\wavemicrophone"), &filter);
  backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2);
  Rt rt{*backend, pin};
  KSRTAUDIO_BUFFER buffer{};
  CHECK(rt.Buffer(1920, 2, &buffer) == STATUS_SUCCESS && buffer.ActualBufferSize == 1920);  // 2 × 5 ms
  KSRTAUDIO_GETREADPACKET_INFO info{};
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_GETREADPACKET, &info) == STATUS_DEVICE_NOT_READY);
  CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
  Sleep(7);
  uint32_t status = rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_GETREADPACKET, &info);
  CHECK(status == STATUS_SUCCESS || status == STATUS_DEVICE_NOT_READY);
  Sleep(40);  // eight packets: all but the newest intact one are lost
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_GETREADPACKET, &info) == STATUS_SUCCESS);
  CHECK(info.PacketNumber >= 6);
  CHECK(info.PerformanceCounterValue != 0);
  // MoreData is 1 only when the position sits exactly on a packet boundary
  // (both packets of the buffer intact): then the next one is there too.
  if (info.MoreData != 0) {
    KSRTAUDIO_GETREADPACKET_INFO next{};
    CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_GETREADPACKET, &next) == STATUS_SUCCESS);
    CHECK(next.PacketNumber == info.PacketNumber + 1);
    info = next;
  }
  CHECK(rt.Stats().Glitches >= 5);
  uint32_t count = 0;
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PACKETCOUNT, &count) == STATUS_SUCCESS && count > info.PacketNumber);
  KSAUDIO_PRESENTATION_POSITION presentation{};
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PRESENTATION_POSITION, &presentation) == STATUS_SUCCESS);
  CHECK(presentation.u64PositionInBlocks >= 48 * 45 && presentation.u64QPCPosition != 0);
  CHECK(rt.State(KSSTATE_STOP) == STATUS_SUCCESS);
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PACKETCOUNT, &count) == STATUS_SUCCESS && count == 0);
  backend->Close(pin);
  backend->Close(filter);
}

void RenderPackets() {
  auto backend = CreateEmulatorBackend();
  BackendHandle filter = 0, pin = 0;
  bool v2;
  backend->OpenFilter(PathOf(*backend, "\\wavespeakers"), &filter);
  backend->CreateObject(filter, ObjectClass::Pin, Connect(0, 1, 16, 16), 0, &pin, &v2);
  Rt rt{*backend, pin};
  KSRTAUDIO_BUFFER buffer{};
  KSRTAUDIO_GETREADPACKET_INFO info{};
  CHECK(rt.WritePacket(0, 0, 0) == STATUS_INVALID_DEVICE_STATE);  // no buffer with notifications yet
  CHECK(rt.Buffer(96000, 2, &buffer) == STATUS_SUCCESS);  // 2 × 250 ms
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_GETREADPACKET, &info) == STATUS_NOT_SUPPORTED);
  CHECK(rt.WritePacket(2, 0, 0) == STATUS_DATA_OVERRUN);
  CHECK(rt.WritePacket(0, 1, 0) == STATUS_INVALID_PARAMETER);
  CHECK(rt.WritePacket(0, 0, 0) == STATUS_SUCCESS);
  CHECK(rt.WritePacket(1, 0, 0) == STATUS_SUCCESS);
  CHECK(rt.State(KSSTATE_RUN) == STATUS_SUCCESS);
  Sleep(300);  // the DMA is in packet 1 (250-500 ms)
  uint32_t count = 0;
  CHECK(rt.Get(KSPROPSETID_RtAudio, KSPROPERTY_RTAUDIO_PACKETCOUNT, &count) == STATUS_SUCCESS && count == 1);
  CHECK(rt.WritePacket(0, 0, 0) == STATUS_DATA_LATE_ERROR);
  CHECK(rt.WritePacket(2, KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, 100000) == STATUS_INVALID_PARAMETER);
  CHECK(rt.WritePacket(2, KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM, 800) == STATUS_SUCCESS);
  Sleep(400);
  emu::EmulatorWaveRtStats s = rt.Stats();
  CHECK(s.PacketMode == 1 && s.EndOfStream == 1);
  CHECK(s.Glitches == 0 && s.Bytes == 2 * 48000 + 800);
  CHECK(rt.WritePacket(3, 0, 0) == STATUS_INVALID_DEVICE_STATE);
  backend->Close(pin);
  backend->Close(filter);
}

}  // namespace

int main() {
  CreateRules();
  BufferAndRegisterRules();
  RenderChecksum();
  DmaHold();
  RegistersPostedTogether();
  CaptureTone();
  CapturePackets();
  RenderPackets();
  return selftest::Report("native (WaveRT)");
}
