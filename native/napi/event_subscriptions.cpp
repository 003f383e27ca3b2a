#include "event_subscriptions.h"

namespace ks {

// As with stream wake-ups, no C++ exception may leave a thread-safe function
// callback; a JS exception stays pending for Node to report.
void EventSubscriptions::CallListener(Napi::Env env, Napi::Function listener, std::nullptr_t*, std::nullptr_t*) {
  if (env == nullptr || listener.IsEmpty()) return;
  napi_value result;
  napi_call_function(env, env.Undefined(), listener, 0, nullptr, &result);
}

Status EventSubscriptions::Enable(Napi::Env env, double handleId, Backend* backend, BackendHandle handle,
                                  const std::vector<uint8_t>& request, const std::vector<uint8_t>& eventData,
                                  Napi::Function listener, double* subscription) {
  Signal signal = Signal::New(env, listener, "kernel-streaming:event", 0, 1);
  uint64_t registration = 0;
  Status status = backend->EnableEvent(
      handle, request, eventData, [signal]() mutable { signal.NonBlockingCall(); }, &registration);
  if (!status.ok()) {
    signal.Release();
    return status;
  }
  *subscription = ++next_;
  subscriptions_.emplace(*subscription, Subscription{handleId, backend, handle, registration, signal});
  return status;
}

Status EventSubscriptions::Disable(double subscription) {
  auto it = subscriptions_.find(subscription);
  if (it == subscriptions_.end()) return Status::Nt(STATUS_SUCCESS);
  Subscription s = it->second;
  subscriptions_.erase(it);
  Status status = s.backend->DisableEvent(s.handle, s.registration);
  s.signal.Release();
  return status;
}

bool EventSubscriptions::Ref(Napi::Env env, double subscription, bool ref) {
  auto it = subscriptions_.find(subscription);
  if (it == subscriptions_.end()) return false;
  if (ref) {
    it->second.signal.Ref(env);
  } else {
    it->second.signal.Unref(env);
  }
  return true;
}

void EventSubscriptions::EndAllOf(double handleId) {
  // Disabled while the handle is still open: after DisableEvent the backend
  // signals no more, so the thread-safe function can go.
  std::vector<double> ids;
  for (const auto& entry : subscriptions_) {
    if (entry.second.handleId == handleId) ids.push_back(entry.first);
  }
  for (double id : ids) Disable(id);
}

void EventSubscriptions::EndAll() {
  while (!subscriptions_.empty()) Disable(subscriptions_.begin()->first);
}

}  // namespace ks
