// The embedded emulator's own controls: virtual devices, plug and unplug,
// raising a device's events.
#include "addon.h"

#include "emulator/emulator_control.h"

#include "args.h"

namespace ks {

emu::EmulatorControl* Addon::Emulator() { return FindBackend("emulator")->Emulator(); }

Napi::Value Addon::EmulatorDefineDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject() || !info[1].IsFunction()) {
    throw Napi::TypeError::New(env, "emulatorDefineDevice(definition, dispatch)");
  }
  std::string path = virtualDevices_.Define(env, Emulator(), info[0].As<Napi::Object>(), info[1].As<Napi::Function>());
  return Napi::String::New(env, path);
}

Napi::Value Addon::EmulatorSetPresent(const Napi::CallbackInfo& info) {
  Status status = Emulator()->SetPresent(PathArg(info, 0), info[1].ToBoolean());
  if (!status.ok()) ThrowStatus(info.Env(), status, info[1].ToBoolean() ? "plug device" : "unplug device");
  return info.Env().Undefined();
}

Napi::Value Addon::EmulatorRemoveDevice(const Napi::CallbackInfo& info) {
  Status status = virtualDevices_.Remove(Emulator(), PathArg(info, 0));
  if (!status.ok()) ThrowStatus(info.Env(), status, "remove device");
  return info.Env().Undefined();
}

Napi::Value Addon::EmulatorGenerateEvent(const Napi::CallbackInfo& info) {
  Status status = Emulator()->GenerateEvent(PathArg(info, 0), GuidArg(info, 1), Uint32Arg(info, 2, "id"));
  if (!status.ok()) ThrowStatus(info.Env(), status, "generate event");
  return info.Env().Undefined();
}

// emulatorReportWin32Statuses(on: boolean): this environment's emulator
// reports statuses as DeviceIoControl and KsCreatePin do (win32_statuses.h).
Napi::Value Addon::EmulatorReportWin32Statuses(const Napi::CallbackInfo& info) {
  if (!info[0].IsBoolean()) throw Napi::TypeError::New(info.Env(), "on must be a boolean");
  Emulator()->ReportWin32Statuses(info[0].As<Napi::Boolean>().Value());
  return info.Env().Undefined();
}

}  // namespace ks
