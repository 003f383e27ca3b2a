import { describe, expect, it } from 'vitest';
import { KsError, StatusKind, statusName } from '../lib/index';

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
