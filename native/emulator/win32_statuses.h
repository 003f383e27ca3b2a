// The emulator's "as Windows reports it" mode (setEmulatorStatusReporting('win32')
// in lib/emulator/status-reporting.ts): the Windows backend never sees an
// NTSTATUS -- DeviceIoControl and ksuser.dll's KsCreatePin & co turn the
// driver's status into a Win32 error code -- so the library's Win32 branches
// (size answers, "not supported", cancellation, stopped pins, error names) run
// on Linux only when the emulator reports its statuses the same way.
#pragma once

#include <cstdint>

#include "../ks_status.h"

namespace ks::emu {

// RtlNtStatusToDosError for the statuses the emulator and virtual devices
// answer with: the entries of lib/base/errors.ts NTSTATUS_TO_WIN32, which the
// Windows lane checks against ntdll's RtlNtStatusToDosError
// (test/status-table.test.ts); test/win32-statuses.test.ts checks that this
// table and that one agree entry by entry. An NTSTATUS it has no entry for
// gives ERROR_MR_MID_NOT_FOUND (317), as RtlNtStatusToDosError does for a code
// without a Win32 equivalent (its documentation on learn.microsoft.com).
uint32_t DosErrorForNtStatus(uint32_t status);

// A driver's NTSTATUS as the Win32 layer reports it. DeviceIoControl returns
// TRUE for NT_SUCCESS statuses (GetLastError is not set: ERROR_SUCCESS), else
// FALSE with GetLastError() = RtlNtStatusToDosError(status); KsCreatePin,
// KsCreateAllocator, KsCreateClock and KsCreateTopologyNode return
// ERROR_SUCCESS or RtlNtStatusToDosError(status) of their NtCreateFile
// (ksuser.c, KsiCreateObjectType, in Microsoft's DDK sources). Statuses of
// other kinds pass unchanged.
Status AsWin32(Status status);

}  // namespace ks::emu
