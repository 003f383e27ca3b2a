// The N-API surface: thin calls into the handle table and the backends.
// Argument checks, defaults, struct encoding and error naming live in
// TypeScript (lib/); this file only moves bytes and statuses across.
#include <napi.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <chrono>
#include <thread>
#include <unordered_map>

#include "device_watches.h"
#include "emulator/emulator_control.h"
#include "event_subscriptions.h"
#include "handle_table.h"
#include "ks_backend.h"
#include "stream_engine.h"
#include "virtual_devices.h"

namespace ks {
namespace {

// An IOCTL in flight: the promise to settle and the JS buffers it reads and
// writes, kept alive until the backend is done with them.
struct AsyncIoctl {
  Napi::Promise::Deferred deferred;
  Napi::Reference<Napi::Value> input;
  Napi::Reference<Napi::Value> output;
  IoResult result;
  KSSTREAM_HEADER header{};  // the packet of a render write
};

// Calls a stream's "frames are ready" function. No C++ exception may leave
// here: this runs under Node's own frames (and, on Windows, an exception
// cannot unwind through them), including while a worker is terminating and
// every call into JS fails. A JS exception stays pending for Node to report.
void CallReady(Napi::Env env, Napi::Function ready, std::nullptr_t*, std::nullptr_t*) {
  if (env == nullptr || ready.IsEmpty()) return;
  napi_value result;
  napi_call_function(env, env.Undefined(), ready, 0, nullptr, &result);
}
using ReadySignal = Napi::TypedThreadSafeFunction<std::nullptr_t, std::nullptr_t, CallReady>;

// A pin's streaming engine with the JS objects it uses: the pool it reads
// into and the function that is told when frames are ready.
struct StreamEntry {
  double pinId;
  std::unique_ptr<StreamEngine> engine;
  ReadySignal ready;
  Napi::Reference<Napi::ArrayBuffer> pool;
  Napi::Reference<Napi::Uint32Array> control;  // shared with the engine (stream_engine.h)
  Napi::Reference<Napi::Float64Array> records;
};

class Addon;
void DeliverCompletion(Napi::Env env, Napi::Function, Addon* addon, AsyncIoctl* op);
using CompletionQueue = Napi::TypedThreadSafeFunction<Addon, AsyncIoctl, DeliverCompletion>;

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceMethod("backendInfo", &Addon::BackendInfoJs),
                             InstanceMethod("enumerate", &Addon::Enumerate),
                             InstanceMethod("openFilter", &Addon::OpenFilter),
                             InstanceMethod("createObject", &Addon::CreateObject),
                             InstanceMethod("ioctl", &Addon::Ioctl),
                             InstanceMethod("ioctlAsync", &Addon::IoctlAsync),
                             InstanceMethod("handleValue", &Addon::HandleValue),
                             InstanceMethod("close", &Addon::Close),
                             InstanceMethod("isOpen", &Addon::IsOpen),
                             InstanceMethod("openHandleCount", &Addon::OpenHandleCount),
                             InstanceMethod("streamOpen", &Addon::StreamOpen),
                             InstanceMethod("streamSubmit", &Addon::StreamSubmit),
                             InstanceMethod("streamInfo", &Addon::StreamInfo),
                             InstanceMethod("streamRef", &Addon::StreamRef),
                             InstanceMethod("streamClose", &Addon::StreamClose),
                             InstanceMethod("streamWrite", &Addon::StreamWrite),
                             InstanceMethod("streamNativeSink", &Addon::StreamNativeSink),
                             InstanceMethod("enableEvent", &Addon::EnableEvent),
                             InstanceMethod("disableEvent", &Addon::DisableEvent),
                             InstanceMethod("eventRef", &Addon::EventRef),
                             InstanceMethod("watchDevices", &Addon::WatchDevices),
                             InstanceMethod("unwatchDevices", &Addon::UnwatchDevices),
                             InstanceMethod("watchRef", &Addon::WatchRef),
                             InstanceMethod("emulatorDefineDevice", &Addon::EmulatorDefineDevice),
                             InstanceMethod("emulatorSetPresent", &Addon::EmulatorSetPresent),
                             InstanceMethod("emulatorRemoveDevice", &Addon::EmulatorRemoveDevice),
                             InstanceMethod("emulatorGenerateEvent", &Addon::EmulatorGenerateEvent),
                         });
    handles_.beforeClose = [this](double id) {
      CloseStreamsOf(id);
      events_.EndAllOf(id);
    };
    completions_ = CompletionQueue::New(env, "kernel-streaming:io", 0, 1, this);
    completions_.Unref(env);
    env.AddCleanupHook([this]() { Shutdown(); });
  }

  ~Addon() { Shutdown(); }

  // Runs on the JS thread for every completed asynchronous IOCTL.
  void Settle(Napi::Env env, AsyncIoctl* op) {
    std::unique_ptr<AsyncIoctl> owned(op);
    if (--pending_ == 0) completions_.Unref(env);
    op->deferred.Resolve(StatusTriple(env, op->result.status, op->result.bytesReturned));
  }

 private:
  // The environment is going away (process exit or worker termination):
  // close every handle, which cancels and completes what is in flight, then
  // free completions that can no longer reach JS.
  void Shutdown() {
    if (shutDown_) return;
    shutDown_ = true;
    handles_.CloseAll();
    while (!streams_.empty()) CloseStream(streams_.begin()->first);
    events_.EndAll();
    watches_.UnwatchAll();
    virtualDevices_.Clear();
    emulator_.reset();
#ifdef _WIN32
    windows_.reset();
#endif
    std::vector<AsyncIoctl*> orphans;
    {
      std::lock_guard<std::mutex> lock(orphanMutex_);
      orphans.swap(orphans_);
    }
    for (AsyncIoctl* op : orphans) Abandon(op);
  }

  static void Abandon(AsyncIoctl* op) {
    // The environment's references die with it; deleting them now would call into a dying env.
    op->input.SuppressDestruct();
    op->output.SuppressDestruct();
    delete op;
  }

  Backend* FindBackend(const std::string& name) {
    if (name == "emulator") {
      if (!emulator_) emulator_ = CreateEmulatorBackend();
      return emulator_.get();
    }
#ifdef _WIN32
    if (name == "windows") {
      if (!windows_ && !windowsTried_) {
        windowsTried_ = true;
        windows_ = CreateWindowsBackend();
      }
      return windows_.get();
    }
#endif
    return nullptr;
  }

  static Napi::Array StatusTriple(Napi::Env env, const Status& status, uint32_t bytes) {
    Napi::Array triple = Napi::Array::New(env, 3);
    triple.Set(0u, Napi::Number::New(env, static_cast<int>(status.kind)));
    triple.Set(1u, Napi::Number::New(env, status.value));
    triple.Set(2u, Napi::Number::New(env, bytes));
    return triple;
  }

  // A failed call: TypeScript turns statusKind/statusValue into a named KsError.
  [[noreturn]] static void ThrowStatus(Napi::Env env, const Status& status, const char* operation) {
    Napi::Error error = Napi::Error::New(env, std::string(operation) + " failed");
    error.Set("statusKind", Napi::Number::New(env, static_cast<int>(status.kind)));
    error.Set("statusValue", Napi::Number::New(env, status.value));
    error.Set("operation", Napi::String::New(env, operation));
    throw error;
  }

  [[noreturn]] static void ThrowCode(Napi::Env env, const char* code, const std::string& message) {
    Napi::Error error = Napi::Error::New(env, message);
    error.Set("code", Napi::String::New(env, code));
    throw error;
  }

  static Guid GuidArg(const Napi::CallbackInfo& info, size_t index) {
    if (!info[index].IsBuffer() || info[index].As<Napi::Buffer<uint8_t>>().Length() != sizeof(Guid)) {
      throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(index) + " must be a 16-byte GUID Buffer");
    }
    Guid g;
    std::memcpy(&g, info[index].As<Napi::Buffer<uint8_t>>().Data(), sizeof g);
    return g;
  }

  static double IdArg(const Napi::CallbackInfo& info, size_t index) {
    if (!info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), "handle id must be a number");
    return info[index].As<Napi::Number>().DoubleValue();
  }

  const HandleEntry& OpenEntry(const Napi::CallbackInfo& info, size_t index) {
    const HandleEntry* entry = handles_.Find(IdArg(info, index));
    if (entry == nullptr) ThrowCode(info.Env(), "ERR_CLOSED", "the handle is closed");
    return *entry;
  }

  // Optional Buffer argument: its bytes, or none for null/undefined.
  static bool BufferArg(const Napi::CallbackInfo& info, size_t index, uint8_t** data, uint32_t* length) {
    *data = nullptr;
    *length = 0;
    if (info[index].IsNull() || info[index].IsUndefined()) return false;
    if (!info[index].IsBuffer()) {
      throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(index) + " must be a Buffer or null");
    }
    auto buffer = info[index].As<Napi::Buffer<uint8_t>>();
    if (buffer.Length() > UINT32_MAX) throw Napi::RangeError::New(info.Env(), "buffers are limited to 4 GiB - 1");
    *data = buffer.Data();
    *length = static_cast<uint32_t>(buffer.Length());
    return true;
  }

  Napi::Value BackendInfoJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Backend* backend = FindBackend(info[0].ToString().Utf8Value());
    if (backend == nullptr) return env.Null();
    BackendInfo bi = backend->Info();
    Napi::Object result = Napi::Object::New(env);
    result.Set("name", bi.name);
    Napi::Array entryPoints = Napi::Array::New(env, bi.entryPoints.size());
    for (size_t i = 0; i < bi.entryPoints.size(); ++i) {
      Napi::Object ep = Napi::Object::New(env);
      ep.Set("name", bi.entryPoints[i].name);
      ep.Set("resolved", bi.entryPoints[i].resolved);
      entryPoints.Set(static_cast<uint32_t>(i), ep);
    }
    result.Set("entryPoints", entryPoints);
    result.Set("comInitializedHere", bi.comInitializedHere);
    result.Set("comApartment", bi.comApartment);
    result.Set("deviceNotifications", bi.deviceNotifications);
    return result;
  }

  // ---- Events and device notifications ------------------------------------------

  // enableEvent(handleId, request: Buffer, eventData: Buffer | null, listener) -> subscription id
  Napi::Value EnableEvent(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    double handleId = IdArg(info, 0);
    const HandleEntry& entry = OpenEntry(info, 0);
    uint8_t* data;
    uint32_t length;
    if (!BufferArg(info, 1, &data, &length)) throw Napi::TypeError::New(env, "request must be a Buffer");
    std::vector<uint8_t> request(data, data + length);
    BufferArg(info, 2, &data, &length);
    std::vector<uint8_t> eventData(data, data + length);
    if (!info[3].IsFunction()) throw Napi::TypeError::New(env, "listener must be a function");
    double subscription = 0;
    Status status = events_.Enable(env, handleId, entry.backend, entry.handle, request, eventData,
                                   info[3].As<Napi::Function>(), &subscription);
    if (!status.ok()) ThrowStatus(env, status, "enable event");
    return Napi::Number::New(env, subscription);
  }

  Napi::Value DisableEvent(const Napi::CallbackInfo& info) {
    Status status = events_.Disable(IdArg(info, 0));
    if (!status.ok()) ThrowStatus(info.Env(), status, "disable event");
    return info.Env().Undefined();
  }

  Napi::Value EventRef(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), events_.Ref(info.Env(), IdArg(info, 0), info[1].ToBoolean()));
  }

  // watchDevices(backend, categories: Buffer[], listener(change, category, path)) -> watch id
  Napi::Value WatchDevices(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Backend* backend = FindBackend(info[0].ToString().Utf8Value());
    if (backend == nullptr) ThrowCode(env, "ERR_BACKEND_UNAVAILABLE", "that backend is not available here");
    if (!info[1].IsArray()) throw Napi::TypeError::New(env, "categories must be an array of GUID Buffers");
    Napi::Array list = info[1].As<Napi::Array>();
    std::vector<Guid> categories;
    for (uint32_t i = 0; i < list.Length(); ++i) {
      Napi::Value v = list.Get(i);
      if (!v.IsBuffer() || v.As<Napi::Buffer<uint8_t>>().Length() != sizeof(Guid)) {
        throw Napi::TypeError::New(env, "categories must be an array of GUID Buffers");
      }
      Guid g;
      std::memcpy(&g, v.As<Napi::Buffer<uint8_t>>().Data(), sizeof g);
      categories.push_back(g);
    }
    if (!info[2].IsFunction()) throw Napi::TypeError::New(env, "listener must be a function");
    double watch = 0;
    Status status = watches_.Watch(env, backend, categories, info[2].As<Napi::Function>(), &watch);
    if (!status.ok()) ThrowStatus(env, status, "watch devices");
    return Napi::Number::New(env, watch);
  }

  Napi::Value UnwatchDevices(const Napi::CallbackInfo& info) {
    watches_.Unwatch(IdArg(info, 0));
    return info.Env().Undefined();
  }

  Napi::Value WatchRef(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), watches_.Ref(info.Env(), IdArg(info, 0), info[1].ToBoolean()));
  }

  // ---- The emulator's controls ---------------------------------------------------

  emu::EmulatorControl* Emulator() { return FindBackend("emulator")->Emulator(); }

  static std::string PathArg(const Napi::CallbackInfo& info, size_t index) {
    if (!info[index].IsString()) throw Napi::TypeError::New(info.Env(), "path must be a string");
    return info[index].As<Napi::String>().Utf8Value();
  }

  Napi::Value EmulatorDefineDevice(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject() || !info[1].IsFunction()) {
      throw Napi::TypeError::New(env, "emulatorDefineDevice(definition, dispatch)");
    }
    std::string path = virtualDevices_.Define(env, Emulator(), info[0].As<Napi::Object>(), info[1].As<Napi::Function>());
    return Napi::String::New(env, path);
  }

  Napi::Value EmulatorSetPresent(const Napi::CallbackInfo& info) {
    Status status = Emulator()->SetPresent(PathArg(info, 0), info[1].ToBoolean());
    if (!status.ok()) ThrowStatus(info.Env(), status, info[1].ToBoolean() ? "plug device" : "unplug device");
    return info.Env().Undefined();
  }

  Napi::Value EmulatorRemoveDevice(const Napi::CallbackInfo& info) {
    Status status = virtualDevices_.Remove(Emulator(), PathArg(info, 0));
    if (!status.ok()) ThrowStatus(info.Env(), status, "remove device");
    return info.Env().Undefined();
  }

  Napi::Value EmulatorGenerateEvent(const Napi::CallbackInfo& info) {
    Status status = Emulator()->GenerateEvent(PathArg(info, 0), GuidArg(info, 1), Uint32Arg(info, 2, "id"));
    if (!status.ok()) ThrowStatus(info.Env(), status, "generate event");
    return info.Env().Undefined();
  }

  Napi::Value Enumerate(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Backend* backend = FindBackend(info[0].ToString().Utf8Value());
    if (backend == nullptr) ThrowCode(env, "ERR_BACKEND_UNAVAILABLE", "that backend is not available here");
    Guid category = GuidArg(info, 1);
    std::vector<DeviceInterface> found;
    Status status = backend->EnumerateInterfaces(category, &found);
    if (!status.ok()) ThrowStatus(env, status, "enumerate device interfaces");
    Napi::Array list = Napi::Array::New(env, found.size());
    for (size_t i = 0; i < found.size(); ++i) {
      Napi::Object device = Napi::Object::New(env);
      device.Set("path", found[i].path);
      device.Set("friendlyName", found[i].friendlyName);
      device.Set("instanceId", found[i].instanceId);
      Napi::Array categories = Napi::Array::New(env, found[i].categories.size());
      for (size_t c = 0; c < found[i].categories.size(); ++c) {
        categories.Set(static_cast<uint32_t>(c),
                       Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t*>(&found[i].categories[c]),
                                                   sizeof(Guid)));
      }
      device.Set("categories", categories);
      list.Set(static_cast<uint32_t>(i), device);
    }
    return list;
  }

  Napi::Value OpenFilter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Backend* backend = FindBackend(info[0].ToString().Utf8Value());
    if (backend == nullptr) ThrowCode(env, "ERR_BACKEND_UNAVAILABLE", "that backend is not available here");
    BackendHandle handle = 0;
    Status status = backend->OpenFilter(info[1].ToString().Utf8Value(), &handle);
    if (!status.ok()) ThrowStatus(env, status, "open filter");
    return Napi::Number::New(env, handles_.Add(backend, handle, ObjectClass::Filter, 0));
  }

  Napi::Value CreateObject(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    double parentId = IdArg(info, 0);
    const HandleEntry& parent = OpenEntry(info, 0);
    uint32_t cls = info[1].As<Napi::Number>().Uint32Value();
    if (cls < 1 || cls > 4) throw Napi::RangeError::New(env, "object class must be 1..4");
    uint8_t* data;
    uint32_t length;
    BufferArg(info, 2, &data, &length);
    std::vector<uint8_t> payload(data, data + length);
    uint32_t access = info[3].As<Napi::Number>().Uint32Value();
    BackendHandle handle = 0;
    bool usedV2 = false;
    Status status = parent.backend->CreateObject(parent.handle, static_cast<ObjectClass>(cls), payload, access,
                                                 &handle, &usedV2);
    if (!status.ok()) ThrowStatus(env, status, "create object");
    Backend* backend = parent.backend;
    Napi::Array result = Napi::Array::New(env, 2);
    result.Set(0u, Napi::Number::New(env, handles_.Add(backend, handle, static_cast<ObjectClass>(cls), parentId)));
    result.Set(1u, Napi::Boolean::New(env, usedV2));
    return result;
  }

  Napi::Value Ioctl(const Napi::CallbackInfo& info) {
    const HandleEntry& entry = OpenEntry(info, 0);
    IoctlRequest request;
    request.code = info[1].As<Napi::Number>().Uint32Value();
    uint8_t* input;
    BufferArg(info, 2, &input, &request.inputLength);
    request.input = input;
    BufferArg(info, 3, &request.output, &request.outputLength);
    IoResult result = entry.backend->Ioctl(entry.handle, request);
    return StatusTriple(info.Env(), result.status, result.bytesReturned);
  }

  Napi::Value IoctlAsync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const HandleEntry& entry = OpenEntry(info, 0);
    IoctlRequest request;
    request.code = info[1].As<Napi::Number>().Uint32Value();
    uint8_t* input;
    BufferArg(info, 2, &input, &request.inputLength);
    request.input = input;
    BufferArg(info, 3, &request.output, &request.outputLength);

    auto* op = new AsyncIoctl{Napi::Promise::Deferred::New(env), Napi::Persistent(info[2]),
                              Napi::Persistent(info[3]), IoResult{}, KSSTREAM_HEADER{}};
    return Start(env, entry, request, op);
  }

  Napi::Value HandleValue(const Napi::CallbackInfo& info) {
    const HandleEntry& entry = OpenEntry(info, 0);
    return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(entry.handle));
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    handles_.Close(IdArg(info, 0));
    return info.Env().Undefined();
  }

  Napi::Value IsOpen(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), handles_.Find(IdArg(info, 0)) != nullptr);
  }

  Napi::Value OpenHandleCount(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(handles_.size()));
  }

  // ---- Streaming ------------------------------------------------------------

  void CloseStream(double streamId) {
    auto it = streams_.find(streamId);
    if (it == streams_.end()) return;
    it->second.engine->Close();  // no completion runs after this
    it->second.ready.Release();
    it->second.pool.Reset();
    it->second.control.Reset();
    it->second.records.Reset();
    streams_.erase(it);
  }

  void CloseStreamsOf(double pinId) {
    std::vector<double> ids;
    for (const auto& entry : streams_) {
      if (entry.second.pinId == pinId) ids.push_back(entry.first);
    }
    for (double id : ids) CloseStream(id);
  }

  StreamEntry& OpenStream(const Napi::CallbackInfo& info) {
    auto it = streams_.find(IdArg(info, 0));
    if (it == streams_.end()) ThrowCode(info.Env(), "ERR_CLOSED", "the stream is closed");
    return it->second;
  }

  static uint32_t Uint32Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
    if (!info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
    double v = info[index].As<Napi::Number>().DoubleValue();
    if (!(v >= 0 && v <= UINT32_MAX) || v != static_cast<double>(static_cast<uint32_t>(v))) {
      throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer in 0..4294967295");
    }
    return static_cast<uint32_t>(v);
  }

  // streamOpen(pinId, pool: ArrayBuffer, control: Uint32Array, records: Float64Array, slots, slotSize, alignment,
  //            write, dropOldest, ready: () => void) -> [streamId, byteOffset of slot 0 in the pool]
  // `control` and `records` are the memory shared with the engine (stream_engine.h).
  Napi::Value StreamOpen(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
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
    uint32_t alignment = Uint32Arg(info, 6, "alignment");
    bool write = info[7].ToBoolean();
    bool dropOldest = info[8].ToBoolean();
    if (!info[9].IsFunction()) throw Napi::TypeError::New(env, "ready must be a function");
    if (slots == 0 || slotSize == 0) throw Napi::RangeError::New(env, "slots and slotSize must be at least 1");
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
    double streamId = ++nextStream_;
    StreamEntry& entry = streams_[streamId];
    entry.pinId = pinId;
    entry.ready = ReadySignal::New(env, info[9].As<Napi::Function>(), "kernel-streaming:frames", 0, 1);
    entry.pool = Napi::Persistent(pool);
    entry.control = Napi::Persistent(control);
    entry.records = Napi::Persistent(records);
    ReadySignal ready = entry.ready;
    entry.engine = std::make_unique<StreamEngine>(
        pin.backend, pin.handle, write, static_cast<uint8_t*>(pool.Data()) + offset, slots, slotSize,
        dropOldest ? OverflowPolicy::DropOldest : OverflowPolicy::Pause, [ready]() mutable { ready.NonBlockingCall(); },
        control.Data(), records.Data());
    Napi::Array result = Napi::Array::New(env, 2);
    result.Set(0u, Napi::Number::New(env, streamId));
    result.Set(1u, Napi::Number::New(env, static_cast<double>(offset)));
    return result;
  }

  // streamSubmit(streamId): sends the slots in the shared free ring to the
  // device. Needed only when nothing is in flight; otherwise the engine takes
  // them itself at the next completion.
  Napi::Value StreamSubmit(const Napi::CallbackInfo& info) {
    auto it = streams_.find(IdArg(info, 0));
    if (it != streams_.end()) it->second.engine->Kick();  // closed meanwhile: nothing to send
    return info.Env().Undefined();
  }

  // streamInfo(streamId) -> [inFlight, dropped, wake-ups, kicks, starved] (the last three for benchmarks)
  Napi::Value StreamInfo(const Napi::CallbackInfo& info) {
    StreamEntry& entry = OpenStream(info);
    const StreamEngine& e = *entry.engine;
    Napi::Array result = Napi::Array::New(info.Env(), 5);
    result.Set(0u, Napi::Number::New(info.Env(), e.inFlight()));
    result.Set(1u, Napi::Number::New(info.Env(), static_cast<double>(e.dropped())));
    result.Set(2u, Napi::Number::New(info.Env(), static_cast<double>(e.wakeups())));
    result.Set(3u, Napi::Number::New(info.Env(), static_cast<double>(e.kicks())));
    result.Set(4u, Napi::Number::New(info.Env(), static_cast<double>(e.starved())));
    return result;
  }

  Napi::Value StreamRef(const Napi::CallbackInfo& info) {
    StreamEntry& entry = OpenStream(info);
    if (info[1].ToBoolean()) {
      entry.ready.Ref(info.Env());
    } else {
      entry.ready.Unref(info.Env());
    }
    return info.Env().Undefined();
  }

  Napi::Value StreamClose(const Napi::CallbackInfo& info) {
    CloseStream(IdArg(info, 0));
    return info.Env().Undefined();
  }

  // streamWrite(pinId, data: Buffer, optionsFlags, presentationTime) -> Promise<[kind, value, bytes]>
  // The packet points into the caller's Buffer, which stays referenced until it completes.
  Napi::Value StreamWrite(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const HandleEntry& pin = OpenEntry(info, 0);
    uint8_t* data;
    uint32_t length;
    if (!BufferArg(info, 1, &data, &length)) throw Napi::TypeError::New(env, "data must be a Buffer");
    uint32_t flags = Uint32Arg(info, 2, "optionsFlags");
    double time = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
    auto* op = new AsyncIoctl{Napi::Promise::Deferred::New(env), Napi::Persistent(info[1]), Napi::Reference<Napi::Value>(),
                              IoResult{}, KSSTREAM_HEADER{}};
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
    return Start(env, pin, request, op);
  }

  // streamNativeSink(pinId, write, slots, slotSize, alignment, milliseconds) -> [frames, bytes, seconds]
  // The benchmark's limit: the same engine with every completion resubmitted
  // at once on the completion thread, and no JavaScript involved.
  Napi::Value StreamNativeSink(const Napi::CallbackInfo& info) {
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
    StreamEngine engine(pin.backend, pin.handle, write, pool, slots, slotSize, OverflowPolicy::Pause, nullptr);
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

  // Sends an asynchronous IOCTL whose promise `op` settles; the event loop
  // stays alive while any is pending.
  Napi::Promise Start(Napi::Env env, const HandleEntry& entry, const IoctlRequest& request, AsyncIoctl* op) {
    Napi::Promise promise = op->deferred.Promise();
    if (pending_++ == 0) completions_.Ref(env);
    entry.backend->IoctlAsync(entry.handle, request, [this, op](const IoResult& result) { Complete(op, result); });
    return promise;
  }

  void Complete(AsyncIoctl* op, const IoResult& result) {
    op->result = result;
    if (completions_.NonBlockingCall(op) != napi_ok) {
      // The environment is closing: Shutdown frees it on the JS thread.
      std::lock_guard<std::mutex> lock(orphanMutex_);
      orphans_.push_back(op);
    }
  }

  std::unordered_map<double, StreamEntry> streams_;
  double nextStream_ = 0;

  HandleTable handles_;
  EventSubscriptions events_;
  DeviceWatches watches_;
  VirtualDevices virtualDevices_;
  std::unique_ptr<Backend> emulator_;
#ifdef _WIN32
  std::unique_ptr<Backend> windows_;
  bool windowsTried_ = false;
#endif
  CompletionQueue completions_;
  uint32_t pending_ = 0;  // touched on the JS thread only
  bool shutDown_ = false;
  std::mutex orphanMutex_;
  std::vector<AsyncIoctl*> orphans_;
};

void DeliverCompletion(Napi::Env env, Napi::Function, Addon* addon, AsyncIoctl* op) {
  if (env != nullptr) {
    // As in CallReady, nothing may throw out of here; a failure to settle
    // means JS can no longer run (a terminating worker).
    try {
      addon->Settle(env, op);
      return;
    } catch (...) {
      return;  // Settle owned op and freed it
    }
  }
  {
    // The queue is being emptied at teardown: no JS to settle.
    op->input.SuppressDestruct();
    op->output.SuppressDestruct();
    delete op;
  }
}

}  // namespace
}  // namespace ks

using KernelStreamingAddon = ks::Addon;
NODE_API_NAMED_ADDON(kernel_streaming, KernelStreamingAddon)
