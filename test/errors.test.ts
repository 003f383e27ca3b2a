import { describe, expect, it } from 'vitest';
import { KsError, StatusKind, statusName } from '../lib/index';
import { ntStatusForWin32, statusCancelled, statusOk, statusStopped } from '../lib/base/errors';

describe('status names', () => {
  it('names NTSTATUS, Win32 and HRESULT values in their own scheme', () => {
    expect(statusName(StatusKind.NtStatus, 0xc000000d)).toBe('STATUS_INVALID_PARAMETER');
    expect(statusName(StatusKind.Win32, 0x491)).toBe('ERROR_NO_MATCH');
    expect(statusName(StatusKind.HResult, 0x80004001)).toBe('E_NOTIMPL');
    expect(statusName(StatusKind.HResult, 0x80070491)).toBe('ERROR_NO_MATCH');
    expect(statusName(StatusKind.NtStatus, 0xc0001234)).toBe('NTSTATUS_0xC0001234');
  });

  it('keeps the numeric value in the field of its scheme', () => {
    const nt = KsError.fromStatus(StatusKind.NtStatus, 0xc0000272, 'create pin');
    expect(nt).toMatchObject({ code: 'STATUS_NO_MATCH', status: 0xc0000272, win32: 0x491, hresult: undefined, operation: 'create pin' });
    const hr = KsError.fromStatus(StatusKind.HResult, 0x80070491, 'create pin');
    expect(hr).toMatchObject({ code: 'ERROR_NO_MATCH', hresult: 0x80070491, win32: 0x491, status: undefined });
    const w = KsError.fromStatus(StatusKind.Win32, 2, 'open filter', 'no such device');
    expect(w.message).toBe('open filter: ERROR_FILE_NOT_FOUND (0x00000002): no such device');
    expect(w).toBeInstanceOf(Error);
    expect(w.name).toBe('KsError');
  });
});

// The branches the first Stryker run over lib/base/errors.ts left uncovered or surviving (docs/architecture.md,
// "Mutation testing"). Every expected value is worked out here from the schemes' layouts (winerror.h, ntstatus.h),
// not read from the package's tables: HRESULT_FROM_WIN32(x) is 0x80070000 | x (severity 1, FACILITY_WIN32 = 7);
// an NTSTATUS's top two bits are its severity (0 success, 1 informational, 2 warning, 3 error).
describe('status schemes at their edges', () => {
  const hresultFromWin32 = (code: number): number => (0x80000000 | (7 << 16) | code) >>> 0;

  it('names a status it has no name for in its own scheme', () => {
    expect(hresultFromWin32(995)).toBe(0x800703e3);
    // 4242 is no Win32 code the package names: the decimal code after the prefix.
    expect(statusName(StatusKind.Win32, 4242)).toBe('WIN32_ERROR_4242');
    // An HRESULT outside FACILITY_WIN32 whose low word (2) is a named Win32 code: named as an HRESULT, not as
    // ERROR_FILE_NOT_FOUND (facility 4, FACILITY_ITF).
    expect(statusName(StatusKind.HResult, 0x80040002)).toBe('HRESULT_0x80040002');
    expect(statusName(StatusKind.HResult, 0x80004321)).toBe('HRESULT_0x80004321');
    // Inside FACILITY_WIN32 an unnamed code keeps its Win32 form.
    expect(statusName(StatusKind.HResult, hresultFromWin32(4242))).toBe('WIN32_ERROR_4242');
  });

  it('tells a cancelled request in each scheme, and only in its own', () => {
    // STATUS_CANCELLED 0xC0000120 (ntstatus.h), ERROR_OPERATION_ABORTED 995 (winerror.h).
    expect(statusCancelled(StatusKind.NtStatus, 0xc0000120)).toBe(true);
    expect(statusCancelled(StatusKind.Win32, 995)).toBe(true);
    expect(statusCancelled(StatusKind.HResult, hresultFromWin32(995))).toBe(true);
    expect(statusCancelled(StatusKind.HResult, 995)).toBe(false);
    expect(statusCancelled(StatusKind.HResult, hresultFromWin32(994))).toBe(false);
    expect(statusCancelled(StatusKind.HResult, hresultFromWin32(996))).toBe(false);
    expect(statusCancelled(StatusKind.Win32, hresultFromWin32(995))).toBe(false);
    expect(statusCancelled(StatusKind.NtStatus, 995)).toBe(false);
  });

  it('tells a stopped pin in each scheme: ERROR_BAD_COMMAND (22) is what DeviceIoControl reports for it', () => {
    // STATUS_INVALID_DEVICE_STATE 0xC0000184 → ERROR_BAD_COMMAND 22 (RtlNtStatusToDosError; PortAudio's pa_win_wdmks
    // sees it when audiodg holds the pin).
    expect(statusStopped(StatusKind.NtStatus, 0xc0000184)).toBe(true);
    expect(statusStopped(StatusKind.Win32, 22)).toBe(true);
    expect(statusStopped(StatusKind.HResult, 0x80070016)).toBe(true);
    expect(statusStopped(StatusKind.HResult, 22)).toBe(false);
    expect(statusStopped(StatusKind.Win32, 0x80070016)).toBe(false);
  });

  it('reads success from each scheme by its own rule', () => {
    // NTSTATUS: success and informational (top bit clear) are success, except STATUS_PENDING (0x103), which a
    // synchronous caller must not take as done; warnings (0x8…) and errors (0xC…) are not.
    expect(statusOk(StatusKind.NtStatus, 0)).toBe(true);
    expect(statusOk(StatusKind.NtStatus, 0x40000001)).toBe(true);
    expect(statusOk(StatusKind.NtStatus, 0x103)).toBe(false);
    expect(statusOk(StatusKind.NtStatus, 0x80000005)).toBe(false);
    expect(statusOk(StatusKind.NtStatus, 0xc0000001)).toBe(false);
    // Win32: only ERROR_SUCCESS.
    expect(statusOk(StatusKind.Win32, 0)).toBe(true);
    expect(statusOk(StatusKind.Win32, 1)).toBe(false);
    // HRESULT: severity bit clear, so S_OK (0) and S_FALSE (1) both succeed; E_FAIL (0x80004005) does not.
    expect(statusOk(StatusKind.HResult, 0)).toBe(true);
    expect(statusOk(StatusKind.HResult, 1)).toBe(true);
    expect(statusOk(StatusKind.HResult, 0x80004005)).toBe(false);
    expect(statusOk(StatusKind.HResult, 0x7fffffff)).toBe(true);
  });

  it('fills only the fields of the status scheme, and keeps the extra details given', () => {
    const w = KsError.fromStatus(StatusKind.Win32, 2, 'open filter', undefined, { pinId: 3 });
    expect(w).toMatchObject({ code: 'ERROR_FILE_NOT_FOUND', win32: 2, status: undefined, hresult: undefined });
    expect(w.details).toEqual({ pinId: 3, win32: 2 });
    expect(w.message).toBe('open filter: ERROR_FILE_NOT_FOUND (0x00000002)');
    // An HRESULT outside FACILITY_WIN32 carries no Win32 code.
    const hr = KsError.fromStatus(StatusKind.HResult, 0x80004005, 'create pin');
    expect(hr).toMatchObject({ code: 'E_FAIL', hresult: 0x80004005, win32: undefined, status: undefined });
    expect(hr.details).toEqual({ hresult: 0x80004005 });
    // An NTSTATUS DeviceIoControl has no Win32 code for here (0xC0001234, no status ntstatus.h names) leaves `win32`
    // out of the details altogether, not present as undefined.
    const nt = KsError.fromStatus(StatusKind.NtStatus, 0xc0001234, 'get property');
    expect(nt.code).toBe('NTSTATUS_0xC0001234');
    expect(nt.details).toStrictEqual({ status: 0xc0001234 });
    expect(Object.keys(nt.details)).toEqual(['status']);
  });

  it('maps a Win32 code back to the NTSTATUS a driver returned for it', () => {
    // ERROR_SUCCESS is STATUS_SUCCESS.
    expect(ntStatusForWin32(0)).toBe(0);
    // KB113996: STATUS_NOT_FOUND 0xC0000225 → ERROR_NOT_FOUND 1168; STATUS_INVALID_PARAMETER 0xC000000D → 87.
    expect(ntStatusForWin32(1168)).toBe(0xc0000225);
    expect(ntStatusForWin32(87)).toBe(0xc000000d);
    // 1117 (ERROR_IO_DEVICE) comes from both STATUS_DATA_OVERRUN 0xC000003C and STATUS_DATA_LATE_ERROR 0xC000003D:
    // the first (the lower value) is given.
    expect(ntStatusForWin32(1117)).toBe(0xc000003c);
    expect(ntStatusForWin32(4242)).toBeUndefined();
  });
});
