// The N-API surface: one Addon per environment, its methods grouped by seam
// in the files beside this one (addon.cpp: lifetime and backends;
// handles.cpp: handles and IOCTLs; streams.cpp: the stream engines;
// events.cpp: events and device watches; emulator_controls.cpp: the
// emulator's own controls). Argument checks, defaults, struct encoding and
// error naming live in TypeScript (lib/); these files only move bytes and
// statuses across.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "device_watches.h"
#include "event_subscriptions.h"
#include "handle_table.h"
#include "ks_backend.h"
#include "stream_engine.h"
#include "wavert_engine.h"
#include "virtual_devices.h"

namespace ks {

// An IOCTL in flight: the JS function to call with its result and the JS
// buffers it reads and writes, kept alive until the backend is done with them.
// A function, not a promise made here: a napi_deferred is freed only by
// resolving or rejecting it, which Node-API refuses once the environment can
// no longer run JS (a terminating worker), so every request still pending then
// leaked it. References are freed by napi_delete_reference, which runs no JS
// and works until the environment is gone; AsyncIoctl's destructor does that.
struct AsyncIoctl {
  Napi::FunctionReference settle;
  Napi::Reference<Napi::Value> input;
  Napi::Reference<Napi::Value> output;
  IoResult result;
  KSSTREAM_HEADER header{};  // the packet of a render write
};

// Calls a stream's "frames are ready" function (streams.cpp).
void CallReady(Napi::Env env, Napi::Function ready, std::nullptr_t*, std::nullptr_t*);
using ReadySignal = Napi::TypedThreadSafeFunction<std::nullptr_t, std::nullptr_t, CallReady>;
// Makes a stream's ReadySignal (streams.cpp). Only the file that defines
// CallReady may instantiate ReadySignal::New: node-addon-api asks
// `CallReady == nullptr` at compile time, which GCC with -fsanitize=undefined
// does not fold for a function defined in another file (the sanitizer lane's build).
ReadySignal NewReadySignal(Napi::Env env, Napi::Function ready, const char* name);

// A pin's streaming engine with the JS objects it uses: the pool it reads
// into and the function that is told when frames are ready.
struct StreamEntry {
  double pinId;
  std::unique_ptr<StreamEngine> engine;
  std::unique_ptr<WaveRtEngine> waveRt;  // instead of `engine` on a WaveRT pin (wavert_streams.cpp)
  ReadySignal ready;
  Napi::Reference<Napi::ArrayBuffer> pool;
  Napi::Reference<Napi::Uint32Array> control;  // shared with the engine (stream_engine.h)
  Napi::Reference<Napi::Float64Array> records;
  Napi::Reference<Napi::Float64Array> descriptors;  // render: each queued slot's length and flags
};

Napi::FunctionReference SettleArg(const Napi::CallbackInfo& info, size_t index);

class Addon;
void DeliverCompletion(Napi::Env env, Napi::Function, Addon* addon, AsyncIoctl* op);
using CompletionQueue = Napi::TypedThreadSafeFunction<Addon, AsyncIoctl, DeliverCompletion>;

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports);
  ~Addon();

  // Runs on the JS thread for every completed asynchronous IOCTL.
  void Settle(Napi::Env env, AsyncIoctl* op);
  // Frees a completion that can no longer reach JS (teardown).
  static void Abandon(AsyncIoctl* op);

 private:
  // addon.cpp: lifetime and backends
  void Shutdown();
  Backend* FindBackend(const std::string& name);
  Napi::Value BackendInfoJs(const Napi::CallbackInfo& info);

  // handles.cpp: handles and IOCTLs
  const HandleEntry& OpenEntry(const Napi::CallbackInfo& info, size_t index);
  Napi::Value Enumerate(const Napi::CallbackInfo& info);
  Napi::Value OpenFilter(const Napi::CallbackInfo& info);
  Napi::Value CreateObject(const Napi::CallbackInfo& info);
  Napi::Value Ioctl(const Napi::CallbackInfo& info);
  Napi::Value IoctlAsync(const Napi::CallbackInfo& info);
  Napi::Value HandleValue(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value IsOpen(const Napi::CallbackInfo& info);
  Napi::Value OpenHandleCount(const Napi::CallbackInfo& info);
  void Start(Napi::Env env, const HandleEntry& entry, const IoctlRequest& request, AsyncIoctl* op);
  void Complete(AsyncIoctl* op, const IoResult& result);

  // streams.cpp: the stream engines
  void CloseStream(double streamId);
  void CloseStreamsOf(double pinId);
  StreamEntry& OpenStream(const Napi::CallbackInfo& info);
  Napi::Value StreamOpen(const Napi::CallbackInfo& info);
  Napi::Value StreamSubmit(const Napi::CallbackInfo& info);
  Napi::Value StreamInfo(const Napi::CallbackInfo& info);
  Napi::Value StreamRef(const Napi::CallbackInfo& info);
  Napi::Value StreamClose(const Napi::CallbackInfo& info);
  Napi::Value StreamWrite(const Napi::CallbackInfo& info);
  Napi::Value StreamNativeSink(const Napi::CallbackInfo& info);
  // wavert_streams.cpp: WaveRT engines
  Napi::Value WaveRtOpen(const Napi::CallbackInfo& info);
  Napi::Value WaveRtInfoJs(const Napi::CallbackInfo& info);
  Napi::Value MeasureWakeCost(const Napi::CallbackInfo& info);

  // events.cpp: events and device watches
  Napi::Value EnableEvent(const Napi::CallbackInfo& info);
  Napi::Value DisableEvent(const Napi::CallbackInfo& info);
  Napi::Value EventRef(const Napi::CallbackInfo& info);
  Napi::Value WatchDevices(const Napi::CallbackInfo& info);
  Napi::Value UnwatchDevices(const Napi::CallbackInfo& info);
  Napi::Value WatchRef(const Napi::CallbackInfo& info);

  // emulator_controls.cpp: the emulator's own controls
  emu::EmulatorControl* Emulator();
  Napi::Value EmulatorDefineDevice(const Napi::CallbackInfo& info);
  Napi::Value EmulatorSetPresent(const Napi::CallbackInfo& info);
  Napi::Value EmulatorRemoveDevice(const Napi::CallbackInfo& info);
  Napi::Value EmulatorGenerateEvent(const Napi::CallbackInfo& info);
  Napi::Value EmulatorReportWin32Statuses(const Napi::CallbackInfo& info);

  std::unordered_map<double, StreamEntry> streams_;
  // Closed streams whose device still holds requests (it ignored the cancel):
  // the engine and the JS memory it points into stay alive until the
  // completions arrive; SweepLingering frees the drained ones.
  std::vector<StreamEntry> lingering_;
  void SweepLingering();
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

}  // namespace ks
