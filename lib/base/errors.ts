/**
 * KsError: a failed KS operation, with the status it came from kept in its
 * own numbering scheme (NTSTATUS from the kernel or the emulator, Win32 from
 * DeviceIoControl and the old ksuser entry points, HRESULT from the *2 entry
 * points and COM) and a name for it in `code`.
 */

/** Which numbering a native status value is in (matches native/ks_status.h). */
export enum StatusKind {
  NtStatus = 0,
  Win32 = 1,
  HResult = 2,
}

const NTSTATUS_NAMES_LITERAL = {
  0x00000000: 'STATUS_SUCCESS',
  0x00000103: 'STATUS_PENDING',
  0x80000005: 'STATUS_BUFFER_OVERFLOW',
  0x80000011: 'STATUS_DEVICE_BUSY',
  0x8000001a: 'STATUS_NO_MORE_ENTRIES',
  0xc0000001: 'STATUS_UNSUCCESSFUL',
  0xc0000005: 'STATUS_ACCESS_VIOLATION',
  0xc0000008: 'STATUS_INVALID_HANDLE',
  0xc000000d: 'STATUS_INVALID_PARAMETER',
  0xc000000e: 'STATUS_NO_SUCH_DEVICE',
  0xc0000010: 'STATUS_INVALID_DEVICE_REQUEST',
  0xc0000022: 'STATUS_ACCESS_DENIED',
  0xc0000023: 'STATUS_BUFFER_TOO_SMALL',
  0xc0000033: 'STATUS_OBJECT_NAME_INVALID',
  0xc0000034: 'STATUS_OBJECT_NAME_NOT_FOUND',
  0xc000009a: 'STATUS_INSUFFICIENT_RESOURCES',
  0xc000009d: 'STATUS_DEVICE_NOT_CONNECTED',
  0xc000003c: 'STATUS_DATA_OVERRUN',
  0xc000003d: 'STATUS_DATA_LATE_ERROR',
  0xc00000a3: 'STATUS_DEVICE_NOT_READY',
  0xc00000bb: 'STATUS_NOT_SUPPORTED',
  0xc0000120: 'STATUS_CANCELLED',
  0xc0000184: 'STATUS_INVALID_DEVICE_STATE',
  0xc0000225: 'STATUS_NOT_FOUND',
  0xc0000230: 'STATUS_PROPSET_NOT_FOUND',
  0xc0000272: 'STATUS_NO_MATCH',
  0xc00002b6: 'STATUS_DEVICE_REMOVED',
  0xc0000206: 'STATUS_INVALID_BUFFER_SIZE',
} as const;
const NTSTATUS_NAMES: Record<number, string> = NTSTATUS_NAMES_LITERAL;

const WIN32_NAMES_LITERAL = {
  0: 'ERROR_SUCCESS',
  1: 'ERROR_INVALID_FUNCTION',
  2: 'ERROR_FILE_NOT_FOUND',
  3: 'ERROR_PATH_NOT_FOUND',
  5: 'ERROR_ACCESS_DENIED',
  6: 'ERROR_INVALID_HANDLE',
  8: 'ERROR_NOT_ENOUGH_MEMORY',
  21: 'ERROR_NOT_READY',
  22: 'ERROR_BAD_COMMAND',
  31: 'ERROR_GEN_FAILURE',
  50: 'ERROR_NOT_SUPPORTED',
  87: 'ERROR_INVALID_PARAMETER',
  122: 'ERROR_INSUFFICIENT_BUFFER',
  123: 'ERROR_INVALID_NAME',
  126: 'ERROR_MOD_NOT_FOUND',
  127: 'ERROR_PROC_NOT_FOUND',
  170: 'ERROR_BUSY',
  234: 'ERROR_MORE_DATA',
  259: 'ERROR_NO_MORE_ITEMS',
  433: 'ERROR_NO_SUCH_DEVICE',
  995: 'ERROR_OPERATION_ABORTED',
  998: 'ERROR_NOACCESS',
  997: 'ERROR_IO_PENDING',
  1117: 'ERROR_IO_DEVICE',
  1167: 'ERROR_DEVICE_NOT_CONNECTED',
  1168: 'ERROR_NOT_FOUND',
  1170: 'ERROR_SET_NOT_FOUND',
  0x491: 'ERROR_NO_MATCH',
  0x139f: 'ERROR_INVALID_STATE',
  1617: 'ERROR_DEVICE_REMOVED',
  1784: 'ERROR_INVALID_USER_BUFFER',
  120: 'ERROR_CALL_NOT_IMPLEMENTED',
} as const;
const WIN32_NAMES: Record<number, string> = WIN32_NAMES_LITERAL;

const HRESULT_NAMES_LITERAL = {
  0x00000000: 'S_OK',
  0x00000001: 'S_FALSE',
  0x80004001: 'E_NOTIMPL',
  0x80004002: 'E_NOINTERFACE',
  0x80004003: 'E_POINTER',
  0x80004005: 'E_FAIL',
  0x8000ffff: 'E_UNEXPECTED',
  0x80070005: 'E_ACCESSDENIED',
  0x8007000e: 'E_OUTOFMEMORY',
  0x80070057: 'E_INVALIDARG',
  0x80010106: 'RPC_E_CHANGED_MODE',
  0x800401f0: 'CO_E_NOTINITIALIZED',
} as const;
const HRESULT_NAMES: Record<number, string> = HRESULT_NAMES_LITERAL;

/**
 * The Win32 code DeviceIoControl reports for an NTSTATUS (the part of
 * RtlNtStatusToDosError that KS requests meet), so code that checks `win32`
 * works on the emulator as on Windows. Checked entry by entry against
 * RtlNtStatusToDosError under Wine (test/status-table.test.ts), and against
 * Microsoft's published table ("INFO: Mapping NT Status Error Codes to Win32
 * Error Codes", KB113996; kept by OSR at
 * https://www.osr.com/blog/2020/04/23/ntstatus-to-win32-error-code-mappings/).
 */
export const NTSTATUS_TO_WIN32: Readonly<Record<number, number>> = {
  0x80000005: 234,
  0x80000011: 170,
  0x8000001a: 259,
  0xc0000001: 31,
  0xc0000005: 998, // a stream buffer that failed the kernel's probe
  0xc0000008: 6,
  0xc000000d: 87,
  0xc000000e: 433, // STATUS_NO_SUCH_DEVICE → ERROR_NO_SUCH_DEVICE (RtlNtStatusToDosError under Wine; KB113996, from NT 4, gave ERROR_FILE_NOT_FOUND)
  0xc0000010: 1,
  0xc0000022: 5,
  0xc0000023: 122,
  0xc0000033: 123,
  0xc0000034: 2,
  0xc000009a: 1450,
  0xc000009d: 1167,
  0xc000003c: 1117,
  0xc000003d: 1117,
  0xc00000a3: 21, // ERROR_NOT_READY: a device not ready yet (pin creates on a just-plugged camera; WaveRT GETREADPACKET)
  0xc00000bb: 50,
  0xc0000120: 995,
  0xc0000184: 22, // STATUS_INVALID_DEVICE_STATE → ERROR_BAD_COMMAND (what PortAudio sees when audiodg holds a pin)
  0xc0000225: 1168,
  0xc0000230: 1170, // STATUS_PROPSET_NOT_FOUND → ERROR_SET_NOT_FOUND
  0xc0000272: 0x491,
  0xc00002b6: 1617,
  0xc0000206: 1784, // ERROR_INVALID_USER_BUFFER: a stream header buffer KsProbeStreamIrp refuses
};

function hex(value: number): string {
  return '0x' + (value >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** The NTSTATUS value of a name this package knows (STATUS_NOT_FOUND, ...), or undefined. */
export function ntStatusValue(name: string): number | undefined {
  for (const [value, known] of Object.entries(NTSTATUS_NAMES)) if (known === name) return Number(value);
  return undefined;
}

/** The name of a status in its own scheme, e.g. STATUS_NO_MATCH, ERROR_NO_MATCH, E_NOTIMPL. */
export function statusName(kind: StatusKind, value: number): string {
  value >>>= 0;
  switch (kind) {
    case StatusKind.NtStatus:
      return NTSTATUS_NAMES[value] ?? `NTSTATUS_${hex(value)}`;
    case StatusKind.Win32:
      return WIN32_NAMES[value] ?? `WIN32_ERROR_${value}`;
    case StatusKind.HResult: {
      if (HRESULT_NAMES[value]) return HRESULT_NAMES[value];
      // HRESULT_FROM_WIN32: name the Win32 code inside it.
      if (((value & 0xffff0000) >>> 0) === 0x80070000) return statusName(StatusKind.Win32, value & 0xffff);
      return `HRESULT_${hex(value)}`;
    }
  }
}

/**
 * Whether a status says the request was cancelled (the handle closed or the
 * I/O was cancelled): STATUS_CANCELLED, ERROR_OPERATION_ABORTED, or its HRESULT.
 */
export function statusCancelled(kind: StatusKind, value: number): boolean {
  value >>>= 0;
  if (kind === StatusKind.NtStatus) return value === 0xc0000120;
  if (kind === StatusKind.Win32) return value === 995;
  return value === 0x800703e3;
}

/**
 * Whether a status says the pin refused I/O because it is stopped:
 * STATUS_INVALID_DEVICE_STATE, or what DeviceIoControl reports for it,
 * ERROR_BAD_COMMAND (RtlNtStatusToDosError; NTSTATUS_TO_WIN32 above), or its
 * HRESULT. (It was ERROR_INVALID_STATE, 5023, which is not what DeviceIoControl gives for it: a
 * capture stream on Windows ended with an error where it should have ended;
 * test/win32-statuses.test.ts runs that path on the emulator.)
 */
export function statusStopped(kind: StatusKind, value: number): boolean {
  value >>>= 0;
  if (kind === StatusKind.NtStatus) return value === 0xc0000184;
  if (kind === StatusKind.Win32) return value === NTSTATUS_TO_WIN32[0xc0000184];
  return value === (0x80070000 | NTSTATUS_TO_WIN32[0xc0000184]) >>> 0;
}

/** Whether a status value in its scheme means success. */
export function statusOk(kind: StatusKind, value: number): boolean {
  switch (kind) {
    case StatusKind.NtStatus:
      return (value | 0) >= 0 && value !== 0x103;
    case StatusKind.Win32:
      return value === 0;
    case StatusKind.HResult:
      return (value | 0) >= 0;
  }
}

export interface KsErrorDetails {
  /** NTSTATUS, where the failure was reported as one (the emulator, the kernel). */
  status?: number;
  /** Win32 error code: DeviceIoControl, KsCreatePin & co, or the NTSTATUS's Win32 equivalent. */
  win32?: number;
  /** HRESULT: KsCreatePin2 & co, COM. */
  hresult?: number;
  /** Extra facts about the failure (the field, the pin id, ...). */
  [key: string]: unknown;
}

/**
 * Codes of failures that carry no platform status: ERR_CLOSED (the handle is
 * closed), ERR_CANCELED (a pending request ended by a close or stop),
 * ERR_BACKEND_UNAVAILABLE (the backend asked for cannot load here),
 * ERR_MALFORMED_REPLY (a driver's reply failed its checks),
 * ERR_DEVICE_NOT_FOUND / ERR_DEVICE_AMBIGUOUS (a device name that matches no
 * device, or several).
 */
export type KsLocalCode = 'ERR_CLOSED' | 'ERR_CANCELED' | 'ERR_BACKEND_UNAVAILABLE' | 'ERR_MALFORMED_REPLY' | 'ERR_DEVICE_NOT_FOUND' | 'ERR_DEVICE_AMBIGUOUS';

/** NTSTATUS names this package knows (the kernel's and the emulator's statuses). */
export type KsNtStatusCode = (typeof NTSTATUS_NAMES_LITERAL)[keyof typeof NTSTATUS_NAMES_LITERAL];
/** Win32 error names this package knows (DeviceIoControl, KsCreatePin & co). */
export type KsWin32Code = (typeof WIN32_NAMES_LITERAL)[keyof typeof WIN32_NAMES_LITERAL];
/** HRESULT names this package knows (KsCreatePin2 & co, COM). */
export type KsHResultCode = (typeof HRESULT_NAMES_LITERAL)[keyof typeof HRESULT_NAMES_LITERAL];
/** A status this package has no name for, in its scheme: NTSTATUS_0x…, WIN32_ERROR_n, HRESULT_0x…. */
export type KsUnnamedStatusCode = `NTSTATUS_0x${string}` | `WIN32_ERROR_${number}` | `HRESULT_0x${string}`;
/** Every value KsError.code takes. */
export type KsErrorCode = KsLocalCode | KsNtStatusCode | KsWin32Code | KsHResultCode | KsUnnamedStatusCode;

export class KsError extends Error {
  /**
   * What failed, as a name: the NTSTATUS, Win32 or HRESULT name of the status
   * (STATUS_NO_MATCH, ERROR_NO_MATCH, E_NOTIMPL, ...), or one of the local
   * codes (ERR_CLOSED, ERR_CANCELED, ...) for failures with no status.
   */
  readonly code: KsErrorCode;
  /** What was being done, e.g. "create allocator". */
  readonly operation: string;
  readonly status?: number;
  readonly win32?: number;
  readonly hresult?: number;
  readonly details: Readonly<KsErrorDetails>;

  constructor(code: KsErrorCode, operation: string, message: string, details: KsErrorDetails = {}) {
    super(`${operation}: ${message}`);
    this.name = 'KsError';
    this.code = code;
    this.operation = operation;
    this.status = details.status;
    this.win32 = details.win32;
    this.hresult = details.hresult;
    this.details = details;
  }

  /** A KsError from a native status; `hint` says what the status means here. */
  static fromStatus(kind: StatusKind, value: number, operation: string, hint?: string, extra: KsErrorDetails = {}): KsError {
    value >>>= 0;
    const code = statusName(kind, value);
    const details: KsErrorDetails = { ...extra };
    if (kind === StatusKind.NtStatus) {
      details.status = value;
      if (NTSTATUS_TO_WIN32[value] !== undefined) details.win32 = NTSTATUS_TO_WIN32[value];
    } else if (kind === StatusKind.Win32) {
      details.win32 = value;
    } else {
      details.hresult = value;
      if (((value & 0xffff0000) >>> 0) === 0x80070000) details.win32 = value & 0xffff;
    }
    return new KsError(code as KsErrorCode, operation, `${code} (${hex(value)})${hint ? ': ' + hint : ''}`, details);
  }

  static closed(operation: string, what: string): KsError {
    return new KsError('ERR_CLOSED', operation, `the ${what} is closed`);
  }
}

/** The Win32 code for an NTSTATUS, where DeviceIoControl would report one. */
export function win32ForNtStatus(status: number): number | undefined {
  return NTSTATUS_TO_WIN32[status >>> 0];
}

/**
 * The NTSTATUS a driver returned for a Win32 code DeviceIoControl reported
 * (the inverse of win32ForNtStatus; where several map to one code, the first
 * in the table), or undefined. ERROR_SUCCESS is STATUS_SUCCESS.
 */
export function ntStatusForWin32(win32: number): number | undefined {
  if (win32 === 0) return 0;
  for (const [status, code] of Object.entries(NTSTATUS_TO_WIN32)) if (code === win32) return Number(status);
  return undefined;
}

/** The same failure told with a fuller `operation` and, where given, a hint after its status (the status is never repeated). */
export function reframeError(e: KsError, operation: string, hint?: string): KsError {
  const inner = e.message.startsWith(`${e.operation}: `) ? e.message.slice(e.operation.length + 2) : e.message;
  return new KsError(e.code, operation, hint ? `${inner}: ${hint}` : inner, e.details);
}
