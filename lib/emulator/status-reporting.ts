/**
 * How the emulator reports the statuses of requests: as its driver models
 * answer them (NTSTATUS, the default), or as a program on Windows meets them
 * through the Windows backend -- DeviceIoControl's and KsCreatePin's Win32
 * error codes (ERROR_MORE_DATA for STATUS_BUFFER_OVERFLOW,
 * ERROR_OPERATION_ABORTED for STATUS_CANCELLED, ERROR_BAD_COMMAND for
 * STATUS_INVALID_DEVICE_STATE, ...: RtlNtStatusToDosError, the table in
 * native/emulator/win32_statuses.cpp). The 'win32' mode runs the code that
 * handles Windows' numbers -- in this package and in a program -- on any
 * machine. A KsError then carries the Win32 code (`code` ERROR_…, `win32`) and
 * no `status`, as on Windows.
 *
 * The mode belongs to the calling thread's environment (a worker has its own)
 * and applies from the next request on. KS_EMULATOR_STATUSES=win32 sets it
 * when the package loads.
 */
import { native } from '../addon/binding';

export type EmulatorStatusReporting = 'ntstatus' | 'win32';

export function setEmulatorStatusReporting(mode: EmulatorStatusReporting): void {
  if (mode !== 'ntstatus' && mode !== 'win32') {
    throw new RangeError(`mode must be "ntstatus" or "win32", got ${JSON.stringify(mode)}`);
  }
  native.emulatorReportWin32Statuses(mode === 'win32');
}

const fromEnv = process.env.KS_EMULATOR_STATUSES;
if (fromEnv !== undefined && fromEnv !== '') {
  if (fromEnv !== 'ntstatus' && fromEnv !== 'win32') {
    throw new RangeError(`KS_EMULATOR_STATUSES must be "ntstatus" or "win32", got ${JSON.stringify(fromEnv)}`);
  }
  setEmulatorStatusReporting(fromEnv);
}
