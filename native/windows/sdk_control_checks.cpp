// Compile-time proof, as sdk_layout_checks.cpp gives for ks_defs.h, that the
// structs and constants of ks_attributes.h (data range attribute lists) match
// the SDK's (mingw-w64's ks.h in the cross build). The signal-processing-mode
// GUIDs are not in mingw-w64's ksmedia.h; ks_attributes.h says where their
// values come from. Built on Windows only; it generates no code.

#include "../ks_attributes.h"

#include <cstddef>
#include <cstdint>

namespace ks_control_checks {
// Captured before the SDK makes these names macros.
constexpr auto ours_KSATTRIBUTE_REQUIRED = ks::KSATTRIBUTE_REQUIRED;
}  // namespace ks_control_checks

#include "sdk_headers.h"

namespace ks_control_checks {

#define KS_SAME_SIZE(type)                                                                        \
  static_assert(sizeof(ks::type) == sizeof(::type), "sizeof " #type " differs from the SDK's"); \
  static_assert(alignof(ks::type) == alignof(::type), "alignof " #type " differs from the SDK's");
#define KS_SAME_OFFSET(type, field) \
  static_assert(offsetof(ks::type, field) == offsetof(::type, field), "offsetof " #type "." #field " differs from the SDK's");

KS_SAME_SIZE(KSATTRIBUTE)
KS_SAME_OFFSET(KSATTRIBUTE, Size)
KS_SAME_OFFSET(KSATTRIBUTE, Flags)
KS_SAME_OFFSET(KSATTRIBUTE, Attribute)
static_assert(ours_KSATTRIBUTE_REQUIRED == KSATTRIBUTE_REQUIRED, "KSATTRIBUTE_REQUIRED differs from the SDK's");

}  // namespace ks_control_checks
