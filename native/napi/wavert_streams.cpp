// WaveRT streams as JavaScript sees them: waveRtOpen starts a WaveRtEngine
// (native/wavert_engine.h) on a pin; the stream id then works with
// streamSubmit, streamInfo, streamRef and streamClose like any other stream.
#include "addon.h"

#include "args.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "../realtime_thread.h"

namespace ks {

// waveRtOpen(pinId, capture, pool: ArrayBuffer, control: Uint32Array, records: Float64Array, slots, slotSize,
//            alignment, dropOldest, ready, mode, fallbackToPolled, bufferBytes, notificationCount, sampleRate,
//            blockAlign) -> [streamId, byteOffset of slot 0, mode, bufferBytes, notificationCount, positionSource, fifoBytes]
// Capture: the pool, control words and records as streamOpen takes them.
// Render: `pool` is the ring JavaScript fills (slots 1, slotSize its size),
// `control` the render_ring words, `records` empty.
Napi::Value Addon::WaveRtOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double pinId = IdArg(info, 0);
  const HandleEntry& pin = OpenEntry(info, 0);
  if (pin.cls != ObjectClass::Pin) throw Napi::TypeError::New(env, "streaming needs a pin handle");
  const bool capture = info[1].ToBoolean();
  if (!info[2].IsArrayBuffer()) throw Napi::TypeError::New(env, "pool must be an ArrayBuffer");
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw Napi::TypeError::New(env, "control must be a Uint32Array");
  }
  if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, "records must be a Float64Array");
  }
  auto pool = info[2].As<Napi::ArrayBuffer>();
  auto control = info[3].As<Napi::Uint32Array>();
  auto records = info[4].As<Napi::Float64Array>();
  const uint32_t slots = Uint32Arg(info, 5, "slots");
  const uint32_t slotSize = Uint32Arg(info, 6, "slotSize");
  const uint32_t alignment = Uint32Arg(info, 7, "alignment");
  const bool dropOldest = info[8].ToBoolean();
  if (!info[9].IsFunction()) throw Napi::TypeError::New(env, "ready must be a function");
  WaveRtConfig config;
  config.capture = capture;
  const uint32_t mode = Uint32Arg(info, 10, "mode");
  if (mode > 2) throw Napi::RangeError::New(env, "mode must be 0 (event), 1 (polled) or 2 (packet)");
  config.mode = static_cast<WaveRtMode>(mode);
  config.fallbackToPolled = info[11].ToBoolean();
  config.bufferBytes = Uint32Arg(info, 12, "bufferBytes");
  config.notificationCount = Uint32Arg(info, 13, "notificationCount");
  config.sampleRate = Uint32Arg(info, 14, "sampleRate");
  config.blockAlign = Uint32Arg(info, 15, "blockAlign");
  if (slots == 0 || slotSize == 0 || config.blockAlign == 0 || config.sampleRate == 0 || slotSize % config.blockAlign != 0) {
    throw Napi::RangeError::New(env, "slots, slotSize, sampleRate and blockAlign must be at least 1, slotSize whole frames");
  }
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) throw Napi::RangeError::New(env, "alignment must be a power of two");
  auto base = reinterpret_cast<uintptr_t>(pool.Data());
  const size_t offset = (alignment - base % alignment) % alignment;
  if (offset + uint64_t{slots} * slotSize > pool.ByteLength()) throw Napi::RangeError::New(env, "the pool is too small");
  const uint32_t words = capture ? stream_control::Words(slots) : render_ring::kWords;
  if (control.ElementLength() < words || (capture && records.ElementLength() < uint64_t{slots} * kStreamRecordDoubles)) {
    throw Napi::RangeError::New(env, "control or records is too small");
  }
  WaveRtShared shared;
  uint8_t* memory = static_cast<uint8_t*>(pool.Data()) + offset;
  shared.control = control.Data();
  shared.dropOldest = dropOldest;
  if (capture) {
    shared.pool = memory;
    shared.slots = slots;
    shared.slotSize = slotSize;
    shared.records = records.Data();
  } else {
    shared.ring = memory;
    shared.ringBytes = slotSize;
  }

  double streamId = ++nextStream_;
  StreamEntry& entry = streams_[streamId];
  entry.pinId = pinId;
  entry.ready = NewReadySignal(env, info[9].As<Napi::Function>(), "kernel-streaming:wavert");
  entry.pool = Napi::Persistent(pool);
  entry.control = Napi::Persistent(control);
  entry.records = Napi::Persistent(records);
  ReadySignal ready = entry.ready;
  entry.waveRt = std::make_unique<WaveRtEngine>(pin.backend, pin.handle, config, shared,
                                                [ready]() mutable { ready.NonBlockingCall(); });
  Status status = entry.waveRt->Start();
  if (!status.ok()) {
    CloseStream(streamId);
    ThrowStatus(env, status, "start WaveRT stream");
  }
  const WaveRtInfo started = entry.waveRt->Info();
  Napi::Array result = Napi::Array::New(env, 7);
  result.Set(0u, Napi::Number::New(env, streamId));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(offset)));
  result.Set(2u, Napi::Number::New(env, static_cast<uint32_t>(started.mode)));
  result.Set(3u, Napi::Number::New(env, started.bufferBytes));
  result.Set(4u, Napi::Number::New(env, started.notificationCount));
  result.Set(5u, Napi::Number::New(env, static_cast<uint32_t>(started.position)));
  result.Set(6u, Napi::Number::New(env, started.fifoBytes));
  return result;
}

// waveRtInfo(streamId) -> [glitches, silenceBytes, droppedBytes, wakeups, services, movedBytes, failureKind, failureValue, lostBytes,
//                          stalls, glitchesAfterStall, longestGapNs, passCpuNs]
Napi::Value Addon::WaveRtInfoJs(const Napi::CallbackInfo& info) {
  StreamEntry& entry = OpenStream(info);
  if (!entry.waveRt) throw Napi::TypeError::New(info.Env(), "not a WaveRT stream");
  const WaveRtInfo s = entry.waveRt->Info();
  const double values[] = {static_cast<double>(s.glitches), static_cast<double>(s.silenceBytes),
                           static_cast<double>(s.droppedBytes), static_cast<double>(s.wakeups),
                           static_cast<double>(s.services), static_cast<double>(s.movedBytes),
                           static_cast<double>(static_cast<uint32_t>(s.failure.kind)), static_cast<double>(s.failure.value),
                           static_cast<double>(s.lostBytes), static_cast<double>(s.stalls),
                           static_cast<double>(s.glitchesAfterStall), static_cast<double>(s.longestGapNs),
                           static_cast<double>(s.passCpuNs)};
  constexpr uint32_t kCount = sizeof values / sizeof values[0];
  Napi::Array result = Napi::Array::New(info.Env(), kCount);
  for (uint32_t i = 0; i < kCount; ++i) result.Set(i, Napi::Number::New(info.Env(), values[i]));
  return result;
}

// measureWakeCost(handleId, periodMicroseconds, milliseconds, signalled) -> [wakes, waiterCpuNs, signallerCpuNs, seconds]
// The benchmark's floor for a WaveRT engine: a thread that does nothing but
// wait on the backend's waitable event (the one the engine waits on), which a
// second thread signals every period, as a device's notifications do; both
// real-time threads as the engine and the emulated DMA are. What the waiter
// costs per second is what any engine woken at that rate costs on this
// machine before it moves a byte. Not `signalled`: nobody signals, and the
// waiter's waits time out every period (whole milliseconds), as a polled
// engine's do. Blocks the calling thread.
Napi::Value Addon::MeasureWakeCost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const HandleEntry& entry = OpenEntry(info, 0);
  const uint32_t periodUs = Uint32Arg(info, 1, "periodMicroseconds");
  const uint32_t ms = Uint32Arg(info, 2, "milliseconds");
  if (periodUs < 100 || periodUs > 1'000'000) throw Napi::RangeError::New(env, "periodMicroseconds must be 100..1000000");
  if (ms < 1 || ms > 600'000) throw Napi::RangeError::New(env, "milliseconds must be 1..600000");
  const bool signalled = info[3].ToBoolean();
  const uint32_t timeoutMs = signalled ? 1000 : std::max<uint32_t>(1, periodUs / 1000);
  std::unique_ptr<WaitableEvent> event;
  Status status = entry.backend->CreateWaitableEvent(&event);
  if (!status.ok()) ThrowStatus(env, status, "measure wake cost");
  std::atomic<bool> stop{false};
  uint64_t wakes = 0, waiterNs = 0, signallerNs = 0;
  const auto started = std::chrono::steady_clock::now();
  std::thread waiter([&] {
    RealtimeThreadScope realtime("ks-floor-wait");
    const uint64_t before = ThreadCpuNs();
    while (!stop.load()) {
      event->Wait(timeoutMs);
      wakes++;
    }
    waiterNs = ThreadCpuNs() - before;
  });
  std::thread signaller([&] {
    RealtimeThreadScope realtime("ks-floor-tick", 1);  // as the emulated DMA
    const uint64_t before = ThreadCpuNs();
    auto next = started;
    const auto end = started + std::chrono::milliseconds(ms);
    while ((next += std::chrono::microseconds(signalled ? periodUs : 100'000)) < end) {
      std::this_thread::sleep_until(next);
      if (signalled) event->Set();
    }
    signallerNs = ThreadCpuNs() - before;
    stop = true;
    event->Set();
  });
  signaller.join();
  waiter.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Napi::Array result = Napi::Array::New(env, 4);
  result.Set(0u, Napi::Number::New(env, static_cast<double>(wakes)));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(waiterNs)));
  result.Set(2u, Napi::Number::New(env, static_cast<double>(signallerNs)));
  result.Set(3u, Napi::Number::New(env, seconds));
  return result;
}

}  // namespace ks
