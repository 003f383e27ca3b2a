// KS events enabled from JavaScript. Each subscription is one event enabled
// on one handle through the backend and one thread-safe function that the
// backend's signal (any thread) queues a call on, so the listener runs on the
// JS thread. A subscription keeps the event loop alive until unref'd.
#pragma once

#include <napi.h>

#include <unordered_map>
#include <vector>

#include "ks_backend.h"

namespace ks {

class EventSubscriptions {
 public:
  // Enables the event; on failure returns the status and subscribes nothing.
  Status Enable(Napi::Env env, double handleId, Backend* backend, BackendHandle handle,
                const std::vector<uint8_t>& request, const std::vector<uint8_t>& eventData, Napi::Function listener,
                double* subscription);
  // Disables the event; the listener is not called for signals after this.
  // A subscription already gone (its handle closed) is a success.
  Status Disable(double subscription);
  bool Ref(Napi::Env env, double subscription, bool ref);
  // The handle is about to close: its subscriptions end.
  void EndAllOf(double handleId);
  void EndAll();

 private:
  static void CallListener(Napi::Env env, Napi::Function listener, std::nullptr_t*, std::nullptr_t*);
  using Signal = Napi::TypedThreadSafeFunction<std::nullptr_t, std::nullptr_t, CallListener>;
  struct Subscription {
    double handleId;
    Backend* backend;
    BackendHandle handle;
    uint64_t registration;
    Signal signal;
  };
  std::unordered_map<double, Subscription> subscriptions_;
  double next_ = 0;
};

}  // namespace ks
