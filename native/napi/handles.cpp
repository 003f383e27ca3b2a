// Handles and IOCTLs: enumeration, opening filters, creating child objects,
// synchronous and asynchronous DeviceIoControl, closing.
#include "addon.h"

#include "args.h"

namespace ks {

const HandleEntry& Addon::OpenEntry(const Napi::CallbackInfo& info, size_t index) {
  const HandleEntry* entry = handles_.Find(IdArg(info, index));
  if (entry == nullptr) ThrowCode(info.Env(), "ERR_CLOSED", "the handle is closed");
  return *entry;
}

Napi::Value Addon::Enumerate(const Napi::CallbackInfo& info) {
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

Napi::Value Addon::OpenFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Backend* backend = FindBackend(info[0].ToString().Utf8Value());
  if (backend == nullptr) ThrowCode(env, "ERR_BACKEND_UNAVAILABLE", "that backend is not available here");
  BackendHandle handle = 0;
  Status status = backend->OpenFilter(info[1].ToString().Utf8Value(), &handle);
  if (!status.ok()) ThrowStatus(env, status, "open filter");
  return Napi::Number::New(env, handles_.Add(backend, handle, ObjectClass::Filter, 0));
}

Napi::Value Addon::CreateObject(const Napi::CallbackInfo& info) {
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

// (id, code, input: Buffer | null, output: Buffer | null) as the seam's request.
static IoctlRequest IoctlArgs(const Napi::CallbackInfo& info) {
  IoctlRequest request;
  request.code = info[1].As<Napi::Number>().Uint32Value();
  uint8_t* input;
  BufferArg(info, 2, &input, &request.inputLength);
  request.input = input;
  BufferArg(info, 3, &request.output, &request.outputLength);
  return request;
}

Napi::Value Addon::Ioctl(const Napi::CallbackInfo& info) {
  const HandleEntry& entry = OpenEntry(info, 0);
  IoctlRequest request = IoctlArgs(info);
  IoResult result = entry.backend->Ioctl(entry.handle, request);
  return StatusTriple(info.Env(), result.status, result.bytesReturned);
}

// Keeps a request's Buffer alive until the request completes. null/undefined
// (no buffer) needs no reference: Node-API before version 10 refuses a
// reference to a non-object ("Invalid argument"), which made
// ioctlAsync(handle, code, input, null) throw.
static Napi::Reference<Napi::Value> KeepAlive(const Napi::Value& value) {
  if (value.IsNull() || value.IsUndefined()) return Napi::Reference<Napi::Value>();
  return Napi::Persistent(value);
}

// The completion callback of ioctlAsync / streamWrite (lib/addon/binding.ts settled()).
Napi::FunctionReference SettleArg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].IsFunction()) throw Napi::TypeError::New(info.Env(), "settle must be a function");
  return Napi::Persistent(info[index].As<Napi::Function>());
}

Napi::Value Addon::IoctlAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const HandleEntry& entry = OpenEntry(info, 0);
  IoctlRequest request = IoctlArgs(info);

  auto* op = new AsyncIoctl{SettleArg(info, 4), KeepAlive(info[2]), KeepAlive(info[3]), IoResult{}, KSSTREAM_HEADER{}};
  Start(env, entry, request, op);
  return env.Undefined();
}

Napi::Value Addon::HandleValue(const Napi::CallbackInfo& info) {
  const HandleEntry& entry = OpenEntry(info, 0);
  return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(entry.handle));
}

Napi::Value Addon::Close(const Napi::CallbackInfo& info) {
  handles_.Close(IdArg(info, 0));
  return info.Env().Undefined();
}

Napi::Value Addon::IsOpen(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), handles_.Find(IdArg(info, 0)) != nullptr);
}

Napi::Value Addon::OpenHandleCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(handles_.size()));
}

// Sends an asynchronous IOCTL whose `op->settle` is called with its result;
// the event loop stays alive while any is pending.
void Addon::Start(Napi::Env env, const HandleEntry& entry, const IoctlRequest& request, AsyncIoctl* op) {
  if (pending_++ == 0) completions_.Ref(env);
  entry.backend->IoctlAsync(entry.handle, request, [this, op](const IoResult& result) { Complete(op, result); });
}

void Addon::Complete(AsyncIoctl* op, const IoResult& result) {
  op->result = result;
  if (completions_.NonBlockingCall(op) != napi_ok) {
    // The environment is closing: Shutdown frees it on the JS thread.
    std::lock_guard<std::mutex> lock(orphanMutex_);
    orphans_.push_back(op);
  }
}

}  // namespace ks
