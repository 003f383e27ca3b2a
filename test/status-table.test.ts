// The NTSTATUS -> Win32 table the library uses to name errors the way
// DeviceIoControl reports them (lib/base/errors.ts), checked against something
// other than this package: entries pinned from Microsoft's published table, and,
// in the Windows lane, every entry against ntdll's RtlNtStatusToDosError run by a
// small Windows program (scripts/wine/status-table-check.cpp) under Wine.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { NTSTATUS_TO_WIN32 } from '../lib/base/errors';

const hex = (v: number) => '0x' + v.toString(16).toUpperCase().padStart(8, '0');

// From Microsoft's "INFO: Mapping NT Status Error Codes to Win32 Error Codes" (KB113996), as OSR keeps it
// (https://www.osr.com/blog/2020/04/23/ntstatus-to-win32-error-code-mappings/), for the statuses KS clients meet most.
const MICROSOFT: Record<number, number> = {
  0xc0000001: 31, // STATUS_UNSUCCESSFUL → ERROR_GEN_FAILURE
  0xc000000d: 87, // STATUS_INVALID_PARAMETER → ERROR_INVALID_PARAMETER
  0xc0000010: 1, // STATUS_INVALID_DEVICE_REQUEST → ERROR_INVALID_FUNCTION
  0xc0000023: 122, // STATUS_BUFFER_TOO_SMALL → ERROR_INSUFFICIENT_BUFFER
  0xc00000bb: 50, // STATUS_NOT_SUPPORTED → ERROR_NOT_SUPPORTED
  0xc0000120: 995, // STATUS_CANCELLED → ERROR_OPERATION_ABORTED
  0xc0000184: 22, // STATUS_INVALID_DEVICE_STATE → ERROR_BAD_COMMAND
  0xc0000225: 1168, // STATUS_NOT_FOUND → ERROR_NOT_FOUND
  0xc0000230: 1170, // STATUS_PROPSET_NOT_FOUND → ERROR_SET_NOT_FOUND
  0xc0000272: 1169, // STATUS_NO_MATCH → ERROR_NO_MATCH
  0x80000005: 234, // STATUS_BUFFER_OVERFLOW → ERROR_MORE_DATA
};

// STATUS_NO_SUCH_DEVICE (0xC000000E) is left out above: KB113996 (written for NT 4) maps it to ERROR_FILE_NOT_FOUND,
// while Wine's ntdll, whose table is tested against current Windows, answers ERROR_NO_SUCH_DEVICE (433), which the
// table follows; no Windows machine here settles it.

// Where Wine 8's ntdll answers differently from Windows: { wine, windows } (the table holds Windows' value).
const WINE_DIFFERS: Record<number, { wine: number; windows: number }> = {};

describe('the NTSTATUS → Win32 table', () => {
  it('agrees with Microsoft\'s published mapping for the statuses KS requests meet', () => {
    for (const [status, win32] of Object.entries(MICROSOFT)) expect(NTSTATUS_TO_WIN32[Number(status)], hex(Number(status))).toBe(win32);
  });

  const exe = path.join(process.env.KS_WIN_BUILD_DIR ?? path.join(__dirname, '..', '.cache', 'build-win32-x64'), 'ks_status_table_check.exe');
  it.runIf(process.platform === 'win32')('agrees with RtlNtStatusToDosError for every entry (Windows lane, Wine\'s ntdll)', () => {
    expect(fs.existsSync(exe), `${exe} (built by scripts/build-windows.sh)`).toBe(true);
    const statuses = Object.keys(NTSTATUS_TO_WIN32).map(Number);
    const out = execFileSync(exe, statuses.map(hex), { encoding: 'utf8' });
    const answers = new Map(out.trim().split(/\r?\n/).map((line) => {
      const [status, win32] = line.split(' ');
      return [Number(status), Number(win32)] as const;
    }));
    expect(answers.size).toBe(statuses.length);
    const disagree: string[] = [];
    for (const status of statuses) {
      const known = WINE_DIFFERS[status];
      const expected = known ? known.wine : NTSTATUS_TO_WIN32[status];
      if (known) expect(NTSTATUS_TO_WIN32[status], `${hex(status)}: the table holds Windows' value`).toBe(known.windows);
      if (answers.get(status) !== expected) disagree.push(`${hex(status)}: table ${NTSTATUS_TO_WIN32[status]}, RtlNtStatusToDosError ${answers.get(status)}`);
    }
    expect(disagree).toEqual([]);
  });
});
