#include "camera_controls.h"

#include <algorithm>
#include <cstring>

namespace ks::emu {

namespace {

constexpr uint32_t kAuto = KSPROPERTY_VIDEOPROCAMP_FLAGS_AUTO;  // the same bit in both sets
constexpr uint32_t kManual = KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL;

// Ranges and defaults of a UVC webcam as usbvideo.sys reports them. Brightness
// 0..255 (128), contrast 0..10 (3), saturation 0..63 (35), white balance
// 2800..12500 K in steps of 100 (5000, auto), power-line frequency 0..2 (0 off,
// 1 50 Hz, 2 60 Hz; 2) and zoom 1..31 (1) are the Elgato Facecam's published
// UVC control table (copyleftdev.github.io/facecam-ubuntu/device/controls.html).
// Gain 0..100 (0); exposure in Windows' unit, log2 seconds: -13..-2 (1/8192 s
// to 1/4 s, default -6 ≈ 1/64 s, auto), the span of that camera's 1..2500 ×
// 100 µs exposure times; focus 0..250 in steps of 5 (auto) as UVC autofocus
// webcams commonly report it.
std::vector<CameraControlDefinition> Definitions() {
  const Guid& procAmp = PROPSETID_VIDCAP_VIDEOPROCAMP;
  const Guid& camera = PROPSETID_VIDCAP_CAMERACONTROL;
  return {
      {procAmp, KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, 0, 255, 1, 128, kManual, kManual},
      {procAmp, KSPROPERTY_VIDEOPROCAMP_CONTRAST, 0, 10, 1, 3, kManual, kManual},
      {procAmp, KSPROPERTY_VIDEOPROCAMP_SATURATION, 0, 63, 1, 35, kManual, kManual},
      {procAmp, KSPROPERTY_VIDEOPROCAMP_WHITEBALANCE, 2800, 12500, 100, 5000, kAuto | kManual, kAuto},
      {procAmp, KSPROPERTY_VIDEOPROCAMP_GAIN, 0, 100, 1, 0, kManual, kManual},
      {procAmp, KSPROPERTY_VIDEOPROCAMP_POWERLINE_FREQUENCY, 0, 2, 1, 2, kManual, kManual},
      {camera, KSPROPERTY_CAMERACONTROL_ZOOM, 1, 31, 1, 1, kManual, kManual},
      {camera, KSPROPERTY_CAMERACONTROL_EXPOSURE, -13, -2, 1, -6, kAuto | kManual, kAuto},
      {camera, KSPROPERTY_CAMERACONTROL_FOCUS, 0, 250, 5, 0, kAuto | kManual, kAuto},
  };
}

// Where the Value/Flags/Capabilities triple sits in the request: after a
// KSPROPERTY on the filter, after a KSP_NODE for a node (KSPROPERTY_TYPE_TOPOLOGY).
uint32_t Locate(Request& r, uint32_t node, uint32_t nodeCount, size_t* valueAt) {
  if ((r.id.Flags & KSPROPERTY_TYPE_TOPOLOGY) == 0) {
    *valueAt = sizeof(KSPROPERTY);
    return STATUS_SUCCESS;
  }
  if (r.irp.inputLength < sizeof(KSPROPERTY_VIDEOPROCAMP_NODE_S)) return STATUS_INVALID_PARAMETER;
  KSP_NODE request;
  std::memcpy(&request, r.instance, sizeof request);
  if (request.NodeId >= nodeCount) return STATUS_INVALID_PARAMETER;
  if (request.NodeId != node) return STATUS_NOT_FOUND;  // the other node has no such control
  *valueAt = sizeof(KSP_NODE);
  return STATUS_SUCCESS;
}

// A GET-style reply of `size` bytes, as every fixed-size KS value: a size
// query gets STATUS_BUFFER_OVERFLOW, a short buffer STATUS_BUFFER_TOO_SMALL.
bool Fits(Request& r, uint32_t size, uint32_t* status) {
  r.irp.information = size;
  if (r.dataLength == 0) {
    *status = STATUS_BUFFER_OVERFLOW;
    return false;
  }
  if (r.dataLength < size) {
    *status = STATUS_BUFFER_TOO_SMALL;
    return false;
  }
  return true;
}

// BASICSUPPORT and DEFAULTVALUES: a KSPROPERTY_DESCRIPTION and member lists.
// A 4-byte buffer gets the access flags alone and a description-sized one the
// description alone (DescriptionSize saying how much the whole is), as KS's
// own BASICSUPPORT handling answers them.
uint32_t Describe(Request& r, const CameraControlDefinition& d, bool defaultsOnly) {
  KSPROPERTY_MEMBERSHEADER steppedHeader{KSPROPERTY_MEMBER_STEPPEDRANGES, sizeof(KSPROPERTY_STEPPING_LONG), 1, 0};
  KSPROPERTY_STEPPING_LONG stepping{d.step, 0, d.minimum, d.maximum};
  KSPROPERTY_MEMBERSHEADER defaultHeader{KSPROPERTY_MEMBER_VALUES, sizeof(int32_t), 1, KSPROPERTY_MEMBER_FLAG_DEFAULT};
  std::vector<uint8_t> reply(sizeof(KSPROPERTY_DESCRIPTION));
  auto append = [&reply](const void* p, size_t n) {
    reply.insert(reply.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
  };
  if (!defaultsOnly) {
    append(&steppedHeader, sizeof steppedHeader);
    append(&stepping, sizeof stepping);
  }
  append(&defaultHeader, sizeof defaultHeader);
  append(&d.defaultValue, sizeof d.defaultValue);
  const uint32_t access = KSPROPERTY_TYPE_BASICSUPPORT | KSPROPERTY_TYPE_GET | KSPROPERTY_TYPE_SET;
  KSPROPERTY_DESCRIPTION description{access, static_cast<uint32_t>(reply.size()), KSIDENTIFIER{KSPROPTYPESETID_General, VT_I4, 0},
                                     defaultsOnly ? 1u : 2u, 0};
  std::memcpy(reply.data(), &description, sizeof description);
  if (r.dataLength == sizeof(uint32_t)) return ReturnValue(r, &access, sizeof access);
  if (r.dataLength >= sizeof description && r.dataLength < reply.size()) return ReturnValue(r, &description, sizeof description);
  return ReturnValue(r, reply.data(), static_cast<uint32_t>(reply.size()));
}

PropertyItem Item(const std::shared_ptr<CameraControlState>& state, size_t k, uint32_t nodeCount) {
  const CameraControlDefinition& d = state->definitions[k];
  const bool procAmp = d.set == PROPSETID_VIDCAP_VIDEOPROCAMP;
  CameraControlState* s = state.get();  // the descriptor that holds these handlers keeps `state` alive
  auto node = [s, procAmp] { return procAmp ? s->processingUnitNode : s->cameraTerminalNode; };
  auto get = [s, k, node, nodeCount](Request& r) -> uint32_t {
    size_t at;
    uint32_t status = Locate(r, node(), nodeCount, &at);
    if (status != STATUS_SUCCESS) return status;
    const uint32_t size = at == sizeof(KSPROPERTY) ? sizeof(KSPROPERTY_VIDEOPROCAMP_S) : sizeof(KSPROPERTY_VIDEOPROCAMP_NODE_S);
    if (!Fits(r, size, &status)) return status;
    // The reply is the whole struct: the request's header, then the value.
    std::memcpy(r.data, r.instance, at);
    const int32_t value = s->values[k].load();
    const uint32_t flags = s->flags[k].load();
    std::memcpy(r.data + at, &value, 4);
    std::memcpy(r.data + at + 4, &flags, 4);
    std::memcpy(r.data + at + 8, &s->definitions[k].capabilities, 4);
    std::memset(r.data + at + 12, 0, size - at - 12);  // the struct's tail padding
    return STATUS_SUCCESS;
  };
  auto set = [s, k, node, nodeCount](Request& r) -> uint32_t {
    size_t at;
    uint32_t status = Locate(r, node(), nodeCount, &at);
    if (status != STATUS_SUCCESS) return status;
    const uint32_t size = at == sizeof(KSPROPERTY) ? sizeof(KSPROPERTY_VIDEOPROCAMP_S) : sizeof(KSPROPERTY_VIDEOPROCAMP_NODE_S);
    if (r.dataLength < size) {
      r.irp.information = size;
      return STATUS_BUFFER_TOO_SMALL;
    }
    const CameraControlDefinition& def = s->definitions[k];
    int32_t value;
    uint32_t flags;
    std::memcpy(&value, r.data + at, 4);
    std::memcpy(&flags, r.data + at + 4, 4);
    // One mode, and one the control has. A UVC device refuses a value outside
    // its range with a stall ("Out of range", UVC 1.5 §4.2.1.1); usbvideo's
    // exact status is not documented: STATUS_INVALID_PARAMETER here.
    if ((flags != kAuto && flags != kManual) || (flags & def.capabilities) == 0) return STATUS_INVALID_PARAMETER;
    if (flags == kManual && (value < def.minimum || value > def.maximum)) return STATUS_INVALID_PARAMETER;
    // In auto mode the emulated camera's algorithms settle on the default
    // (its scene never changes); Value is ignored, as drivers ignore it.
    s->values[k].store(flags == kAuto ? def.defaultValue : value);
    s->flags[k].store(flags);
    return STATUS_SUCCESS;
  };
  auto support = [s, k, node, nodeCount](Request& r) -> uint32_t {
    size_t at;
    uint32_t status = Locate(r, node(), nodeCount, &at);
    if (status != STATUS_SUCCESS) return status;
    return Describe(r, s->definitions[k], false);
  };
  auto defaults = [s, k, node, nodeCount](Request& r) -> uint32_t {
    size_t at;
    uint32_t status = Locate(r, node(), nodeCount, &at);
    if (status != STATUS_SUCCESS) return status;
    return Describe(r, s->definitions[k], true);
  };
  PropertyItem item{d.set, d.id, sizeof(KSPROPERTY_VIDEOPROCAMP_S), sizeof(KSPROPERTY_VIDEOPROCAMP_S), get, set, support};
  item.defaultValues = defaults;
  return item;
}

int32_t Effective(const CameraControlState& s, uint32_t id, const Guid& set) {
  for (size_t k = 0; k < s.definitions.size(); ++k) {
    const auto& d = s.definitions[k];
    if (d.id == id && d.set == set) return s.flags[k].load() == kAuto ? d.defaultValue : s.values[k].load();
  }
  return 0;
}

uint8_t Clamp(int32_t v, int32_t lo, int32_t hi) { return static_cast<uint8_t>(std::min(std::max(v, lo), hi)); }

}  // namespace

std::shared_ptr<CameraControlState> AddCameraControls(FilterDescriptor& descriptor, uint32_t capturePin) {
  auto state = std::make_shared<CameraControlState>();
  state->definitions = Definitions();
  const size_t n = state->definitions.size();
  state->values.reset(new std::atomic<int32_t>[n]);
  state->flags.reset(new std::atomic<uint32_t>[n]);
  for (size_t k = 0; k < n; ++k) {
    state->values[k].store(state->definitions[k].defaultValue);
    state->flags[k].store(state->definitions[k].defaultFlags);
  }
  // usbvideo.sys's topology: the camera terminal feeds the processing unit,
  // which feeds the capture pin.
  state->cameraTerminalNode = static_cast<uint32_t>(descriptor.nodes.size());
  descriptor.nodes.push_back({KSNODETYPE_VIDEO_CAMERA_TERMINAL, "Camera Terminal"});
  state->processingUnitNode = static_cast<uint32_t>(descriptor.nodes.size());
  descriptor.nodes.push_back({KSNODETYPE_VIDEO_PROCESSING, "Processing Unit"});
  descriptor.connections.push_back(
      {state->cameraTerminalNode, KSNODEPIN_STANDARD_OUT, state->processingUnitNode, KSNODEPIN_STANDARD_IN});
  descriptor.connections.push_back({state->processingUnitNode, KSNODEPIN_STANDARD_OUT, KSFILTER_NODE, capturePin});
  const uint32_t nodeCount = static_cast<uint32_t>(descriptor.nodes.size());
  for (size_t k = 0; k < n; ++k) {
    PropertyItem item = Item(state, k, nodeCount);
    descriptor.filterProperties.push_back(item);  // both forms reach the filter
    descriptor.nodeProperties.push_back(item);    // and node handles
  }
  std::shared_ptr<CameraControlState> keep = state;
  descriptor.pins[capturePin].videoFrameEffects = [keep](const VideoLayout& layout, uint8_t* frame) {
    ApplyCameraControls(*keep, layout, frame);
  };
  return state;
}

void ApplyCameraControls(const CameraControlState& s, const VideoLayout& layout, uint8_t* frame) {
  const Guid& procAmp = PROPSETID_VIDCAP_VIDEOPROCAMP;
  const int32_t brightness = Effective(s, KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS, procAmp);
  const int32_t contrast = Effective(s, KSPROPERTY_VIDEOPROCAMP_CONTRAST, procAmp);
  const int32_t saturation = Effective(s, KSPROPERTY_VIDEOPROCAMP_SATURATION, procAmp);
  const int32_t gain = Effective(s, KSPROPERTY_VIDEOPROCAMP_GAIN, procAmp);
  const int32_t temperature = Effective(s, KSPROPERTY_VIDEOPROCAMP_WHITEBALANCE, procAmp);
  // Defaults leave the pattern as it is (each formula is the identity there).
  if (brightness == 128 && contrast == 3 && saturation == 35 && gain == 0 && temperature == 5000) return;
  const int32_t shift = (temperature - 5000) / 100;  // C++ division truncates toward zero
  auto luma = [&](uint8_t y) { return Clamp(16 + (y - 16) * contrast * (100 + gain) / 300 + (brightness - 128), 16, 235); };
  auto cb = [&](uint8_t c) { return Clamp(128 + (c - 128) * saturation / 35 + shift, 16, 240); };
  auto cr = [&](uint8_t c) { return Clamp(128 + (c - 128) * saturation / 35 - shift, 16, 240); };
  const uint32_t w = layout.width;
  const uint32_t h = layout.height;
  if (layout.pixels == VideoPixelFormat::Yuy2) {
    const uint32_t stride = w * 2;
    for (uint32_t y = 0; y < h; ++y) {
      uint8_t* row = frame + static_cast<size_t>(y) * stride;
      for (uint32_t i = std::min<uint32_t>(8, stride); i < stride; ++i) {
        row[i] = (i % 2 == 0) ? luma(row[i]) : (i % 4 == 1) ? cb(row[i]) : cr(row[i]);
      }
    }
    return;
  }
  for (uint32_t y = 0; y < h; ++y) {
    uint8_t* row = frame + static_cast<size_t>(y) * w;
    for (uint32_t i = std::min<uint32_t>(8, w); i < w; ++i) row[i] = luma(row[i]);
  }
  uint8_t* chroma = frame + static_cast<size_t>(w) * h;
  for (uint32_t y = 0; y < h / 2; ++y) {
    uint8_t* row = chroma + static_cast<size_t>(y) * w;
    for (uint32_t i = std::min<uint32_t>(8, w); i < w; ++i) row[i] = (i % 2 == 0) ? cb(row[i]) : cr(row[i]);
  }
}

}  // namespace ks::emu
