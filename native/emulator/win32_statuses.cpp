// RtlNtStatusToDosError for the statuses KS requests meet (win32_statuses.h).
#include "win32_statuses.h"

namespace ks::emu {

namespace {

struct Mapping {
  uint32_t status;
  uint32_t win32;
};

// Keep in step with lib/base/errors.ts NTSTATUS_TO_WIN32 (test/win32-statuses.test.ts checks every entry).
constexpr Mapping kMappings[] = {
    {STATUS_BUFFER_OVERFLOW, 234},         // ERROR_MORE_DATA
    {STATUS_DEVICE_BUSY, 170},             // ERROR_BUSY
    {STATUS_NO_MORE_ENTRIES, 259},         // ERROR_NO_MORE_ITEMS
    {STATUS_UNSUCCESSFUL, 31},             // ERROR_GEN_FAILURE
    {STATUS_ACCESS_VIOLATION, 998},        // ERROR_NOACCESS
    {STATUS_INVALID_HANDLE, 6},            // ERROR_INVALID_HANDLE
    {STATUS_INVALID_PARAMETER, 87},        // ERROR_INVALID_PARAMETER
    {STATUS_NO_SUCH_DEVICE, 433},          // ERROR_NO_SUCH_DEVICE
    {STATUS_INVALID_DEVICE_REQUEST, 1},    // ERROR_INVALID_FUNCTION
    {STATUS_ACCESS_DENIED, 5},             // ERROR_ACCESS_DENIED
    {STATUS_BUFFER_TOO_SMALL, 122},        // ERROR_INSUFFICIENT_BUFFER
    {STATUS_OBJECT_NAME_INVALID, 123},     // ERROR_INVALID_NAME
    {STATUS_OBJECT_NAME_NOT_FOUND, 2},     // ERROR_FILE_NOT_FOUND
    {STATUS_INSUFFICIENT_RESOURCES, 1450}, // ERROR_NO_SYSTEM_RESOURCES
    {STATUS_DEVICE_NOT_CONNECTED, 1167},   // ERROR_DEVICE_NOT_CONNECTED
    {STATUS_NOT_SUPPORTED, 50},            // ERROR_NOT_SUPPORTED
    {STATUS_CANCELLED, 995},               // ERROR_OPERATION_ABORTED
    {STATUS_INVALID_DEVICE_STATE, 22},     // ERROR_BAD_COMMAND
    {STATUS_NOT_FOUND, 1168},              // ERROR_NOT_FOUND
    {STATUS_PROPSET_NOT_FOUND, 1170},      // ERROR_SET_NOT_FOUND
    {STATUS_NO_MATCH, 1169},               // ERROR_NO_MATCH
    {STATUS_DEVICE_REMOVED, 1617},         // ERROR_DEVICE_REMOVED
    {STATUS_INVALID_BUFFER_SIZE, 1784},    // ERROR_INVALID_USER_BUFFER
    {STATUS_DATA_OVERRUN, 1117},           // ERROR_IO_DEVICE (WaveRT SETWRITEPACKET)
    {STATUS_DATA_LATE_ERROR, 1117},        // ERROR_IO_DEVICE (WaveRT SETWRITEPACKET)
    {STATUS_DEVICE_NOT_READY, 21},         // ERROR_NOT_READY (WaveRT GETREADPACKET)
};

constexpr uint32_t ERROR_MR_MID_NOT_FOUND = 317;

}  // namespace

uint32_t DosErrorForNtStatus(uint32_t status) {
  for (const Mapping& m : kMappings) {
    if (m.status == status) return m.win32;
  }
  return ERROR_MR_MID_NOT_FOUND;
}

Status AsWin32(Status status) {
  if (status.kind != StatusKind::NtStatus) return status;
  if (static_cast<int32_t>(status.value) >= 0) return Status::Win32(0);  // NT_SUCCESS
  return Status::Win32(DosErrorForNtStatus(status.value));
}

}  // namespace ks::emu
