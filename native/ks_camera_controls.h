// The camera control property sets (ksmedia.h): PROPSETID_VIDCAP_VIDEOPROCAMP
// and PROPSETID_VIDCAP_CAMERACONTROL, their 40-byte value structs (KSPROPERTY
// + LONG Value + ULONG Flags + ULONG Capabilities, padded to 40; the _NODE
// forms put a KSP_NODE first, 48 bytes), and the BASICSUPPORT / DEFAULTVALUES member lists
// (ks.h: KSPROPERTY_MEMBERSHEADER, KSPROPERTY_STEPPING_LONG) that carry their
// ranges and defaults. Checked against mingw-w64's headers in
// native/windows/sdk_control_checks.cpp.
#pragma once

#include <cstdint>

#include "ks_defs.h"

namespace ks {

constexpr uint32_t KSPROPERTY_TYPE_DEFAULTVALUES = 0x00010000;

// {C6E13360-30AC-11D0-A18C-00A0C9118956}
constexpr Guid PROPSETID_VIDCAP_VIDEOPROCAMP{0xC6E13360, 0x30AC, 0x11D0, {0xA1, 0x8C, 0x00, 0xA0, 0xC9, 0x11, 0x89, 0x56}};
// {C6E13370-30AC-11D0-A18C-00A0C9118956}
constexpr Guid PROPSETID_VIDCAP_CAMERACONTROL{0xC6E13370, 0x30AC, 0x11D0, {0xA1, 0x8C, 0x00, 0xA0, 0xC9, 0x11, 0x89, 0x56}};
// The node types usbvideo.sys gives a UVC processing unit and camera terminal.
constexpr Guid KSNODETYPE_VIDEO_PROCESSING{0xDFF229E5, 0xF70F, 0x11D0, {0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};
constexpr Guid KSNODETYPE_VIDEO_CAMERA_TERMINAL{0xDFF229E6, 0xF70F, 0x11D0, {0xB9, 0x17, 0x00, 0xA0, 0xC9, 0x22, 0x31, 0x96}};

// KSPROPERTY_VIDCAP_VIDEOPROCAMP
constexpr uint32_t KSPROPERTY_VIDEOPROCAMP_BRIGHTNESS = 0;
constexpr uint32_t KSPROPERTY_VIDEOPROCAMP_CONTRAST = 1;
constexpr uint32_t KSPROPERTY_VIDEOPROCAMP_SATURATION = 3;
constexpr uint32_t KSPROPERTY_VIDEOPROCAMP_WHITEBALANCE = 7;
constexpr uint32_t KSPROPERTY_VIDEOPROCAMP_GAIN = 9;
constexpr uint32_t KSPROPERTY_VIDEOPROCAMP_POWERLINE_FREQUENCY = 13;
// KSPROPERTY_VIDCAP_CAMERACONTROL
constexpr uint32_t KSPROPERTY_CAMERACONTROL_ZOOM = 3;
constexpr uint32_t KSPROPERTY_CAMERACONTROL_EXPOSURE = 4;
constexpr uint32_t KSPROPERTY_CAMERACONTROL_FOCUS = 6;

// Flags and Capabilities bits (the camera control set adds ASYNCHRONOUS 4, RELATIVE 0x10).
constexpr uint32_t KSPROPERTY_VIDEOPROCAMP_FLAGS_AUTO = 0x1;
constexpr uint32_t KSPROPERTY_VIDEOPROCAMP_FLAGS_MANUAL = 0x2;
constexpr uint32_t KSPROPERTY_CAMERACONTROL_FLAGS_AUTO = 0x1;
constexpr uint32_t KSPROPERTY_CAMERACONTROL_FLAGS_MANUAL = 0x2;

struct KSPROPERTY_VIDEOPROCAMP_S {
  KSPROPERTY Property;
  int32_t Value;
  uint32_t Flags;
  uint32_t Capabilities;
};
static_assert(sizeof(KSPROPERTY_VIDEOPROCAMP_S) == 40, "KSPROPERTY_VIDEOPROCAMP_S");
struct KSPROPERTY_VIDEOPROCAMP_NODE_S {
  KSP_NODE NodeProperty;
  int32_t Value;
  uint32_t Flags;
  uint32_t Capabilities;
};
// 32 + 12 bytes, padded to 48: KSIDENTIFIER holds a LONGLONG, so the struct is 8-byte aligned (as the
// 36 bytes of the filter form are padded to 40).
static_assert(sizeof(KSPROPERTY_VIDEOPROCAMP_NODE_S) == 48, "KSPROPERTY_VIDEOPROCAMP_NODE_S");
using KSPROPERTY_CAMERACONTROL_S = KSPROPERTY_VIDEOPROCAMP_S;          // the same layout in ksmedia.h
using KSPROPERTY_CAMERACONTROL_NODE_S = KSPROPERTY_VIDEOPROCAMP_NODE_S;

// The member lists after a KSPROPERTY_DESCRIPTION.
constexpr uint32_t KSPROPERTY_MEMBER_RANGES = 1;
constexpr uint32_t KSPROPERTY_MEMBER_STEPPEDRANGES = 2;
constexpr uint32_t KSPROPERTY_MEMBER_VALUES = 3;
constexpr uint32_t KSPROPERTY_MEMBER_FLAG_DEFAULT = 1;
struct KSPROPERTY_MEMBERSHEADER {
  uint32_t MembersFlags;
  uint32_t MembersSize;
  uint32_t MembersCount;
  uint32_t Flags;
};
static_assert(sizeof(KSPROPERTY_MEMBERSHEADER) == 16, "KSPROPERTY_MEMBERSHEADER");
struct KSPROPERTY_STEPPING_LONG {
  uint32_t SteppingDelta;
  uint32_t Reserved;
  int32_t SignedMinimum;  // KSPROPERTY_BOUNDS_LONG, signed view
  int32_t SignedMaximum;
};
static_assert(sizeof(KSPROPERTY_STEPPING_LONG) == 16, "KSPROPERTY_STEPPING_LONG");
constexpr uint32_t VT_I4 = 3;

}  // namespace ks
