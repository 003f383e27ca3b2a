// Virtual devices defined from JavaScript (defineVirtualDevice): the
// definition, already checked by lib/virtual-device.ts, becomes an emulator
// FilterDescriptor, and the property handlers it names are answered by one JS
// dispatch function per device, called synchronously on the JS thread (the
// only thread that sends property requests to a filter or pin of the
// environment). The registry owns each dispatch function; the emulator's
// handlers only hold weak references, so a device removed (or an environment
// torn down) answers STATUS_DEVICE_REMOVED instead of calling into JS.
#pragma once

#include <napi.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "emulator/emulator_control.h"

namespace ks {

class VirtualDevices {
 public:
  // dispatch(index, kind: 1 GET | 2 SET | 0x200 BASICSUPPORT, instance: Buffer (the request after
  // its KSPROPERTY), value: Buffer | null (a SET's data), outputLength)
  //   -> [status, data: Buffer | null, information]
  std::string Define(Napi::Env env, emu::EmulatorControl* emulator, Napi::Object definition, Napi::Function dispatch);
  Status Remove(emu::EmulatorControl* emulator, const std::string& path);
  void Clear() { dispatchers_.clear(); }

  class Dispatcher;

 private:
  std::unordered_map<std::string, std::shared_ptr<Dispatcher>> dispatchers_;
};

}  // namespace ks
