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
#include <mutex>
#include <thread>
#include <vector>

#include "../emulator/device_catalog.h"
#include "../emulator/wavert_stream.h"
#include "../ks_backend.h"
#include "../wavert_engine.h"

#include "selftest.h"

using namespace ks;


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

// The emulator behind a backend of the test's own, which passes everything
// through; the classes below change one thing each.
class ForwardingBackend : public Backend {
 public:
  explicit ForwardingBackend(std::unique_ptr<Backend> inner) : inner_(std::move(inner)) {}
  BackendInfo Info() const override { return inner_->Info(); }
  Status EnumerateInterfaces(const Guid& c, std::vector<DeviceInterface>* out) override { return inner_->EnumerateInterfaces(c, out); }
  Status OpenFilter(const std::string& path, BackendHandle* out) override { return inner_->OpenFilter(path, out); }
  Status CreateObject(BackendHandle parent, ObjectClass cls, const std::vector<uint8_t>& payload, uint32_t access, BackendHandle* out,
                      bool* v2) override {
    return inner_->CreateObject(parent, cls, payload, access, out, v2);
  }
  IoResult Ioctl(BackendHandle handle, const IoctlRequest& request) override { return inner_->Ioctl(handle, request); }
  void IoctlAsync(BackendHandle h, const IoctlRequest& r, IoCompletion done) override { inner_->IoctlAsync(h, r, std::move(done)); }
  void CancelIo(BackendHandle h) override { inner_->CancelIo(h); }
  void Close(BackendHandle h) override { inner_->Close(h); }
  Status EnableEvent(BackendHandle h, const std::vector<uint8_t>& r, const std::vector<uint8_t>& d, EventSignal s, uint64_t* reg) override {
    return inner_->EnableEvent(h, r, d, std::move(s), reg);
  }
  Status DisableEvent(BackendHandle h, uint64_t reg) override { return inner_->DisableEvent(h, reg); }
  Status WatchDevices(const std::vector<Guid>& c, DeviceChangeCallback cb, uint64_t* w) override { return inner_->WatchDevices(c, std::move(cb), w); }
  void UnwatchDevices(uint64_t w) override { inner_->UnwatchDevices(w); }
  Status CreateWaitableEvent(std::unique_ptr<WaitableEvent>* out) override { return inner_->CreateWaitableEvent(out); }

 protected:
  static bool IsRtAudio(const IoctlRequest& request, uint32_t id) {
    KSPROPERTY p{};
    if (request.code != IOCTL_KS_PROPERTY || request.inputLength < sizeof p) return false;
    std::memcpy(&p, request.input, sizeof p);
    return p.Set == KSPROPSETID_RtAudio && p.Id == id;
  }
  std::unique_ptr<Backend> inner_;
};

// The engine's thread held up once: the Nth GETREADPACKET first sleeps, as
// a descheduled thread would, so the device overwrites packets the engine
// has not read.
class StallingBackend : public ForwardingBackend {
 public:
  StallingBackend(std::unique_ptr<Backend> inner, int stallAt, std::chrono::milliseconds stall)
      : ForwardingBackend(std::move(inner)), stallAt_(stallAt), stall_(stall) {}
  IoResult Ioctl(BackendHandle handle, const IoctlRequest& request) override {
    if (IsRtAudio(request, KSPROPERTY_RTAUDIO_GETREADPACKET) && ++reads_ == stallAt_) std::this_thread::sleep_for(stall_);
    return inner_->Ioctl(handle, request);
  }

 private:
  std::atomic<int> reads_{0};
  const int stallAt_;
  const std::chrono::milliseconds stall_;
};

// A device whose position is posted late, as the emulator's own DMA thread,
// held off the CPU under load, once posted it 6 ms late while the engine's
// thread was held up too: the engine maps copies of the position and wall-
// clock registers that a thread of the test refreshes from the device's
// every 250 µs. At the engine's `holdAt`th wait the copies stop (both at
// once, as one late DMA update leaves both) and the wait lasts `hold`; they
// resume `hold` + 3 ms later, after the engine has read them.
class LaggingRegistersBackend : public ForwardingBackend {
 public:
  LaggingRegistersBackend(std::unique_ptr<Backend> inner, int holdAt, std::chrono::milliseconds hold)
      : ForwardingBackend(std::move(inner)), holdAt_(holdAt), hold_(hold), copier_([this] { Copy(); }) {}
  ~LaggingRegistersBackend() override {
    quit_ = true;
    copier_.join();
  }
  IoResult Ioctl(BackendHandle handle, const IoctlRequest& request) override {
    const bool position = IsRtAudio(request, KSPROPERTY_RTAUDIO_POSITIONREGISTER);
    const bool clock = IsRtAudio(request, KSPROPERTY_RTAUDIO_CLOCKREGISTER);
    IoResult r = inner_->Ioctl(handle, request);
    if ((position || clock) && r.status.ok() && request.outputLength >= sizeof(KSRTAUDIO_HWREGISTER)) {
      KSRTAUDIO_HWREGISTER reg;
      std::memcpy(&reg, request.output, sizeof reg);
      auto* device = reinterpret_cast<std::atomic<uint32_t>*>(static_cast<uintptr_t>(reg.Register));
      std::atomic<uint32_t>& copy = position ? positionCopy_ : clockCopy_;
      copy.store(device->load());
      (position ? positionDevice_ : clockDevice_).store(device);
      reg.Register = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(&copy));
      std::memcpy(request.output, &reg, sizeof reg);
    }
    return r;
  }
  Status CreateWaitableEvent(std::unique_ptr<WaitableEvent>* out) override {
    std::unique_ptr<WaitableEvent> inner;
    Status status = inner_->CreateWaitableEvent(&inner);
    if (status.ok()) *out = std::make_unique<HeldEvent>(std::move(inner), this);
    return status;
  }
  bool held() const { return held_.load(); }
  // The registers go with the pin: stop copying them first.
  void Close(BackendHandle handle) override {
    {
      std::lock_guard<std::mutex> lock(copying_);
      positionDevice_ = nullptr;
      clockDevice_ = nullptr;
    }
    inner_->Close(handle);
  }

 private:
  class HeldEvent : public WaitableEvent {
   public:
    HeldEvent(std::unique_ptr<WaitableEvent> inner, LaggingRegistersBackend* owner) : inner_(std::move(inner)), owner_(owner) {}
    uint64_t handle() const override { return inner_->handle(); }
    void Set() override { inner_->Set(); }
    bool Wait(uint32_t timeoutMs) override {
      if (++owner_->waits_ != owner_->holdAt_) return inner_->Wait(timeoutMs);
      owner_->frozenUntil_.store((std::chrono::steady_clock::now() + owner_->hold_ + std::chrono::milliseconds(3)).time_since_epoch().count());
      std::this_thread::sleep_for(owner_->hold_);
      owner_->held_ = true;
      return false;
    }

   private:
    std::unique_ptr<WaitableEvent> inner_;
    LaggingRegistersBackend* owner_;
  };

  void Copy() {
    while (!quit_.load()) {
      {
        std::lock_guard<std::mutex> lock(copying_);
        std::atomic<uint32_t>* position = positionDevice_.load();
        std::atomic<uint32_t>* clock = clockDevice_.load();
        if (position != nullptr && clock != nullptr && std::chrono::steady_clock::now().time_since_epoch().count() >= frozenUntil_.load()) {
          clockCopy_.store(clock->load());
          positionCopy_.store(position->load());
        }
      }
      std::this_thread::sleep_for(std::chrono::microseconds(250));
    }
  }
  const int holdAt_;
  const std::chrono::milliseconds hold_;
  std::atomic<int> waits_{0};
  std::atomic<int64_t> frozenUntil_{0};
  std::atomic<uint32_t> positionCopy_{0}, clockCopy_{0};
  std::atomic<std::atomic<uint32_t>*> positionDevice_{nullptr}, clockDevice_{nullptr};
  std::atomic<bool> quit_{false}, held_{false};
  std::mutex copying_;  // held while the copier reads the device's registers
  std::thread copier_;
};

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

struct Endpoint {
  std::unique_ptr<Backend> backend = CreateEmulatorBackend();
  BackendHandle filter = 0, pin = 0;
  explicit Endpoint(const char* reference) {
    bool v2;
    backend->OpenFilter(PathOf(*backend, reference), &filter);
    backend->CreateObject(filter, ObjectClass::Pin, Connect16(), 0, &pin, &v2);
  }
  ~Endpoint() {
    backend->Close(pin);
    backend->Close(filter);
  }
};

// The memory a capture engine shares with JavaScript (stream_control's
// words, the records, a pool of slots), every slot free at the start; Drain
// reads records as CaptureStream does for `ms`, hands each to `onRecord`
// with its slot's bytes, and releases the slot.
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
    while (std::chrono::steady_clock::now() < until) {
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
    }
  }
};

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
  BackendHandle filter = 0, pin = 0;
  bool v2;
  CHECK(backend.OpenFilter(PathOf(backend, "\\wavemicrophone"), &filter).ok());
  CHECK(backend.CreateObject(filter, ObjectClass::Pin, Connect16(), 0, &pin, &v2).ok());
  constexpr uint32_t kSlots = 64, kSlotSize = 1440;  // 7.5 ms: loss lands inside a slot
  CaptureSlots memory(kSlots, kSlotSize);
  WaveRtConfig config;
  config.capture = true;
  config.mode = WaveRtMode::Packet;
  config.bufferBytes = 1920;  // 10 ms
  WaveRtEngine engine(&backend, pin, config, memory.Shared(), nullptr);
  CHECK(engine.Start().ok());
  uint64_t expectedFrame = 0, lostFrames = 0, gaps = 0;
  bool inPlace = true, timesAgree = true, gapFlagged = true;
  memory.Drain(std::chrono::milliseconds(300), std::chrono::milliseconds(2), [&](const double* r, const uint8_t* data) {
    const uint64_t first = static_cast<uint64_t>(std::llround(r[5] * 48000 / 10'000'000));
    if (first != expectedFrame) {
      ++gaps;
      lostFrames += first - expectedFrame;
      gapFlagged = gapFlagged && (static_cast<uint32_t>(r[4]) & 0x4) != 0;  // KSSTREAM_HEADER_OPTIONSF_DATADISCONTINUITY
    }
    timesAgree = timesAgree && first >= expectedFrame;
    const uint32_t used = static_cast<uint32_t>(r[3]);
    for (uint32_t i = 0; inPlace && i < used / 4; ++i) inPlace = IsIndexFrame(data + i * 4, first + i);
    expectedFrame = first + used / 4;
  });
  engine.Close();
  const WaveRtInfo info = engine.Info();
  CHECK(inPlace && timesAgree && gapFlagged);
  CHECK(info.glitches >= 1 && gaps >= 1);
  CHECK(info.lostBytes == lostFrames * 4);  // every lost frame is a jump in presentation time, no more, no less
  CHECK(info.lostBytes % 960 == 0);          // whole 5 ms packets
  backend.Close(pin);
  backend.Close(filter);
}

// Polled capture on a 100 ms buffer (passes every 12 ms) with the engine
// held up for 55 ms, more than half the buffer, while the registers it will
// read stand still: the device was late posting them, and the audio behind
// the position is all still there. Nothing may be counted lost, and every
// byte must be the index at its place, at continuous presentation times.
// Timing the position on the host's clock, the engine took 55 ms without
// movement for a wrap, counted an overrun and delivered a buffer of stale
// audio as new; on the device's clock, which stood still with the
// position, there is no wrap to see.
void CaptureWithLaggingRegisters() {
  auto lagging = std::make_unique<LaggingRegistersBackend>(CreateEmulatorBackend(), 10, std::chrono::milliseconds(55));
  LaggingRegistersBackend& backend = *lagging;
  BackendHandle filter = 0, pin = 0;
  bool v2;
  CHECK(backend.OpenFilter(PathOf(backend, "\\wavemicrophone"), &filter).ok());
  CHECK(backend.CreateObject(filter, ObjectClass::Pin, Connect16(), 0, &pin, &v2).ok());
  constexpr uint32_t kSlots = 64, kSlotSize = 1920;
  CaptureSlots memory(kSlots, kSlotSize);
  WaveRtConfig config;
  config.capture = true;
  config.mode = WaveRtMode::Polled;
  config.bufferBytes = 19200;  // 100 ms
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
  backend.Close(pin);
  backend.Close(filter);
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
  CaptureWithLaggingRegisters();
  return selftest::Report("native (WaveRT engine)");
}
