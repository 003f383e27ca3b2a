// Compile-time check of every NTSTATUS constant in ../ks_status.h against the
// SDK's ntstatus.h (mingw-w64's in the cross build). One wrong digit here
// misnames a driver's answer in every error message; the WaveRT branch once
// had STATUS_DATA_LATE_ERROR as 0xC000009E, which is STATUS_DEVICE_POWER_FAILURE.
// Built only in the Windows cross build (sources.gypi ks_windows_sources).
#include <cstdint>

#include "../ks_status.h"

// Every code ks_status.h names. A code added there and not here is not
// checked: keep the list whole (test/sdk-checks.test.ts compares the two).
#define KS_STATUS_CODES(X) \
  X(STATUS_SUCCESS) \
  X(STATUS_PENDING) \
  X(STATUS_BUFFER_OVERFLOW) \
  X(STATUS_NO_MORE_ENTRIES) \
  X(STATUS_INVALID_HANDLE) \
  X(STATUS_INVALID_PARAMETER) \
  X(STATUS_NO_SUCH_DEVICE) \
  X(STATUS_INVALID_DEVICE_REQUEST) \
  X(STATUS_ACCESS_DENIED) \
  X(STATUS_BUFFER_TOO_SMALL) \
  X(STATUS_OBJECT_NAME_INVALID) \
  X(STATUS_OBJECT_NAME_NOT_FOUND) \
  X(STATUS_INSUFFICIENT_RESOURCES) \
  X(STATUS_NOT_SUPPORTED) \
  X(STATUS_CANCELLED) \
  X(STATUS_NOT_FOUND) \
  X(STATUS_PROPSET_NOT_FOUND) \
  X(STATUS_NO_MATCH) \
  X(STATUS_DEVICE_BUSY) \
  X(STATUS_INVALID_DEVICE_STATE) \
  X(STATUS_DEVICE_NOT_CONNECTED) \
  X(STATUS_UNSUCCESSFUL) \
  X(STATUS_DEVICE_REMOVED) \
  X(STATUS_DEVICE_NOT_READY) \
  X(STATUS_DATA_LATE_ERROR) \
  X(STATUS_DATA_OVERRUN) \
  X(STATUS_ACCESS_VIOLATION) \
  X(STATUS_INVALID_BUFFER_SIZE)

// The values, captured before the SDK's macros of the same names exist.
namespace ks_status_checks {
#define KS_CAPTURE(name) constexpr uint32_t name##_ours = ks::name;
KS_STATUS_CODES(KS_CAPTURE)
#undef KS_CAPTURE
}  // namespace ks_status_checks

// windows.h without its own STATUS_* subset, then ntstatus.h's full list.
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>  // NTSTATUS, which ntstatus.h casts to
#include <ntstatus.h>

#define KS_CHECK(name) \
  static_assert(ks_status_checks::name##_ours == static_cast<uint32_t>(name), #name " (ks_status.h) differs from ntstatus.h");
KS_STATUS_CODES(KS_CHECK)
#undef KS_CHECK
