// What AVStream video pins put after each KSSTREAM_HEADER: KS_FRAME_INFO
// (ksmedia.h), and the property that tells a client the pin's header size.
// native/windows/sdk_layout_checks.cpp asserts these against mingw-w64's
// headers. Sources: ksmedia.h (KS_FRAME_INFO, KS_VIDEO_FLAG_*), ks.h
// (KSPROPSETID_StreamInterface, KSPROPERTY_STREAMINTERFACE_HEADERSIZE);
// Microsoft's KSPIN.StreamHeaderSize documentation.
#pragma once

#include "ks_defs.h"

namespace ks {

// x64 layout (x86: 64 bytes, the two HANDLEs 4 bytes each; see docs/windows.md).
struct KS_FRAME_INFO {
  uint32_t ExtendedHeaderSize;  // sizeof(KS_FRAME_INFO): the client sets it
  uint32_t dwFrameFlags;        // KS_VIDEO_FLAG_*
  int64_t PictureNumber;        // frames the device has captured since RUN, dropped ones included
  int64_t DropCount;            // frames it dropped (no buffer was queued)
  uint64_t hDirectDraw;         // HANDLE
  uint64_t hSurfaceHandle;      // HANDLE
  int32_t DirectDrawRect[4];    // RECT
  uint32_t Reserved1;           // lSurfacePitch in newer headers
  uint32_t Reserved2;
  uint32_t Reserved3;           // FrameCompletionNumber in newer headers
  uint32_t Reserved4;
};
static_assert(sizeof(KS_FRAME_INFO) == 72, "KS_FRAME_INFO (x64)");
static_assert(offsetof(KS_FRAME_INFO, PictureNumber) == 8 && offsetof(KS_FRAME_INFO, DropCount) == 16,
              "KS_FRAME_INFO.PictureNumber / DropCount");

// The stream header of a video capture pin (usbvideo.sys): 56 + 72 bytes.
constexpr uint32_t kVideoStreamHeaderSize = sizeof(KSSTREAM_HEADER) + sizeof(KS_FRAME_INFO);
static_assert(kVideoStreamHeaderSize == 128, "KSSTREAM_HEADER + KS_FRAME_INFO");

// KS_VIDEO_FLAG_* (dwFrameFlags)
constexpr uint32_t KS_VIDEO_FLAG_FRAME = 0x0;
constexpr uint32_t KS_VIDEO_FLAG_FIELD1 = 0x1;
constexpr uint32_t KS_VIDEO_FLAG_FIELD2 = 0x2;
constexpr uint32_t KS_VIDEO_FLAG_I_FRAME = 0x0;
constexpr uint32_t KS_VIDEO_FLAG_P_FRAME = 0x10;
constexpr uint32_t KS_VIDEO_FLAG_B_FRAME = 0x20;

// {1FDD8EE1-9CD3-11D0-82AA-0000F822FE8A}: KSPROPERTY_STREAMINTERFACE_HEADERSIZE (GET, ULONG) on a pin.
constexpr Guid KSPROPSETID_StreamInterface{0x1FDD8EE1, 0x9CD3, 0x11D0, {0x82, 0xAA, 0x00, 0x00, 0xF8, 0x22, 0xFE, 0x8A}};
constexpr uint32_t KSPROPERTY_STREAMINTERFACE_HEADERSIZE = 0;

}  // namespace ks
