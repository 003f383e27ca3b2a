// Backends of the WaveRT engine self-test's own: the emulator behind a
// layer that changes one thing about the device or the engine's thread, as
// real hardware and a loaded machine do (a thread held off the CPU, registers
// posted late, a clock register that stands still, a position that trails
// the DMA). Used by wavert_engine_selftest.cpp only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "../ks_backend.h"
#include "../ks_rtaudio.h"

namespace ks_test {
using namespace ks;

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
  uint64_t PerformanceCounter(uint64_t* frequency) const override { return inner_->PerformanceCounter(frequency); }

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
// has not read; or, `afterReply`, the reply reaches the engine that late
// (a thread descheduled on its way back from the kernel), so the device
// writes over the packet the reply names before the engine copies it.
class StallingBackend : public ForwardingBackend {
 public:
  StallingBackend(std::unique_ptr<Backend> inner, int stallAt, std::chrono::milliseconds stall, bool afterReply = false)
      : ForwardingBackend(std::move(inner)), stallAt_(stallAt), stall_(stall), afterReply_(afterReply) {}
  IoResult Ioctl(BackendHandle handle, const IoctlRequest& request) override {
    const bool stall = IsRtAudio(request, KSPROPERTY_RTAUDIO_GETREADPACKET) && ++reads_ == stallAt_;
    if (stall && !afterReply_) std::this_thread::sleep_for(stall_);
    IoResult r = inner_->Ioctl(handle, request);
    if (stall && afterReply_) std::this_thread::sleep_for(stall_);
    return r;
  }

 private:
  std::atomic<int> reads_{0};
  const int stallAt_;
  const std::chrono::milliseconds stall_;
  const bool afterReply_;
};

// What RegisterCopiesBackend does to the registers and the engine's wait.
struct RegisterFaults {
  int holdAt = 0;                     // the engine's Nth wait lasts `hold` (0: none does)
  std::chrono::milliseconds hold{0};
  bool freezeDuringHold = false;      // both copies stand still from the hold's start until 3 ms after it
  bool clockStuck = false;            // the clock copy never moves from its first value
  std::chrono::microseconds lag{0};   // both copies trail the device's by this long (the position by its bytes)
  uint32_t bytesPerSecond = 192000;   // the stream's, to turn `lag` into bytes
  uint32_t bufferBytes = 0;           // the cyclic buffer's size: the position register is an offset into it
};

// The engine maps copies of the device's position and wall-clock registers
// that a thread of the test refreshes from the device's every 250 µs, with
// the faults above; the engine's waits go through the backend's events, so
// one of them can be held as a descheduled thread would be.
class RegisterCopiesBackend : public ForwardingBackend {
 public:
  RegisterCopiesBackend(std::unique_ptr<Backend> inner, RegisterFaults faults)
      : ForwardingBackend(std::move(inner)), faults_(faults), copier_([this] { Copy(); }) {}
  ~RegisterCopiesBackend() override {
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
      std::lock_guard<std::mutex> lock(copying_);
      if (position) {
        positionCopy_.store(Trail(device->load(), LagBytes(), faults_.bufferBytes));
        positionDevice_ = device;
      } else {
        lagTicks_ = static_cast<uint32_t>(faults_.lag.count() * 1e-6 * reg.Numerator / reg.Denominator);
        clockCopy_.store(device->load() - lagTicks_);
        clockDevice_ = device;
      }
      reg.Register = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(position ? &positionCopy_ : &clockCopy_));
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
    HeldEvent(std::unique_ptr<WaitableEvent> inner, RegisterCopiesBackend* owner) : inner_(std::move(inner)), owner_(owner) {}
    uint64_t handle() const override { return inner_->handle(); }
    void Set() override { inner_->Set(); }
    bool Wait(uint32_t timeoutMs) override {
      if (++owner_->waits_ != owner_->faults_.holdAt) return inner_->Wait(timeoutMs);
      if (owner_->faults_.freezeDuringHold)
        owner_->frozenUntil_.store((std::chrono::steady_clock::now() + owner_->faults_.hold + std::chrono::milliseconds(3)).time_since_epoch().count());
      std::this_thread::sleep_for(owner_->faults_.hold);
      owner_->held_ = true;
      return false;
    }

   private:
    std::unique_ptr<WaitableEvent> inner_;
    RegisterCopiesBackend* owner_;
  };

  uint32_t LagBytes() const {
    const uint64_t bytes = static_cast<uint64_t>(faults_.lag.count()) * faults_.bytesPerSecond / 1'000'000;
    return static_cast<uint32_t>(bytes / 4 * 4);
  }
  static uint32_t Trail(uint32_t offset, uint32_t bytes, uint32_t size) {
    return size == 0 || bytes == 0 ? offset : static_cast<uint32_t>((uint64_t{offset} + size - bytes % size) % size);
  }
  void Copy() {
    while (!quit_.load()) {
      {
        std::lock_guard<std::mutex> lock(copying_);
        if (positionDevice_ != nullptr && clockDevice_ != nullptr &&
            std::chrono::steady_clock::now().time_since_epoch().count() >= frozenUntil_.load()) {
          if (!faults_.clockStuck) clockCopy_.store(clockDevice_->load() - lagTicks_);
          positionCopy_.store(Trail(positionDevice_->load(), LagBytes(), faults_.bufferBytes));
        }
      }
      std::this_thread::sleep_for(std::chrono::microseconds(250));
    }
  }
  const RegisterFaults faults_;
  std::atomic<int> waits_{0};
  std::atomic<int64_t> frozenUntil_{0};
  std::atomic<uint32_t> positionCopy_{0}, clockCopy_{0};
  std::atomic<uint32_t>* positionDevice_ = nullptr;  // both under copying_
  std::atomic<uint32_t>* clockDevice_ = nullptr;
  uint32_t lagTicks_ = 0;
  std::atomic<bool> quit_{false}, held_{false};
  std::mutex copying_;  // held while the copier reads the device's registers
  std::thread copier_;
};

}  // namespace ks_test
