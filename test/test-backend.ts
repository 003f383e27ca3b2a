// Which backend the device helpers open: the in-process emulator, or, for the
// Windows lane's bridge run (scripts/test-bridge.sh sets KS_TEST_BACKEND=windows),
// the Windows backend against the same emulated devices served by a kernel
// driver (native/windows-bridge/).
import type { BackendName } from '../lib/index';

export function testBackend(): BackendName {
  return process.env.KS_TEST_BACKEND === 'windows' ? 'windows' : 'emulator';
}

/**
 * Whether statuses come back as Windows reports them (Win32 codes from
 * DeviceIoControl, HRESULTs from the *2 entry points): through the bridge, or
 * with the emulator told to report them so (KS_EMULATOR_STATUSES=win32,
 * lib/emulator/status-reporting.ts). An NTSTATUS a test names then matches
 * the Win32 code RtlNtStatusToDosError gives for it.
 */
export const reportsWin32 = (): boolean => testBackend() === 'windows' || process.env.KS_EMULATOR_STATUSES === 'win32';

/** Whether this run goes through the bridge (tests that need the in-process emulator skip). */
export const throughBridge = (): boolean => testBackend() === 'windows';
