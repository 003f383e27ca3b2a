// KS_EMULATOR_STATUSES, which lib/emulator/status-reporting.ts reads once as it loads: the module is loaded afresh
// here with the variable set, empty and misspelt, and the mode it chose is read from what the emulator reports for a
// path with no device behind it (STATUS_OBJECT_NAME_NOT_FOUND in NTSTATUS form, ERROR_FILE_NOT_FOUND (2) as
// DeviceIoControl / CreateFile report it). setEmulatorStatusReporting's own refusal is checked too.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KsError, openFilter, setEmulatorStatusReporting } from '../lib/index';

const NO_DEVICE = '\\\\?\\ROOT#KSEMULATOR#9999#{00000000-0000-0000-0000-000000000000}\\none';

function refusal(): KsError {
  try {
    openFilter(NO_DEVICE).close();
  } catch (e) {
    if (e instanceof KsError) return e;
    throw e;
  }
  throw new Error('opened a path with no device');
}

async function loadWith(value: string | undefined): Promise<unknown> {
  vi.resetModules();
  if (value === undefined) delete process.env.KS_EMULATOR_STATUSES;
  else process.env.KS_EMULATOR_STATUSES = value;
  return import('../lib/emulator/status-reporting');
}

const saved = process.env.KS_EMULATOR_STATUSES;
afterEach(() => {
  if (saved === undefined) delete process.env.KS_EMULATOR_STATUSES;
  else process.env.KS_EMULATOR_STATUSES = saved;
  setEmulatorStatusReporting(saved === 'win32' ? 'win32' : 'ntstatus');
});

describe('KS_EMULATOR_STATUSES', () => {
  it('win32: the emulator reports Win32 codes from the load on, without an NTSTATUS', async () => {
    setEmulatorStatusReporting('ntstatus');
    await loadWith('win32');
    expect(refusal()).toMatchObject({ code: 'ERROR_FILE_NOT_FOUND', win32: 2, status: undefined });
  });

  it('ntstatus, empty or unset: NTSTATUS, as the driver models answer', async () => {
    for (const value of ['ntstatus', '', undefined]) {
      setEmulatorStatusReporting('win32');
      await loadWith(value);
      // Only 'ntstatus' sets the mode; empty and unset leave it as it was.
      expect(refusal().code).toBe(value === 'ntstatus' ? 'STATUS_OBJECT_NAME_NOT_FOUND' : 'ERROR_FILE_NOT_FOUND');
    }
    setEmulatorStatusReporting('ntstatus');
    expect(refusal()).toMatchObject({ code: 'STATUS_OBJECT_NAME_NOT_FOUND', status: 0xc0000034, win32: 2 });
  });

  it('a misspelt value fails the load with a RangeError naming the variable and its two values', async () => {
    await expect(loadWith('WIN32')).rejects.toThrow(new RangeError('KS_EMULATOR_STATUSES must be "ntstatus" or "win32", got "WIN32"'));
  });

  it('setEmulatorStatusReporting refuses another mode', () => {
    expect(() => setEmulatorStatusReporting('hresult' as never)).toThrow(new RangeError('mode must be "ntstatus" or "win32", got "hresult"'));
  });
});
