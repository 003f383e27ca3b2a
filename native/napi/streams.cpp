// The stream engines as JavaScript sees them: a capture or render engine per
// stream sharing its pool and rings with JS, the promise-per-packet render
// write, and the benchmark's native loop.
#include "addon.h"

#include <chrono>
#include <thread>

#include "args.h"

namespace ks {

// Calls a stream's "frames are ready" function. No C++ exception may leave
// here: this runs under Node's own frames (and, on Windows, an exception
// cannot unwind through them), including while a worker is terminating and
// every call into JS fails. A JS exception stays pending for Node to report.
void CallReady(Napi::Env env, Napi::Function ready, std::nullptr_t*, std::nullptr_t*) {
  if (env == nullptr || ready.IsEmpty()) return;
  napi_value result;
  napi_call_function(env, env.Undefined(), ready, 0, nullptr, &result);
}

ReadySignal NewReadySignal(Napi::Env env, Napi::Function ready, const char* name) {
  return ReadySignal::New(env, ready, name, 0, 1);
}

void Addon::CloseStream(double streamId) {
  SweepLingering();
  auto it = streams_.find(streamId);
  if (it == streams_.end()) return;
  // Bounded: a driver that ignores cancellation cannot hang the caller. No
  // completion (or WaveRT pass) calls JavaScript after this, drained or not
  // (completions after Close are ignored).
  bool drained = true;
  if (it->second.engine) drained = it->second.engine->Close();
  if (it->second.waveRt) it->second.waveRt->Close();
  it->second.ready.Release();
  if (drained) {
    it->second.pool.Reset();
    it->second.control.Reset();
    it->second.records.Reset();
    it->second.descriptors.Reset();
  } else {
    // Requests are still with the device and will write into the pool: keep
    // the pool, the shared memory and the engine until they complete.
    lingering_.push_back(std::move(it->second));
  }
  streams_.erase(it);
}

void Addon::SweepLingering() {
  for (auto it = lingering_.begin(); it != lingering_.end();) {
    if (!it->engine->Drained()) {
      ++it;
      continue;
    }
    it->engine.reset();
    it->pool.Reset();
    it->control.Reset();
    it->records.Reset();
    it->descriptors.Reset();
    it = lingering_.erase(it);
  }
}

void Addon::CloseStreamsOf(double pinId) {
  std::vector<double> ids;
  for (const auto& entry : streams_) {
    if (entry.second.pinId == pinId) ids.push_back(entry.first);
  }
  for (double id : ids) CloseStream(id);
}

StreamEntry& Addon::OpenStream(const Napi::CallbackInfo& info) {
  auto it = streams_.find(IdArg(info, 0));
  if (it == streams_.end()) ThrowCode(info.Env(), "ERR_CLOSED", "the stream is closed");
  return it->second;
}

// streamOpen(pinId, pool: ArrayBuffer, control: Uint32Array, records: Float64Array, slots, slotSize, frameSize,
//            alignment, write, dropOldest, ready: () => void, descriptors?: Float64Array, headerSize?, frameInfo?: boolean)
//   -> [streamId, byteOffset of slot 0 in the pool]
// `control`, `records` and (render) `descriptors` are the memory shared with the engine (stream_engine.h).
// headerSize: the pin's stream header size (default sizeof(KSSTREAM_HEADER)); frameInfo: headers carry a KS_FRAME_INFO.
Napi::Value Addon::StreamOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SweepLingering();
  double pinId = IdArg(info, 0);
  const HandleEntry& pin = OpenEntry(info, 0);
  if (pin.cls != ObjectClass::Pin) throw Napi::TypeError::New(env, "streaming needs a pin handle");
  if (!info[1].IsArrayBuffer()) throw Napi::TypeError::New(env, "pool must be an ArrayBuffer");
  if (!info[2].IsTypedArray() || info[2].As<Napi::TypedArray>().TypedArrayType() != napi_uint32_array) {
    throw Napi::TypeError::New(env, "control must be a Uint32Array");
  }
  if (!info[3].IsTypedArray() || info[3].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    throw Napi::TypeError::New(env, "records must be a Float64Array");
  }
  auto pool = info[1].As<Napi::ArrayBuffer>();
  auto control = info[2].As<Napi::Uint32Array>();
  auto records = info[3].As<Napi::Float64Array>();
  uint32_t slots = Uint32Arg(info, 4, "slots");
  uint32_t slotSize = Uint32Arg(info, 5, "slotSize");
  uint32_t frameSize = Uint32Arg(info, 6, "frameSize");
  uint32_t alignment = Uint32Arg(info, 7, "alignment");
  bool write = info[8].ToBoolean();
  bool dropOldest = info[9].ToBoolean();
  if (!info[10].IsFunction()) throw Napi::TypeError::New(env, "ready must be a function");
  const bool hasDescriptors = info.Length() > 11 && !info[11].IsUndefined() && !info[11].IsNull();
  if (hasDescriptors && (!info[11].IsTypedArray() || info[11].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)) {
    throw Napi::TypeError::New(env, "descriptors must be a Float64Array");
  }
  if (slots == 0 || slotSize == 0) throw Napi::RangeError::New(env, "slots and slotSize must be at least 1");
  if (frameSize == 0 || frameSize > slotSize) throw Napi::RangeError::New(env, "frameSize must be in 1..slotSize");
  uint32_t headerSize = static_cast<uint32_t>(sizeof(KSSTREAM_HEADER));
  if (info.Length() > 12 && !info[12].IsUndefined()) headerSize = Uint32Arg(info, 12, "headerSize");
  if (headerSize < sizeof(KSSTREAM_HEADER) || headerSize % 8 != 0 || headerSize > 4096) {
    throw Napi::RangeError::New(env, "headerSize must be a multiple of 8 in 56..4096");
  }
  const bool frameInfo = info.Length() > 13 && info[13].ToBoolean();
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 || slotSize % alignment != 0) {
    throw Napi::RangeError::New(env, "alignment must be a power of two dividing slotSize");
  }
  auto base = reinterpret_cast<uintptr_t>(pool.Data());
  size_t offset = (alignment - base % alignment) % alignment;
  if (offset + uint64_t{slots} * slotSize > pool.ByteLength()) {
    throw Napi::RangeError::New(env, "the pool is too small for slots × slotSize at that alignment");
  }
  if (control.ElementLength() < stream_control::Words(slots) ||
      records.ElementLength() < uint64_t{slots} * kStreamRecordDoubles) {
    throw Napi::RangeError::New(env, "control or records is too small for that many slots");
  }
  Napi::Float64Array descriptors;
  if (hasDescriptors) {
    descriptors = info[11].As<Napi::Float64Array>();
    if (descriptors.ElementLength() < uint64_t{slots} * kPacketDescriptorDoubles) {
      throw Napi::RangeError::New(env, "descriptors is too small for that many slots");
    }
  }
  double streamId = ++nextStream_;
  StreamEntry& entry = streams_[streamId];
  entry.pinId = pinId;
  entry.ready = NewReadySignal(env, info[10].As<Napi::Function>(), "kernel-streaming:frames");
  entry.pool = Napi::Persistent(pool);
  entry.control = Napi::Persistent(control);
  entry.records = Napi::Persistent(records);
  if (hasDescriptors) entry.descriptors = Napi::Persistent(descriptors);
  ReadySignal ready = entry.ready;
  StreamLayout layout;
  layout.slots = slots;
  layout.slotSize = slotSize;
  layout.frameSize = frameSize;
  layout.headerSize = headerSize;
  layout.frameInfo = frameInfo;
  entry.engine = std::make_unique<StreamEngine>(
      pin.backend, pin.handle, write, static_cast<uint8_t*>(pool.Data()) + offset, layout,
      dropOldest ? OverflowPolicy::DropOldest : OverflowPolicy::Pause, [ready]() mutable { ready.NonBlockingCall(); },
      control.Data(), records.Data(), hasDescriptors ? descriptors.Data() : nullptr);
  Napi::Array result = Napi::Array::New(env, 2);
  result.Set(0u, Napi::Number::New(env, streamId));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(offset)));
  return result;
}

// streamSubmit(streamId): sends the slots in the shared free ring to the
// device. Needed only when nothing is in flight; otherwise the engine takes
// them itself at the next completion.
Napi::Value Addon::StreamSubmit(const Napi::CallbackInfo& info) {
  auto it = streams_.find(IdArg(info, 0));
  if (it == streams_.end()) return info.Env().Undefined();  // closed meanwhile: nothing to send
  if (it->second.engine) it->second.engine->Kick();
  if (it->second.waveRt) it->second.waveRt->Kick();
  return info.Env().Undefined();
}

// streamInfo(streamId) -> [inFlight, dropped, wake-ups, kicks, starved] (the last three for benchmarks)
Napi::Value Addon::StreamInfo(const Napi::CallbackInfo& info) {
  StreamEntry& entry = OpenStream(info);
  Napi::Array result = Napi::Array::New(info.Env(), 5);
  if (entry.waveRt) {
    // A WaveRT stream: one slot in hand while it runs; data lost to a slow
    // consumer counts in slots' worth; no kicks, no starving (the device sets the pace).
    const WaveRtInfo w = entry.waveRt->Info();
    result.Set(0u, Napi::Number::New(info.Env(), entry.waveRt->inFlight()));
    result.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(entry.waveRt->droppedSlots())));
    result.Set(2u, Napi::Number::New(info.Env(), static_cast<double>(w.wakeups)));
    result.Set(3u, Napi::Number::New(info.Env(), 0));
    result.Set(4u, Napi::Number::New(info.Env(), 0));
    return result;
  }
  const StreamEngine& e = *entry.engine;
  result.Set(0u, Napi::Number::New(info.Env(), e.inFlight()));
  result.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(e.dropped())));
  result.Set(2u, Napi::Number::New(info.Env(), static_cast<double>(e.wakeups())));
  result.Set(3u, Napi::Number::New(info.Env(), static_cast<double>(e.kicks())));
  result.Set(4u, Napi::Number::New(info.Env(), static_cast<double>(e.starved())));
  return result;
}

Napi::Value Addon::StreamRef(const Napi::CallbackInfo& info) {
  StreamEntry& entry = OpenStream(info);
  if (info[1].ToBoolean()) {
    entry.ready.Ref(info.Env());
  } else {
    entry.ready.Unref(info.Env());
  }
  return info.Env().Undefined();
}

Napi::Value Addon::StreamClose(const Napi::CallbackInfo& info) {
  CloseStream(IdArg(info, 0));
  return info.Env().Undefined();
}

// streamWrite(pinId, data: Buffer, optionsFlags, presentationTime, settle(kind, value, bytes))
// The packet points into the caller's Buffer, which stays referenced until it completes.
Napi::Value Addon::StreamWrite(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const HandleEntry& pin = OpenEntry(info, 0);
  uint8_t* data;
  uint32_t length;
  if (!BufferArg(info, 1, &data, &length)) throw Napi::TypeError::New(env, "data must be a Buffer");
  uint32_t flags = Uint32Arg(info, 2, "optionsFlags");
  double time = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
  auto* op = new AsyncIoctl{SettleArg(info, 4), Napi::Persistent(info[1]), Napi::Reference<Napi::Value>(), IoResult{},
                            KSSTREAM_HEADER{}};
  KSSTREAM_HEADER& h = op->header;
  h.Size = sizeof h;
  h.FrameExtent = length;
  h.DataUsed = length;
  h.Data = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(data));
  h.OptionsFlags = flags;
  h.PresentationTime = KSTIME{static_cast<int64_t>(time), 1, 1};
  IoctlRequest request;
  request.code = IOCTL_KS_WRITE_STREAM;
  request.output = reinterpret_cast<uint8_t*>(&h);
  request.outputLength = sizeof h;
  Start(env, pin, request, op);
  return env.Undefined();
}

// streamNativeSink(pinId, write, slots, slotSize, alignment, milliseconds) -> [frames, bytes, seconds]
// The benchmark's limit: the same engine with every completion resubmitted
// at once on the completion thread, and no JavaScript involved.
Napi::Value Addon::StreamNativeSink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const HandleEntry& pin = OpenEntry(info, 0);
  bool write = info[1].ToBoolean();
  uint32_t slots = Uint32Arg(info, 2, "slots");
  uint32_t slotSize = Uint32Arg(info, 3, "slotSize");
  uint32_t alignment = Uint32Arg(info, 4, "alignment");
  uint32_t milliseconds = Uint32Arg(info, 5, "milliseconds");
  if (slots == 0 || slotSize == 0 || alignment == 0) throw Napi::RangeError::New(env, "slots, slotSize and alignment must be at least 1");
  std::vector<uint8_t> memory(uint64_t{slots} * slotSize + alignment);
  auto base = reinterpret_cast<uintptr_t>(memory.data());
  uint8_t* pool = memory.data() + (alignment - base % alignment) % alignment;
  StreamLayout layout;
  layout.slots = slots;
  layout.slotSize = slotSize;
  layout.frameSize = slotSize;
  StreamEngine engine(pin.backend, pin.handle, write, pool, layout, OverflowPolicy::Pause, nullptr);
  auto start = std::chrono::steady_clock::now();
  engine.RunNativeSink();
  std::this_thread::sleep_for(std::chrono::milliseconds(milliseconds));
  uint64_t frames = engine.sinkFrames(), bytes = engine.sinkBytes();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  engine.Close();
  Napi::Array result = Napi::Array::New(env, 3);
  result.Set(0u, Napi::Number::New(env, static_cast<double>(frames)));
  result.Set(1u, Napi::Number::New(env, static_cast<double>(bytes)));
  result.Set(2u, Napi::Number::New(env, seconds));
  return result;
}

}  // namespace ks
