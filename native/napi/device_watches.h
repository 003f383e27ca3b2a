// Device arrival and removal delivered to JavaScript: one backend watch and
// one thread-safe function per watchDevices() call. A watch does not keep the
// event loop alive unless ref'd (as the issue asks, and unlike an event
// subscription, which a program enables because it waits for it).
#pragma once

#include <napi.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "ks_backend.h"

namespace ks {

class DeviceWatches {
 public:
  Status Watch(Napi::Env env, Backend* backend, const std::vector<Guid>& categories, Napi::Function listener,
               double* watch);
  void Unwatch(double watch);
  bool Ref(Napi::Env env, double watch, bool ref);
  // Before the backends go.
  void UnwatchAll();

 private:
  struct Change {
    DeviceChange change;
    Guid category;
    std::string path;
  };
  static void CallListener(Napi::Env env, Napi::Function listener, std::nullptr_t*, Change* change);
  using Signal = Napi::TypedThreadSafeFunction<std::nullptr_t, Change, CallListener>;
  struct Entry {
    Backend* backend;
    uint64_t id;
    Signal signal;
  };
  std::unordered_map<double, Entry> watches_;
  double next_ = 0;
};

}  // namespace ks
