// KS events and device-interface watches, each delivered to a JS listener.
#include "addon.h"

#include "args.h"

namespace ks {

// enableEvent(handleId, request: Buffer, eventData: Buffer | null, listener) -> subscription id
Napi::Value Addon::EnableEvent(const Napi::CallbackInfo& info) {
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

Napi::Value Addon::DisableEvent(const Napi::CallbackInfo& info) {
  Status status = events_.Disable(IdArg(info, 0));
  if (!status.ok()) ThrowStatus(info.Env(), status, "disable event");
  return info.Env().Undefined();
}

Napi::Value Addon::EventRef(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), events_.Ref(info.Env(), IdArg(info, 0), info[1].ToBoolean()));
}

// watchDevices(backend, categories: Buffer[], listener(change, category, path)) -> watch id
Napi::Value Addon::WatchDevices(const Napi::CallbackInfo& info) {
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

Napi::Value Addon::UnwatchDevices(const Napi::CallbackInfo& info) {
  watches_.Unwatch(IdArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value Addon::WatchRef(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), watches_.Ref(info.Env(), IdArg(info, 0), info[1].ToBoolean()));
}

}  // namespace ks
