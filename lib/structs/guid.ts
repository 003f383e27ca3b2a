/**
 * GUIDs as the canonical upper-case string "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}",
 * and their 16-byte in-memory layout (Data1..Data3 little-endian).
 */


/**
 * A GUID written out, with or without braces ("{6994AD04-93EF-11D0-A3CC-00A0C9223196}"): the type of options that take
 * a name or a GUID, so that a misspelt name (which has no dashes) fails to type-check instead of failing at run time.
 */
export type GuidString = `${string}-${string}-${string}-${string}-${string}`;

/** A GUID as this package writes it: "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", upper case. */
export type Guid = GuidString;

const GUID_PATTERN = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;

/** Normalises any GUID spelling to "{XXXXXXXX-...}"; throws TypeError for anything else. */
export function normalizeGuid(value: string, field = 'guid'): Guid {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a GUID string, got ${typeof value}`);
  const m = GUID_PATTERN.exec(value.trim());
  if (!m) throw new TypeError(`${field} must be a GUID like {6994AD04-93EF-11D0-A3CC-00A0C9223196}, got "${value}"`);
  return `{${m.slice(1).join('-').toUpperCase()}}` as Guid;
}

export function isGuid(value: unknown): value is Guid {
  return typeof value === 'string' && GUID_PATTERN.test(value.trim());
}

/** Writes a GUID's 16 bytes at `offset`. */
export function writeGuid(target: Buffer, offset: number, value: Guid | string): void {
  const m = GUID_PATTERN.exec(normalizeGuid(value))!;
  target.writeUInt32LE(parseInt(m[1], 16), offset);
  target.writeUInt16LE(parseInt(m[2], 16), offset + 4);
  target.writeUInt16LE(parseInt(m[3], 16), offset + 6);
  Buffer.from(m[4] + m[5], 'hex').copy(target, offset + 8);
}

export function guidToBuffer(value: Guid | string): Buffer {
  const b = Buffer.alloc(16);
  writeGuid(b, 0, value);
  return b;
}

/** Reads the 16 bytes at `offset` as a GUID. */
export function readGuid(source: Buffer, offset = 0): Guid {
  if (offset < 0 || offset + 16 > source.length) throw new RangeError(`a GUID at offset ${offset} lies outside the ${source.length}-byte buffer`);
  const d1 = source.readUInt32LE(offset).toString(16).padStart(8, '0');
  const d2 = source.readUInt16LE(offset + 4).toString(16).padStart(4, '0');
  const d3 = source.readUInt16LE(offset + 6).toString(16).padStart(4, '0');
  const d4 = source.subarray(offset + 8, offset + 10).toString('hex');
  const d5 = source.subarray(offset + 10, offset + 16).toString('hex');
  return `{${d1}-${d2}-${d3}-${d4}-${d5}}`.toUpperCase() as Guid;
}

export const NULL_GUID: Guid = '{00000000-0000-0000-0000-000000000000}';
