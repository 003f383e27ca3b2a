/**
 * The one integer check every typed entry point uses before anything reaches
 * native code: a TypeError for what is not an integer, a RangeError for one
 * outside the range, both naming the field and the range allowed.
 */
export function checkInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${field} must be an integer in ${min}..${max}, got ${String(value)}`);
  }
  if (value < min || value > max) throw new RangeError(`${field} must be an integer in ${min}..${max}, got ${value}`);
  return value;
}

export const UINT32_MAX = 0xffffffff;

/** A ULONG field: an integer in 0..2^32−1. */
export function checkUint32(value: unknown, field: string): number {
  return checkInteger(value, field, 0, UINT32_MAX);
}
