// The WaveRT engine (native/wavert_engine.h) against the emulator's WaveRT
// endpoints, in event, polled and packet mode: capture delivers the
// emulator's index signal byte by byte into the shared slots and records (as
// JavaScript reads them), a stalled engine's lost packets show as a gap in
// presentation time, render plays the ring's bytes and then silence (checked by the
// endpoint's checksum), and neither side counts a glitch. Also: fallback to
// polled mode, the pin left in STOP with nothing registered after Close,
// and Close while streaming, many times. Buffers of 100 ms keep a loaded
// machine's scheduling out of the glitch counts.
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "../emulator/device_catalog.h"
#include "../emulator/wavert_stream.h"
#include "../ks_backend.h"
#include "../wavert_engine.h"

#include "selftest.h"
#include "wavert_test_backends.h"

using namespace ks;
using ks_test::RegisterFaults;
using ks_test::RegisterCopiesBackend;
using ks_test::StallingBackend;


namespace {

namespace sc = stream_control;

std::string PathOf(Backend& backend, const char* reference) {
  std::vector<DeviceInterface> devices;
  backend.EnumerateInterfaces(KSCATEGORY_AUDIO, &devices);
  for (const auto& d : devices) {
    const size_t n = std::strlen(reference);
    if (d.path.size() > n && d.path.compare(d.path.size() - n, n, reference) == 0) return d.path;
  }
  return "";
}

std::vector<uint8_t> Connect16() {
  std::vector<uint8_t> p(sizeof(KSPIN_CONNECT) + sizeof(KSDATAFORMAT) + 40, 0);
  KSPIN_CONNECT c{};
  c.Interface.Set = KSINTERFACESETID_Standard;
  c.Interface.Id = KSINTERFACE_STANDARD_LOOPED_STREAMING;
  c.Medium.Set = KSMEDIUMSETID_Standard;
  std::memcpy(p.data(), &c, sizeof c);
  KSDATAFORMAT f{};
  f.FormatSize = sizeof(KSDATAFORMAT) + 40;
  f.MajorFormat = KSDATAFORMAT_TYPE_AUDIO;
  f.SubFormat = KSDATAFORMAT_SUBTYPE_PCM;
  f.Specifier = KSDATAFORMAT_SPECIFIER_WAVEFORMATEX;
  std::memcpy(p.data() + sizeof c, &f, sizeof f);
  uint8_t* w = p.data() + sizeof c + sizeof f;
  const uint16_t tag = 0xFFFE, channels = 2, block = 4, bits = 16, cb = 22, valid = 16;
  const uint32_t rate = 48000, avg = 192000, mask = 3;
  std::memcpy(w, &tag, 2);
  std::memcpy(w + 2, &channels, 2);
  std::memcpy(w + 4, &rate, 4);
  std::memcpy(w + 8, &avg, 4);
  std::memcpy(w + 12, &block, 2);
  std::memcpy(w + 14, &bits, 2);
  std::memcpy(w + 16, &cb, 2);
  std::memcpy(w + 18, &valid, 2);
  std::memcpy(w + 20, &mask, 4);
  std::memcpy(w + 24, &KSDATAFORMAT_SUBTYPE_PCM, 16);
  return p;
}

// The emulator's index signal: byte k of sample frame n is byte k mod 8 of n.
bool IsIndexFrame(const uint8_t* frame, uint64_t n) {
  for (uint32_t k = 0; k < 4; ++k)
    if (frame[k] != static_cast<uint8_t>(n >> (8 * k))) return false;
  return true;
}

emu::EmulatorWaveRtStats Stats(Backend& backend, BackendHandle pin) {
  KSPROPERTY p{emu::KSPROPSETID_EmulatorDiagnostics, emu::KSPROPERTY_EMULATOR_WAVERT_STATS, KSPROPERTY_TYPE_GET};
  emu::EmulatorWaveRtStats s{};
  backend.Ioctl(pin, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&p), sizeof p, reinterpret_cast<uint8_t*>(&s), sizeof s});
  return s;
}

uint32_t PinState(Backend& backend, BackendHandle pin) {
  KSPROPERTY p{KSPROPSETID_Connection, KSPROPERTY_CONNECTION_STATE, KSPROPERTY_TYPE_GET};
  uint32_t state = 99;
  backend.Ioctl(pin, IoctlRequest{IOCTL_KS_PROPERTY, reinterpret_cast<uint8_t*>(&p), sizeof p, reinterpret_cast<uint8_t*>(&state), 4});
  return state;
}

// A capture engine's configuration: `mode` over a buffer of `bufferBytes`
// (48 kHz stereo 16-bit, 192,000 bytes a second), the rest as the addon's defaults.
WaveRtConfig CaptureConfig(WaveRtMode mode, uint32_t bufferBytes) {
  WaveRtConfig config;
  config.capture = true;
  config.mode = mode;
  config.bufferBytes = bufferBytes;
  return config;
}

// A pin on one of the emulator's WaveRT endpoints, behind `through` (one of
// wavert_test_backends.h's) when the test changes something about the device.
struct Endpoint {
  std::unique_ptr<Backend> backend;
  BackendHandle filter = 0, pin = 0;
  explicit Endpoint(const char* reference, std::unique_ptr<Backend> through = CreateEmulatorBackend()) : backend(std::move(through)) {
    bool v2;
    CHECK(backend->OpenFilter(PathOf(*backend, reference), &filter).ok());
    CHECK(backend->CreateObject(filter, ObjectClass::Pin, Connect16(), 0, &pin, &v2).ok());
  }
  ~Endpoint() {
    backend->Close(pin);
    backend->Close(filter);
  }
};

// The memory a capture engine shares with JavaScript (stream_control's
// words, the records, a pool of slots), every slot free at the start; Drain
// reads records as CaptureStream does for `ms`, hands each to `onRecord`
// with its slot's bytes, and releases the slot (one pass at least, so a
// Drain of 0 ms after the engine closed reads what it published last).
struct CaptureSlots {
  const uint32_t slots, slotSize;
  std::vector<uint8_t> pool;
  std::vector<uint32_t> control;
  std::vector<double> records;
  CaptureSlots(uint32_t slotCount, uint32_t size)
      : slots(slotCount), slotSize(size), pool(slotCount * size), control(sc::Words(slotCount), 0), records(slotCount * kStreamRecordDoubles) {
    for (uint32_t i = 0; i < slots; ++i) control[sc::kFreeRing + i] = i;
    control[sc::kFreeTail] = slots;
  }
  WaveRtShared Shared() {
    WaveRtShared shared{};
    shared.pool = pool.data();
    shared.slots = slots;
    shared.slotSize = slotSize;
    shared.control = control.data();
    shared.records = records.data();
    return shared;
  }
  template <typename OnRecord>
  void Drain(std::chrono::milliseconds ms, std::chrono::milliseconds pause, OnRecord onRecord) {
    auto* words = reinterpret_cast<std::atomic<uint32_t>*>(control.data());
    const auto until = std::chrono::steady_clock::now() + ms;
    do {
      uint32_t head = words[sc::kRecordHead].load();
      const uint32_t tail = words[sc::kRecordTail].load();
      for (; head != tail; ++head) {
        const double* r = records.data() + (head % slots) * kStreamRecordDoubles;
        const uint32_t slot = static_cast<uint32_t>(r[0]);
        onRecord(r, pool.data() + slot * slotSize);
        const uint32_t freeTail = words[sc::kFreeTail].load();
        words[sc::kFreeRing + freeTail % slots].store(slot);
        words[sc::kFreeTail].store(freeTail + 1);
      }
      words[sc::kRecordHead].store(head);
      std::this_thread::sleep_for(pause);
    } while (std::chrono::steady_clock::now() < until);
  }
};

// What a capture delivered, checked as a loss-aware listener would: each
// record's first frame is the one its presentation time names, every byte of
// it is the index signal at its place, and where the time jumps (lost audio)
// the record says so with a discontinuity. Loss may show only that way, never
// as bytes from elsewhere at a time that runs on.
struct LossAccount {
  uint64_t frames = 0, lostFrames = 0, gaps = 0;
  bool inPlace = true, timesAgree = true, gapFlagged = true;
};

// Reads for `ms`, closes the engine, then reads what it published before it
// stopped, so the records account for everything the engine counted.
// Drains for `ms`, then on in 100 ms steps while `reached` says the fault the
// test plants has not happened yet (a loaded machine can hold the engine's
// thread off long enough that it has not), up to 10 × `ms`.
LossAccount DrainAccountingLoss(CaptureSlots& memory, WaveRtEngine& engine, std::chrono::milliseconds ms, std::chrono::milliseconds pause,
                                const std::function<bool()>& reached = [] { return true; }) {
  LossAccount a;
  uint64_t expected = 0;
  auto check = [&](const double* r, const uint8_t* data) {
    const uint64_t first = static_cast<uint64_t>(std::llround(r[5] * 48000 / 10'000'000));
    if (first != expected) {
      ++a.gaps;
      a.lostFrames += first - expected;
      a.gapFlagged = a.gapFlagged && (static_cast<uint32_t>(r[4]) & 0x4) != 0;  // KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY
    }
    a.timesAgree = a.timesAgree && first >= expected;
    const uint32_t used = static_cast<uint32_t>(r[3]);
    for (uint32_t i = 0; a.inPlace && i < used / 4; ++i) a.inPlace = IsIndexFrame(data + i * 4, first + i);
    expected = first + used / 4;
    a.frames += used / 4;
  };
  memory.Drain(ms, pause, check);
  for (auto extra = std::chrono::milliseconds(0); !reached() && extra < 9 * ms; extra += std::chrono::milliseconds(100)) {
    memory.Drain(std::chrono::milliseconds(100), pause, check);
  }
  engine.Close();
  memory.Drain(std::chrono::milliseconds(0), std::chrono::milliseconds(0), check);
  return a;
}

void Capture(WaveRtMode mode) {
  Endpoint mic("\\wavemicrophone");
  constexpr uint32_t kSlots = 16, kSlotSize = 1920;
  CaptureSlots memory(kSlots, kSlotSize);
  WaveRtConfig config;
  config.capture = true;
  config.mode = mode;
  config.bufferBytes = 19200;  // 100 ms
  WaveRtEngine engine(mic.backend.get(), mic.pin, config, memory.Shared(), nullptr);
  CHECK(engine.Start().ok());
  CHECK(engine.Info().mode == mode && engine.Info().bufferBytes == 19200);
  CHECK(PinState(*mic.backend, mic.pin) == KSSTATE_RUN);
  uint64_t frame = 0;
  bool same = true, timesRight = true;
  memory.Drain(std::chrono::milliseconds(400), std::chrono::milliseconds(3), [&](const double* r, const uint8_t* data) {
    same = same && r[1] == 0 && r[3] == kSlotSize;
    timesRight = timesRight && r[5] == static_cast<double>(frame * 10'000'000 / 48000);
    for (uint32_t i = 0; same && i < kSlotSize / 4; ++i, ++frame) same = IsIndexFrame(data + i * 4, frame);
  });
  engine.Close();
  CHECK(same && timesRight);
  CHECK(frame >= 48000 / 10);  // at least 100 ms of the 400
  const WaveRtInfo info = engine.Info();
  CHECK(info.glitches == 0 && info.droppedBytes == 0 && info.failure.value == 0);
  // Every pass costs some CPU (Linux measures it exactly), and all of it came while the thread ran.
  CHECK(info.passCpuNs > 0 && info.passCpuNs < 400'000'000ull);
  CHECK(info.position == (mode == WaveRtMode::Packet ? WaveRtPositionSource::Packets : WaveRtPositionSource::Register));
  CHECK(Stats(*mic.backend, mic.pin).Glitches == 0);
  CHECK(PinState(*mic.backend, mic.pin) == KSSTATE_STOP);
}

// Packet mode with the engine stalled for 60 ms once, on a 10 ms buffer of
// 2 × 5 ms packets: the device overwrites packets; the engine counts them,
// sends the slot it was filling out short, and the next slot's presentation
// time jumps over exactly the lost audio, with a discontinuity. Every byte
// delivered is still the index signal at its own place.
void CaptureLossInPacketMode() {
  auto stalling = std::make_unique<StallingBackend>(CreateEmulatorBackend(), 20, std::chrono::milliseconds(60));
  Backend& backend = *stalling;
  Endpoint mic("\\wavemicrophone", std::move(stalling));
  const BackendHandle pin = mic.pin;
  constexpr uint32_t kSlots = 64, kSlotSize = 1440;  // 7.5 ms: loss lands inside a slot
  CaptureSlots memory(kSlots, kSlotSize);
  WaveRtConfig config = CaptureConfig(WaveRtMode::Packet, 1920);  // 10 ms
  WaveRtEngine engine(&backend, pin, config, memory.Shared(), nullptr);
  CHECK(engine.Start().ok());
  const LossAccount a = DrainAccountingLoss(memory, engine, std::chrono::milliseconds(300), std::chrono::milliseconds(2));
  const WaveRtInfo info = engine.Info();
  CHECK(a.inPlace && a.timesAgree && a.gapFlagged);
  CHECK(info.glitches >= 1 && a.gaps >= 1);
  CHECK(info.lostBytes == a.lostFrames * 4);  // every lost frame is a jump in presentation time, no more, no less
  CHECK(info.lostBytes % 960 == 0);            // whole 5 ms packets
  // The loss came in the pass the thread was held up in: a stall, and the
  // glitches counted as after one (60 ms against 8 ms of headroom).
  CHECK(info.stalls >= 1 && info.glitchesAfterStall >= 1 && info.glitchesAfterStall <= info.glitches);
  CHECK(info.longestGapNs >= 60'000'000);
}

// Packet mode on a 10 ms buffer of 2 × 5 ms packets, with one GETREADPACKET
// reply reaching the engine 7 ms after the driver gave it: the packet it
// names began 5 ms before that (it was complete), so the DMA has been
// writing the packet after next into its place for 2 ms when the engine
// copies. Nothing in the packet numbers shows it (the next GETREADPACKET
// names the next packet, still intact); the packet's time does. Copied and
// delivered, its first 2 ms were the next cycle's frames at this one's
// times; now at least those are counted lost and jumped over.
void CapturePacketReplyHeld() {
  auto stalling = std::make_unique<StallingBackend>(CreateEmulatorBackend(), 20, std::chrono::milliseconds(7), true);
  Backend& backend = *stalling;
  Endpoint mic("\\wavemicrophone", std::move(stalling));
  const BackendHandle pin = mic.pin;
  CaptureSlots memory(64, 1440);
  WaveRtConfig config = CaptureConfig(WaveRtMode::Packet, 1920);
  WaveRtEngine engine(&backend, pin, config, memory.Shared(), nullptr);
  CHECK(engine.Start().ok());
  const LossAccount a = DrainAccountingLoss(memory, engine, std::chrono::milliseconds(300), std::chrono::milliseconds(2));
  const WaveRtInfo info = engine.Info();
  CHECK(a.inPlace && a.timesAgree && a.gapFlagged);
  CHECK(info.glitches >= 1 && a.gaps >= 1);
  CHECK(info.lostBytes == a.lostFrames * 4);
  CHECK(a.frames >= 48000 / 10);
}

// Polled capture on a 100 ms buffer (passes every 12 ms) with the engine
// held up for 55 ms, more than half the buffer, while the registers it will
// read stand still: the device was late posting them, and the audio behind
// the position is all still there. Nothing may be counted lost, and every
// byte must be the index at its place, at continuous presentation times.
// Timing the position on the host's clock, the engine took 55 ms without
// movement for a wrap, counted an overrun and delivered a buffer of stale
// audio as new; on the device's clock, which stood still with the
// position, there is no wrap to see. `holdAt` 1 holds the first pass: the
// device's clock at RUN is what it is timed from (on the host's clock from
// before RUN, the first pass took the standstill for a wrap too).
void CaptureWithLaggingRegisters(int holdAt) {
  RegisterFaults faults;
  faults.holdAt = holdAt;
  faults.hold = std::chrono::milliseconds(55);
  faults.freezeDuringHold = true;
  auto lagging = std::make_unique<RegisterCopiesBackend>(CreateEmulatorBackend(), faults);
  RegisterCopiesBackend& backend = *lagging;
  Endpoint mic("\\wavemicrophone", std::move(lagging));
  const BackendHandle pin = mic.pin;
  constexpr uint32_t kSlots = 64, kSlotSize = 1920;
  CaptureSlots memory(kSlots, kSlotSize);
  WaveRtConfig config = CaptureConfig(WaveRtMode::Polled, 19200);  // 100 ms
  WaveRtEngine engine(&backend, pin, config, memory.Shared(), nullptr);
  CHECK(engine.Start().ok());
  CHECK(engine.Info().position == WaveRtPositionSource::Register);
  uint64_t frame = 0;
  bool inPlace = true, continuous = true;
  memory.Drain(std::chrono::milliseconds(400), std::chrono::milliseconds(3), [&](const double* r, const uint8_t* data) {
    continuous = continuous && r[5] == static_cast<double>(frame * 10'000'000 / 48000) && (static_cast<uint32_t>(r[4]) & 0x4) == (frame == 0 ? 0x4u : 0u);
    for (uint32_t i = 0; inPlace && i < static_cast<uint32_t>(r[3]) / 4; ++i, ++frame) inPlace = IsIndexFrame(data + i * 4, frame);
  });
  engine.Close();
  const WaveRtInfo info = engine.Info();
  CHECK(backend.held());
  CHECK(inPlace && continuous);
  CHECK(info.glitches == 0 && info.lostBytes == 0);
  CHECK(frame >= 48000 / 5);  // at least 200 ms of the 400
}

// Polled capture on a 100 ms buffer with the engine held up once for 130 ms,
// longer than the buffer lasts, while the device runs on: an overrun, which
// must be counted and show as a jump in presentation time. `faults` adds what
// the device does wrong, each of which once hid it or corrupted what was kept.
void CaptureOverrun(RegisterFaults faults) {
  faults.holdAt = 10;
  faults.hold = std::chrono::milliseconds(130);
  faults.bufferBytes = 19200;
  auto copies = std::make_unique<RegisterCopiesBackend>(CreateEmulatorBackend(), faults);
  RegisterCopiesBackend& backend = *copies;
  Endpoint mic("\\wavemicrophone", std::move(copies));
  const BackendHandle pin = mic.pin;
  CaptureSlots memory(64, 1920);
  WaveRtConfig config = CaptureConfig(WaveRtMode::Polled, 19200);  // 100 ms
  WaveRtEngine engine(&backend, pin, config, memory.Shared(), nullptr);
  CHECK(engine.Start().ok());
  const LossAccount a = DrainAccountingLoss(memory, engine, std::chrono::milliseconds(450), std::chrono::milliseconds(3));
  const WaveRtInfo info = engine.Info();
  CHECK(backend.held());
  CHECK(a.inPlace);
  CHECK(a.timesAgree);
  CHECK(a.gapFlagged);
  CHECK(info.glitches >= 1 && a.gaps >= 1);
  CHECK(info.lostBytes == a.lostFrames * 4);
  CHECK(a.lostFrames >= 48000 * 30 / 1000);
  if (!a.inPlace || !a.timesAgree || !a.gapFlagged)
    std::printf("  (clock stuck %d, lag %lld us: %llu gaps, %llu frames lost, %llu glitches, %llu bytes lost)\n", faults.clockStuck,
                static_cast<long long>(faults.lag.count()), static_cast<unsigned long long>(a.gaps),
                static_cast<unsigned long long>(a.lostFrames), static_cast<unsigned long long>(info.glitches),
                static_cast<unsigned long long>(info.lostBytes));  // at least the 30 ms the hold outlasted the buffer by
  CHECK(a.frames >= 48000 / 5);              // at least 200 ms of the 450 delivered
}

// The device's wall-clock register stands still (a clock the device stopped
// updating): timed on it, the 130 ms looked like no time at all and the
// position's move like a third of a buffer, and the engine delivered the
// newest 30 ms as if they followed on. The position moved while the clock
// did not, so that pass is timed on the host's clock.
void CaptureOverrunWithStuckClock() {
  RegisterFaults faults;
  faults.clockStuck = true;
  CaptureOverrun(faults);
}

// The position register trails the DMA by 1 ms (posted late, as the
// emulator's own DMA thread was measured to be under load): the bytes just
// ahead of the position read are already the next buffer's. Keeping the
// whole buffer after the overrun delivered them as its oldest audio.
void CaptureOverrunWithTrailingPosition() {
  RegisterFaults faults;
  faults.lag = std::chrono::microseconds(1000);
  CaptureOverrun(faults);
}

// Event capture on a 10 ms buffer (2 × 5 ms packets) with the engine's
// thread held 9 ms, twice, while it hands a slot to JavaScript: 2.5 ms slots,
// so one of the two comes in the middle of a pass's data. The DMA runs on
// and writes over what the pass had not yet moved out of the buffer. When
// the engine copied slot by slot from the device's memory, that part was
// delivered as if intact: the next cycle's frames at this one's times. A
// pass's data is now copied out before any of it is published; what the
// late thread then misses is counted lost, a jump in presentation time.
void CaptureHeldWhilePublishing() {
  Endpoint mic("\\wavemicrophone");
  CaptureSlots memory(64, 480);
  auto* armed = reinterpret_cast<std::atomic<uint32_t>*>(memory.control.data()) + sc::kArmed;
  armed->store(1);
  std::atomic<int> notifies{0};
  WaveRtConfig config = CaptureConfig(WaveRtMode::Event, 1920);
  WaveRtEngine engine(mic.backend.get(), mic.pin, config, memory.Shared(), [&] {
    const int n = ++notifies;
    if (n == 21 || n == 22) std::this_thread::sleep_for(std::chrono::milliseconds(9));
    armed->store(1);
  });
  CHECK(engine.Start().ok());
  // Past the two held notifications, and 150 ms of 5 ms packets: the 100 ms the frames check asks for, and the loss.
  const LossAccount a = DrainAccountingLoss(memory, engine, std::chrono::milliseconds(300), std::chrono::milliseconds(2),
                                            [&] { return notifies.load() > 30; });
  const WaveRtInfo info = engine.Info();
  CHECK(notifies.load() > 22);
  CHECK(a.inPlace && a.timesAgree && a.gapFlagged);
  CHECK(info.lostBytes == a.lostFrames * 4);
  CHECK(a.frames >= 48000 / 10);  // at least 100 ms of the 300
}

// Event capture on a 10 ms buffer with the engine's thread held 7 ms once
// right after it read the position and wall-clock registers, before it
// copied: the DMA goes on round the buffer and over the oldest part of what
// the position said was new. The registers' time was read with the position,
// so nothing in the read shows the hold; delivered, those bytes were the
// next cycle's frames at this one's times. The engine now times the copy,
// and past what the buffer had left it reads the position again and counts
// the overtaken bytes lost.
void CaptureHeldAfterPositionRead() {
  Endpoint mic("\\wavemicrophone");
  CaptureSlots memory(64, 1920);
  std::atomic<int> reads{0};
  WaveRtConfig config = CaptureConfig(WaveRtMode::Event, 1920);
  config.afterPositionRead = [&] {
    if (++reads == 30) std::this_thread::sleep_for(std::chrono::milliseconds(7));
  };
  WaveRtEngine engine(mic.backend.get(), mic.pin, config, memory.Shared(), nullptr);
  CHECK(engine.Start().ok());
  CHECK(engine.Info().position == WaveRtPositionSource::Register);
  const LossAccount a = DrainAccountingLoss(memory, engine, std::chrono::milliseconds(300), std::chrono::milliseconds(2));
  const WaveRtInfo info = engine.Info();
  CHECK(reads.load() > 30);
  CHECK(a.inPlace && a.timesAgree && a.gapFlagged);
  CHECK(info.glitches >= 1 && a.gaps >= 1);
  CHECK(info.lostBytes == a.lostFrames * 4);
  if (info.lostBytes != a.lostFrames * 4)
    std::printf("  (%llu gaps, %llu frames lost, %llu glitches, %llu bytes lost, %llu dropped, %llu stalls)\n", static_cast<unsigned long long>(a.gaps),
                static_cast<unsigned long long>(a.lostFrames), static_cast<unsigned long long>(info.glitches),
                static_cast<unsigned long long>(info.lostBytes), static_cast<unsigned long long>(info.droppedBytes),
                static_cast<unsigned long long>(info.stalls));
  CHECK(a.frames >= 48000 / 10);
}

uint64_t Fnv(const std::vector<uint8_t>& stream, size_t bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t w;
    std::memcpy(&w, stream.data() + i, 8);
    h = (h ^ w) * 0x100000001b3ull;
  }
  return h;
}

void Render(WaveRtMode mode) {
  Endpoint speakers("\\wavespeakers");
  constexpr uint32_t kRing = 131072, kData = 96000;  // 500 ms of audio
  std::vector<uint8_t> ring(kRing);
  std::vector<uint32_t> control(render_ring::kWords, 0);
  std::vector<uint8_t> expected(4 * 192000, 0);  // the data, then silence
  for (uint32_t i = 0; i < kData; ++i) expected[i] = ring[i] = static_cast<uint8_t>(i * 37 + (i >> 9));
  control[render_ring::kWritten] = kData;
  WaveRtConfig config;
  config.capture = false;
  config.mode = mode;
  config.bufferBytes = 19200;
  WaveRtShared shared;
  shared.ring = ring.data();
  shared.ringBytes = kRing;
  shared.control = control.data();
  WaveRtEngine engine(speakers.backend.get(), speakers.pin, config, shared, nullptr);
  CHECK(engine.Start().ok());
  CHECK(engine.Info().mode == mode);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  // Packet mode shows until STOP, which the engine's Close brings.
  CHECK(Stats(*speakers.backend, speakers.pin).PacketMode == (mode == WaveRtMode::Packet ? 1u : 0u));
  engine.Close();
  const emu::EmulatorWaveRtStats s = Stats(*speakers.backend, speakers.pin);
  CHECK(s.Glitches == 0 && engine.Info().glitches == 0);
  CHECK(control[render_ring::kRead] == kData);
  CHECK(s.Bytes >= kData && s.Bytes < expected.size());
  CHECK(s.Checksum == Fnv(expected, s.Bytes));
  CHECK(PinState(*speakers.backend, speakers.pin) == KSSTATE_STOP);
}

// Event mode on a pin whose notifications fail falls back to polled mode:
// here the buffer request (NotificationCount 3) is refused.
void Fallback() {
  Endpoint mic("\\wavemicrophone");
  std::vector<uint8_t> pool(4 * 1920);
  std::vector<uint32_t> control(sc::Words(4), 0);
  std::vector<double> records(4 * kStreamRecordDoubles);
  WaveRtConfig config;
  config.mode = WaveRtMode::Event;
  config.bufferBytes = 7680;
  config.notificationCount = 3;
  WaveRtShared shared{pool.data(), 4, 1920, control.data(), records.data(), false, nullptr, 0};
  WaveRtEngine engine(mic.backend.get(), mic.pin, config, shared, nullptr);
  CHECK(engine.Start().ok());
  CHECK(engine.Info().mode == WaveRtMode::Polled && engine.Info().notificationCount == 0);
  engine.Close();
  engine.Close();  // twice: nothing more happens
  // Without the fallback the refusal is the caller's.
  config.fallbackToPolled = false;
  WaveRtEngine strict(mic.backend.get(), mic.pin, config, shared, nullptr);
  CHECK(strict.Start().value == STATUS_INVALID_PARAMETER);
  CHECK(PinState(*mic.backend, mic.pin) == KSSTATE_STOP);
}

// Close while streaming, again and again, in every mode: each start finds
// the pin in STOP with its event unregistered.
void CloseWhileStreaming() {
  Endpoint speakers("\\wavespeakers");
  std::vector<uint8_t> ring(4096);
  std::vector<uint32_t> control(render_ring::kWords, 0);
  bool allStarted = true;
  for (int i = 0; i < 60; ++i) {
    WaveRtConfig config;
    config.capture = false;
    config.mode = static_cast<WaveRtMode>(i % 3);
    config.bufferBytes = 1920;
    WaveRtShared shared;
    shared.ring = ring.data();
    shared.ringBytes = 4096;
    shared.control = control.data();
    WaveRtEngine engine(speakers.backend.get(), speakers.pin, config, shared, nullptr);
    allStarted = allStarted && engine.Start().ok();
    if (i % 2 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  CHECK(allStarted);
  CHECK(PinState(*speakers.backend, speakers.pin) == KSSTATE_STOP);
}

}  // namespace

int main() {
  for (WaveRtMode mode : {WaveRtMode::Event, WaveRtMode::Polled, WaveRtMode::Packet}) {
    Capture(mode);
    Render(mode);
  }
  Fallback();
  CloseWhileStreaming();
  CaptureLossInPacketMode();
  CaptureWithLaggingRegisters(10);
  CaptureWithLaggingRegisters(1);
  CaptureOverrunWithStuckClock();
  CaptureOverrunWithTrailingPosition();
  CaptureHeldWhilePublishing();
  CaptureHeldAfterPositionRead();
  CapturePacketReplyHeld();
  return selftest::Report("native (WaveRT engine)");
}
