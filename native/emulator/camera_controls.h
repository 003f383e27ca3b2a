// The emulated camera's controls, as usbvideo.sys exposes a UVC camera's:
// PROPSETID_VIDCAP_VIDEOPROCAMP (the processing unit) and
// PROPSETID_VIDCAP_CAMERACONTROL (the camera terminal), on the filter through
// the 40-byte KSPROPERTY_*_S and on the two topology nodes through the 48-byte
// _NODE_S (KSP_NODE, KSPROPERTY_TYPE_TOPOLOGY), with BASICSUPPORT (a stepped
// range and the default) and KSPROPERTY_TYPE_DEFAULTVALUES. The controls act
// on the test pattern (ApplyCameraControls), so a client can see a SET take
// effect in the frames.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "../ks_camera_controls.h"
#include "video_test_pattern.h"
#include "virtual_filter.h"

namespace ks::emu {

struct CameraControlDefinition {
  Guid set;
  uint32_t id;
  int32_t minimum, maximum;
  uint32_t step;
  int32_t defaultValue;
  uint32_t capabilities;  // FLAGS_AUTO | FLAGS_MANUAL the control supports
  uint32_t defaultFlags;  // the mode it starts in
};

// The controls' current values, shared by the property handlers (JS thread)
// and the pin's worker (which reads them for every frame).
struct CameraControlState {
  std::vector<CameraControlDefinition> definitions;
  std::unique_ptr<std::atomic<int32_t>[]> values;
  std::unique_ptr<std::atomic<uint32_t>[]> flags;
  uint32_t cameraTerminalNode = 0;
  uint32_t processingUnitNode = 0;
};

// Adds the camera terminal and processing unit nodes (connected ahead of pin
// `capturePin`), the control properties and the frame effects to a camera's
// descriptor.
std::shared_ptr<CameraControlState> AddCameraControls(FilterDescriptor& descriptor, uint32_t capturePin);

// What the controls do to a test-pattern frame (docs/emulator.md gives the
// formulas); every row's first 8 bytes (the frame-index stamp) are left alone.
void ApplyCameraControls(const CameraControlState& state, const VideoLayout& layout, uint8_t* frame);

}  // namespace ks::emu
