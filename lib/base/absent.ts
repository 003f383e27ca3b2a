/**
 * "The driver does not have this": the statuses that mean a property, set or
 * item is absent rather than broken, in every numbering a KS request can
 * report them in. STATUS_NOT_FOUND / ERROR_NOT_FOUND (1168) is what most
 * drivers answer for an unknown property; STATUS_PROPSET_NOT_FOUND /
 * ERROR_SET_NOT_FOUND (1170) is what KS answers for an unknown set;
 * STATUS_NOT_SUPPORTED / ERROR_NOT_SUPPORTED (50) what others answer. Each
 * counts the same (KS-NOTES, "Status codes as Win32 errors").
 */
import { KsError } from './errors';

/** Win32 codes for "absent" (the NTSTATUSes map to these; HRESULT_FROM_WIN32 of them too). */
export const ABSENT_WIN32 = new Set([
  50, // ERROR_NOT_SUPPORTED (STATUS_NOT_SUPPORTED)
  1168, // ERROR_NOT_FOUND (STATUS_NOT_FOUND)
  1170, // ERROR_SET_NOT_FOUND (STATUS_PROPSET_NOT_FOUND)
]);

/** Whether `e` is a KsError saying the property, set or item is absent. */
export function isAbsent(e: unknown): boolean {
  return e instanceof KsError && e.win32 !== undefined && ABSENT_WIN32.has(e.win32);
}
