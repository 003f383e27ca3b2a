// The Windows SDK headers the compile-time checks compare against (mingw-w64's
// in the cross build), and the GUID helpers both check files use. Include
// after ../ks_defs.h and after any capture of its names: the SDK defines many
// KS names as macros.
#pragma once

// ---- The SDK ------------------------------------------------------------------
// windows.h first; winioctl.h for CTL_CODE/FILE_DEVICE_KS (WIN32_LEAN_AND_MEAN
// leaves it out); mmsystem.h for WAVEFORMATEX, which ksmedia.h uses. No
// INITGUID: only the STATIC_* GUID macros are used, so no GUID is defined here.
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <winioctl.h>
#include <mmsystem.h>
#include <ks.h>
#include <ksmedia.h>

namespace ks_layout_checks {

// The SDK's STATIC_<name> macros spell each GUID as 11 numbers.
constexpr ks::Guid MakeGuid(unsigned long d1, unsigned short d2, unsigned short d3, unsigned char a, unsigned char b,
                            unsigned char c, unsigned char d, unsigned char e, unsigned char f, unsigned char g,
                            unsigned char h) {
  return ks::Guid{static_cast<uint32_t>(d1), d2, d3, {a, b, c, d, e, f, g, h}};
}
constexpr bool SameGuid(const ks::Guid& x, const ks::Guid& y) {
  if (x.data1 != y.data1 || x.data2 != y.data2 || x.data3 != y.data3) return false;
  for (int i = 0; i < 8; ++i)
    if (x.data4[i] != y.data4[i]) return false;
  return true;
}

}  // namespace ks_layout_checks
