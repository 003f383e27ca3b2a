// The Addon's lifetime and its backends: the exported method table, the
// environment cleanup that closes everything, and the backend lookup.
#include "addon.h"

#include "args.h"
#include "sanitizer_hooks.h"

namespace ks {

Addon::Addon(Napi::Env env, Napi::Object exports) {
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
                           InstanceMethod("waveRtOpen", &Addon::WaveRtOpen),
                           InstanceMethod("waveRtInfo", &Addon::WaveRtInfoJs),
                           InstanceMethod("measureWakeCost", &Addon::MeasureWakeCost),
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
                           InstanceMethod("emulatorReportWin32Statuses", &Addon::EmulatorReportWin32Statuses),
                       });
  handles_.beforeClose = [this](double id) {
    CloseStreamsOf(id);
    events_.EndAllOf(id);
  };
  completions_ = CompletionQueue::New(env, "kernel-streaming:io", 0, 1, this);
  completions_.Unref(env);
  env.AddCleanupHook([this]() { Shutdown(); });
#ifdef KS_SANITIZED_BUILD
  AddSanitizerHooks(env, exports);
#endif
}

Addon::~Addon() { Shutdown(); }

// Runs on the JS thread for every completed asynchronous IOCTL.
void Addon::Settle(Napi::Env env, AsyncIoctl* op) {
  std::unique_ptr<AsyncIoctl> owned(op);
  if (--pending_ == 0) completions_.Unref(env);
  const IoResult& r = op->result;
  op->settle.Call({Napi::Number::New(env, static_cast<int>(r.status.kind)), Napi::Number::New(env, r.status.value),
                   Napi::Number::New(env, r.bytesReturned)});
}

// The environment is going away (process exit or worker termination):
// close every handle, which cancels and completes what is in flight, then
// free completions that can no longer reach JS. Runs as an environment
// cleanup hook, registered after Node-API's own (so it runs first: Node runs
// them in reverse order) while the napi_env and the isolate are still there.
void Addon::Shutdown() {
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
  // The backends are gone, and with them every request a lingering stream
  // still had (the emulator completes its queues as it goes; the Windows
  // backend waits for its completion port to drain): nothing can write into
  // their pools any more.
  for (auto& entry : lingering_) {
    entry.engine.reset();
    entry.pool.Reset();
    entry.control.Reset();
    entry.records.Reset();
    entry.descriptors.Reset();
  }
  lingering_.clear();
  std::vector<AsyncIoctl*> orphans;
  {
    std::lock_guard<std::mutex> lock(orphanMutex_);
    orphans.swap(orphans_);
  }
  for (AsyncIoctl* op : orphans) Abandon(op);
}

// A completion that can no longer reach JS: its references are deleted, not
// left to the environment -- Node-API (Node 20) frees with the environment only
// the references it made itself, so one napi_create_reference never deleted is
// lost (LeakSanitizer, test/lifetime.test.ts's worker: 40 bytes each).
// napi_delete_reference runs no JS, so it works during teardown too.
void Addon::Abandon(AsyncIoctl* op) { delete op; }

Backend* Addon::FindBackend(const std::string& name) {
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

Napi::Value Addon::BackendInfoJs(const Napi::CallbackInfo& info) {
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
  // The queue is being emptied at teardown: no JS to settle. The thread-safe
  // function holds a reference on the napi_env until it is deleted, after
  // this, so the env the references belong to is still there.
  Addon::Abandon(op);
}

}  // namespace ks

using KernelStreamingAddon = ks::Addon;
NODE_API_NAMED_ADDON(kernel_streaming, KernelStreamingAddon)
