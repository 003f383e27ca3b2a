#include "device_watches.h"

#include <memory>

namespace ks {

// listener(change: 0 arrival | 1 removal, category: Buffer(16), path: string).
// No C++ exception may leave here (see CallReady in streams.cpp).
void DeviceWatches::CallListener(Napi::Env env, Napi::Function listener, std::nullptr_t*, Change* change) {
  std::unique_ptr<Change> owned(change);
  if (env == nullptr || listener.IsEmpty() || !owned) return;
  napi_value args[3];
  if (napi_create_uint32(env, static_cast<uint32_t>(owned->change), &args[0]) != napi_ok) return;
  void* data = nullptr;
  if (napi_create_buffer_copy(env, sizeof(Guid), &owned->category, &data, &args[1]) != napi_ok) return;
  if (napi_create_string_utf8(env, owned->path.data(), owned->path.size(), &args[2]) != napi_ok) return;
  napi_value result;
  napi_call_function(env, env.Undefined(), listener, 3, args, &result);
}

Status DeviceWatches::Watch(Napi::Env env, Backend* backend, const std::vector<Guid>& categories,
                            Napi::Function listener, double* watch) {
  Signal signal = Signal::New(env, listener, "kernel-streaming:devices", 0, 1);
  signal.Unref(env);
  uint64_t id = 0;
  Status status = backend->WatchDevices(
      categories,
      [signal](DeviceChange change, const Guid& category, const std::string& path) mutable {
        auto* item = new Change{change, category, path};
        if (signal.NonBlockingCall(item) != napi_ok) delete item;
      },
      &id);
  if (!status.ok()) {
    signal.Release();
    return status;
  }
  *watch = ++next_;
  watches_.emplace(*watch, Entry{backend, id, signal});
  return status;
}

void DeviceWatches::Unwatch(double watch) {
  auto it = watches_.find(watch);
  if (it == watches_.end()) return;
  Entry entry = it->second;
  watches_.erase(it);
  entry.backend->UnwatchDevices(entry.id);  // no callback after this
  entry.signal.Release();
}

bool DeviceWatches::Ref(Napi::Env env, double watch, bool ref) {
  auto it = watches_.find(watch);
  if (it == watches_.end()) return false;
  if (ref) {
    it->second.signal.Ref(env);
  } else {
    it->second.signal.Unref(env);
  }
  return true;
}

void DeviceWatches::UnwatchAll() {
  while (!watches_.empty()) Unwatch(watches_.begin()->first);
}

}  // namespace ks
