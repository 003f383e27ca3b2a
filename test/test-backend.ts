// Which backend the device helpers open: the in-process emulator, or, for the
// Windows lane's bridge run (scripts/test-bridge.sh sets KS_TEST_BACKEND=windows),
// the Windows backend against the same emulated devices served by a kernel
// driver (native/windows-bridge/).
import type { BackendName } from '../lib/index';

export function testBackend(): BackendName {
  return process.env.KS_TEST_BACKEND === 'windows' ? 'windows' : 'emulator';
}

/** Whether this run goes through the bridge (tests that need the in-process emulator skip). */
export const throughBridge = (): boolean => testBackend() === 'windows';
