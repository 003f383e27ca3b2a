#include "virtual_devices.h"

#include <algorithm>
#include <cstring>
#include <thread>

#include "emulator/virtual_filter.h"
#include "ks_rtaudio.h"

namespace ks {

class VirtualDevices::Dispatcher {
 public:
  Dispatcher(Napi::Env env, Napi::Function dispatch)
      : env_(env), dispatch_(Napi::Persistent(dispatch)), thread_(std::this_thread::get_id()) {}

  uint32_t Call(uint32_t index, uint32_t kind, emu::Request& r) {
    // A request from another thread cannot call into JS synchronously.
    if (std::this_thread::get_id() != thread_) return STATUS_INVALID_DEVICE_STATE;
    Napi::Env env(env_);
    Napi::HandleScope scope(env);
    try {
      const uint32_t header = sizeof(KSIDENTIFIER);
      const uint32_t rest = r.irp.inputLength > header ? r.irp.inputLength - header : 0;
      Napi::Value instance = Napi::Buffer<uint8_t>::Copy(env, r.instance + header, rest);
      Napi::Value value = env.Null();
      if (kind == KSPROPERTY_TYPE_SET) {
        value = r.data ? Napi::Buffer<uint8_t>::Copy(env, r.data, r.dataLength) : Napi::Buffer<uint8_t>::New(env, 0);
      }
      Napi::Value reply = dispatch_.Call({Napi::Number::New(env, index), Napi::Number::New(env, kind), instance,
                                          value, Napi::Number::New(env, r.dataLength),
                                          Napi::Number::New(env, r.id.Flags)});
      if (!reply.IsArray()) return STATUS_UNSUCCESSFUL;
      Napi::Array triple = reply.As<Napi::Array>();
      Napi::Value status = triple.Get(0u), data = triple.Get(1u), information = triple.Get(2u);
      if (!status.IsNumber() || !information.IsNumber()) return STATUS_UNSUCCESSFUL;
      if (data.IsBuffer() && r.data != nullptr) {
        // The emulator is the kernel here: it never writes past the caller's
        // buffer, whatever Information it then claims.
        auto bytes = data.As<Napi::Buffer<uint8_t>>();
        std::memcpy(r.data, bytes.Data(), std::min<size_t>(bytes.Length(), r.dataLength));
      }
      r.irp.information = information.As<Napi::Number>().Uint32Value();
      return status.As<Napi::Number>().Uint32Value();
    } catch (const Napi::Error&) {
      return STATUS_UNSUCCESSFUL;  // lib/virtual-device.ts catches handler errors; this is a last resort
    }
  }

 private:
  napi_env env_;
  Napi::FunctionReference dispatch_;
  std::thread::id thread_;
};

namespace {

[[noreturn]] void Fail(Napi::Env env, const std::string& what) {
  throw Napi::TypeError::New(env, "virtual device definition: " + what);
}

std::vector<uint8_t> BytesOf(Napi::Env env, Napi::Value v, const std::string& field) {
  if (!v.IsBuffer()) Fail(env, field + " must be a Buffer");
  auto b = v.As<Napi::Buffer<uint8_t>>();
  return std::vector<uint8_t>(b.Data(), b.Data() + b.Length());
}

Guid GuidOf(Napi::Env env, Napi::Value v, const std::string& field) {
  std::vector<uint8_t> bytes = BytesOf(env, v, field);
  if (bytes.size() != sizeof(Guid)) Fail(env, field + " must be a 16-byte GUID");
  Guid g;
  std::memcpy(&g, bytes.data(), sizeof g);
  return g;
}

uint32_t U32(Napi::Env env, Napi::Object o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) Fail(env, where + "." + key + " must be a number");
  return v.As<Napi::Number>().Uint32Value();
}

Napi::Array ArrayOf(Napi::Env env, Napi::Object o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) Fail(env, std::string(key) + " must be an array");
  return v.As<Napi::Array>();
}

std::string StringOf(Napi::Env env, Napi::Object o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsString()) Fail(env, where + "." + key + " must be a string");
  return v.As<Napi::String>().Utf8Value();
}

emu::Handler MakeHandler(std::weak_ptr<VirtualDevices::Dispatcher> weak, uint32_t index, uint32_t kind) {
  return [weak, index, kind](emu::Request& r) -> uint32_t {
    std::shared_ptr<VirtualDevices::Dispatcher> dispatcher = weak.lock();
    if (!dispatcher) return STATUS_DEVICE_REMOVED;
    return dispatcher->Call(index, kind, r);
  };
}

enum Target : uint32_t { kFilter = 0, kPin = 1, kNode = 2 };

}  // namespace

std::string VirtualDevices::Define(Napi::Env env, emu::EmulatorControl* emulator, Napi::Object definition,
                                   Napi::Function dispatch) {
  auto descriptor = std::make_shared<emu::FilterDescriptor>();
  auto dispatcher = std::make_shared<Dispatcher>(env, dispatch);
  std::weak_ptr<Dispatcher> weak = dispatcher;

  const std::string name = StringOf(env, definition, "name", "definition");
  std::vector<Guid> interfaceCategories;
  Napi::Array categories = ArrayOf(env, definition, "categories");
  for (uint32_t i = 0; i < categories.Length(); ++i) {
    interfaceCategories.push_back(GuidOf(env, categories.Get(i), "categories[" + std::to_string(i) + "]"));
  }

  Napi::Array pins = ArrayOf(env, definition, "pins");
  for (uint32_t i = 0; i < pins.Length(); ++i) {
    const std::string where = "pins[" + std::to_string(i) + "]";
    if (!pins.Get(i).IsObject()) Fail(env, where + " must be an object");
    Napi::Object p = pins.Get(i).As<Napi::Object>();
    emu::PinDescriptor pin;
    pin.name = StringOf(env, p, "name", where);
    pin.dataFlow = U32(env, p, "dataFlow", where);
    pin.communication = U32(env, p, "communication", where);
    if (p.Get("category").IsBuffer()) pin.category = GuidOf(env, p.Get("category"), where + ".category");
    pin.possibleInstances = U32(env, p, "possibleInstances", where);
    pin.necessaryInstances = U32(env, p, "necessaryInstances", where);
    Napi::Array ranges = ArrayOf(env, p, "dataRanges");
    for (uint32_t r = 0; r < ranges.Length(); ++r) {
      pin.dataRanges.push_back(BytesOf(env, ranges.Get(r), where + ".dataRanges[" + std::to_string(r) + "]"));
    }
    std::vector<uint8_t> framing = BytesOf(env, p.Get("framing"), where + ".framing");
    if (framing.size() != sizeof(KSALLOCATOR_FRAMING)) Fail(env, where + ".framing must be 24 bytes");
    std::memcpy(&pin.framing, framing.data(), sizeof pin.framing);
    // A portcls WaveRT host pin: created only with LOOPED_STREAMING (wavert_pin.h).
    if (p.Get("waveRt").ToBoolean()) {
      pin.waveRt = true;
      pin.interfaces = {KSPIN_INTERFACE{KSINTERFACESETID_Standard, KSINTERFACE_STANDARD_LOOPED_STREAMING, 0}};
      // KSRTAUDIO_HWLATENCY { FifoSize, ChipsetDelay, CodecDelay }: the modelled DMA's.
      if (p.Get("waveRtLatency").IsBuffer()) {
        std::vector<uint8_t> latency = BytesOf(env, p.Get("waveRtLatency"), where + ".waveRtLatency");
        if (latency.size() != 12) Fail(env, where + ".waveRtLatency must be 12 bytes");
        std::memcpy(&pin.waveRtHardware.fifoSize, latency.data(), 4);
        std::memcpy(&pin.waveRtHardware.chipsetDelay, latency.data() + 4, 4);
        std::memcpy(&pin.waveRtHardware.codecDelay, latency.data() + 8, 4);
      }
    }
    descriptor->pins.push_back(std::move(pin));
  }

  if (!definition.Get("topology").IsObject()) Fail(env, "topology must be an object");
  Napi::Object topology = definition.Get("topology").As<Napi::Object>();
  Napi::Array topologyCategories = ArrayOf(env, topology, "categories");
  for (uint32_t i = 0; i < topologyCategories.Length(); ++i) {
    descriptor->categories.push_back(GuidOf(env, topologyCategories.Get(i), "topology.categories"));
  }
  Napi::Array nodes = ArrayOf(env, topology, "nodes");
  for (uint32_t i = 0; i < nodes.Length(); ++i) {
    const std::string where = "topology.nodes[" + std::to_string(i) + "]";
    if (!nodes.Get(i).IsObject()) Fail(env, where + " must be an object");
    Napi::Object n = nodes.Get(i).As<Napi::Object>();
    descriptor->nodes.push_back(emu::NodeDescriptor{GuidOf(env, n.Get("type"), where + ".type"), StringOf(env, n, "name", where)});
  }
  std::vector<uint8_t> connections = BytesOf(env, topology.Get("connections"), "topology.connections");
  if (connections.size() % sizeof(KSTOPOLOGY_CONNECTION) != 0) Fail(env, "topology.connections must be 16-byte items");
  descriptor->connections.resize(connections.size() / sizeof(KSTOPOLOGY_CONNECTION));
  if (!connections.empty()) std::memcpy(descriptor->connections.data(), connections.data(), connections.size());

  Napi::Array properties = ArrayOf(env, definition, "properties");
  for (uint32_t i = 0; i < properties.Length(); ++i) {
    const std::string where = "properties[" + std::to_string(i) + "]";
    if (!properties.Get(i).IsObject()) Fail(env, where + " must be an object");
    Napi::Object p = properties.Get(i).As<Napi::Object>();
    const uint32_t target = U32(env, p, "target", where);
    emu::PropertyItem item{GuidOf(env, p.Get("set"), where + ".set"), U32(env, p, "id", where),
                           target == kNode ? uint32_t{sizeof(KSP_NODE)} : uint32_t{sizeof(KSPROPERTY)}, 0,
                           nullptr, nullptr};
    if (p.Get("get").ToBoolean()) item.get = MakeHandler(weak, i, KSPROPERTY_TYPE_GET);
    if (p.Get("set_").ToBoolean()) item.set_ = MakeHandler(weak, i, KSPROPERTY_TYPE_SET);
    if (p.Get("basicSupport").ToBoolean()) {
      item.support = MakeHandler(weak, i, KSPROPERTY_TYPE_BASICSUPPORT);
      // KSPROPERTY_TYPE_DEFAULTVALUES goes to the same handler, which tells it apart by the request's Flags.
      item.defaultValues = MakeHandler(weak, i, KSPROPERTY_TYPE_BASICSUPPORT);
    }
    if (target == kFilter) {
      descriptor->filterProperties.push_back(item);
    } else if (target == kPin) {
      // pinId -1: every pin factory's instances; else only that factory's.
      const Napi::Value only = p.Get("pinId");
      const int64_t pinId = only.IsNumber() ? only.As<Napi::Number>().Int64Value() : -1;
      if (pinId >= static_cast<int64_t>(descriptor->pins.size())) Fail(env, where + ".pinId is past the pin count");
      for (size_t k = 0; k < descriptor->pins.size(); ++k) {
        if (pinId < 0 || static_cast<size_t>(pinId) == k) descriptor->pins[k].properties.push_back(item);
      }
    } else if (target == kNode) {
      descriptor->nodeProperties.push_back(item);
    } else {
      Fail(env, where + ".target must be 0 (filter), 1 (pin) or 2 (node)");
    }
  }

  Napi::Array events = ArrayOf(env, definition, "events");
  for (uint32_t i = 0; i < events.Length(); ++i) {
    const std::string where = "events[" + std::to_string(i) + "]";
    if (!events.Get(i).IsObject()) Fail(env, where + " must be an object");
    Napi::Object e = events.Get(i).As<Napi::Object>();
    const uint32_t target = U32(env, e, "target", where);
    emu::EventItem item{GuidOf(env, e.Get("set"), where + ".set"), U32(env, e, "id", where), sizeof(KSEVENT),
                        sizeof(KSEVENTDATA), nullptr};
    if (target == kFilter) {
      descriptor->filterEvents.push_back(item);
    } else if (target == kPin) {
      for (auto& pin : descriptor->pins) pin.events.push_back(item);
    } else {
      Fail(env, where + ".target must be 0 (filter) or 1 (pin)");
    }
  }

  std::string path = emulator->AddDevice(name, interfaceCategories, descriptor);
  dispatchers_[path] = dispatcher;
  return path;
}

Status VirtualDevices::Remove(emu::EmulatorControl* emulator, const std::string& path) {
  Status status = emulator->RemoveDevice(path);
  if (status.ok()) dispatchers_.erase(path);
  return status;
}

}  // namespace ks
