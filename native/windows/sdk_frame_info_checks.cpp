// Compile-time proof that native/ks_frame_info.h matches the SDK (mingw-w64's
// ksmedia.h and ks.h in the cross build): KS_FRAME_INFO's size and offsets, the
// KS_VIDEO_FLAG_* values, and KSPROPSETID_StreamInterface. Same scheme as
// sdk_layout_checks.cpp: our names are captured before the SDK's macros exist.
// mingw-w64 names the fields after DirectDrawRect Reserved1..4 (newer SDKs:
// lSurfacePitch, Reserved2, FrameCompletionNumber in a union with Reserved3).

#include "../ks_frame_info.h"

#include <cstddef>
#include <cstdint>

namespace ks_layout_checks {

constexpr auto ours_KS_VIDEO_FLAG_FRAME = ks::KS_VIDEO_FLAG_FRAME;
constexpr auto ours_KS_VIDEO_FLAG_FIELD1 = ks::KS_VIDEO_FLAG_FIELD1;
constexpr auto ours_KS_VIDEO_FLAG_FIELD2 = ks::KS_VIDEO_FLAG_FIELD2;
constexpr auto ours_KS_VIDEO_FLAG_I_FRAME = ks::KS_VIDEO_FLAG_I_FRAME;
constexpr auto ours_KS_VIDEO_FLAG_P_FRAME = ks::KS_VIDEO_FLAG_P_FRAME;
constexpr auto ours_KS_VIDEO_FLAG_B_FRAME = ks::KS_VIDEO_FLAG_B_FRAME;
constexpr auto ours_KSPROPSETID_StreamInterface = ks::KSPROPSETID_StreamInterface;
constexpr auto ours_KSPROPERTY_STREAMINTERFACE_HEADERSIZE = ks::KSPROPERTY_STREAMINTERFACE_HEADERSIZE;

}  // namespace ks_layout_checks

#include "sdk_headers.h"

namespace ks_layout_checks {

#define KS_SAME_OFFSET(field) \
  static_assert(offsetof(ks::KS_FRAME_INFO, field) == offsetof(::KS_FRAME_INFO, field), "KS_FRAME_INFO." #field);
static_assert(sizeof(ks::KS_FRAME_INFO) == sizeof(::KS_FRAME_INFO), "sizeof KS_FRAME_INFO differs from the SDK's");
static_assert(alignof(ks::KS_FRAME_INFO) == alignof(::KS_FRAME_INFO), "alignof KS_FRAME_INFO");
KS_SAME_OFFSET(ExtendedHeaderSize)
KS_SAME_OFFSET(dwFrameFlags)
KS_SAME_OFFSET(PictureNumber)
KS_SAME_OFFSET(DropCount)
KS_SAME_OFFSET(hDirectDraw)
KS_SAME_OFFSET(hSurfaceHandle)
KS_SAME_OFFSET(DirectDrawRect)
KS_SAME_OFFSET(Reserved1)
KS_SAME_OFFSET(Reserved2)
KS_SAME_OFFSET(Reserved3)
KS_SAME_OFFSET(Reserved4)
#undef KS_SAME_OFFSET
static_assert(sizeof(::KSSTREAM_HEADER) + sizeof(::KS_FRAME_INFO) == ks::kVideoStreamHeaderSize,
              "a video pin's stream header: KSSTREAM_HEADER + KS_FRAME_INFO");

#define KS_SAME_VALUE(name) \
  static_assert(static_cast<uint64_t>(ours_##name) == static_cast<uint64_t>(name), #name " differs from the SDK's");
KS_SAME_VALUE(KS_VIDEO_FLAG_FRAME)
KS_SAME_VALUE(KS_VIDEO_FLAG_FIELD1)
KS_SAME_VALUE(KS_VIDEO_FLAG_FIELD2)
KS_SAME_VALUE(KS_VIDEO_FLAG_I_FRAME)
KS_SAME_VALUE(KS_VIDEO_FLAG_P_FRAME)
KS_SAME_VALUE(KS_VIDEO_FLAG_B_FRAME)
KS_SAME_VALUE(KSPROPERTY_STREAMINTERFACE_HEADERSIZE)
#undef KS_SAME_VALUE

static_assert(SameGuid(ours_KSPROPSETID_StreamInterface, MakeGuid(STATIC_KSPROPSETID_StreamInterface)),
              "KSPROPSETID_StreamInterface differs from the SDK's");

}  // namespace ks_layout_checks
