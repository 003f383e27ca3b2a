/**
 * KSATTRIBUTE lists: what follows a data range flagged KSDATARANGE_ATTRIBUTES
 * (or a format flagged KSDATAFORMAT_ATTRIBUTES) at the next 8-byte boundary —
 * a KSMULTIPLE_ITEM of KSATTRIBUTEs { ULONG Size; ULONG Flags; GUID Attribute }
 * (24 bytes, plus the attribute's own data), each on an 8-byte step. Mode-aware
 * audio drivers (Windows 8.1+) list their signal-processing modes this way
 * (KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE: the header and a mode GUID, 40
 * bytes); Microsoft's SYSVAD sample puts the bare 24-byte attribute in a range
 * ("this range takes a mode"). Read as untrusted input: every Size and Count is
 * checked; malformed → KsError ERR_MALFORMED_REPLY.
 *
 * GUID values: Microsoft's ksmedia.h, as the Windows SDK metadata (windows-rs)
 * and the driver docs ("KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE", "Audio Signal
 * Processing Modes") print them; mingw-w64's headers have none of them.
 */
import { readGuid, writeGuid, type Guid } from './guid';
import { KSMULTIPLE_ITEM_SIZE, malformedReply, readMultipleItem } from './multiple-item';

/** sizeof(KSATTRIBUTE) */
export const KSATTRIBUTE_SIZE = 24;
/** sizeof(KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE) */
export const KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE_SIZE = 40;
/** KSATTRIBUTE_REQUIRED: the attribute must be matched (KSATTRIBUTE.Flags). */
export const KSATTRIBUTE_REQUIRED = 0x1;

/** KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE */
export const KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE: Guid = '{E1F89EB5-5F46-419B-967B-FF6770B98401}';

/** AUDIO_SIGNALPROCESSINGMODE_*: the signal-processing modes Windows defines (8.1: DEFAULT, RAW; 10: the rest). */
export const AUDIO_SIGNALPROCESSINGMODE = {
  DEFAULT: '{C18E2F7E-933D-4965-B7D1-1EEF228D2AF3}',
  RAW: '{9E90EA20-B493-4FD1-A1A8-7E1361A956CF}',
  COMMUNICATIONS: '{98951333-B9CD-48B1-A0A3-FF40682D73F7}',
  SPEECH: '{FC1CFC9B-B9D6-4CFA-B5E0-4BB2166878B2}',
  MEDIA: '{4780004E-7133-41D8-8C74-660DADD2C0EE}',
  MOVIE: '{B26FEB0D-EC94-477C-9494-D1AB8E753F6E}',
  NOTIFICATION: '{9CF2A70B-F377-403B-BD6B-360863E0355C}',
  FAR_FIELD_SPEECH: '{28941CBA-3BE6-4A78-9A76-30FD91559B64}',
} as const satisfies Record<string, Guid>;

export type SignalProcessingModeName = keyof typeof AUDIO_SIGNALPROCESSINGMODE;

const ATTRIBUTE_NAMES: Record<string, string> = { [KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE]: 'KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE' };
const MODE_NAMES = new Map<string, SignalProcessingModeName>(
  Object.entries(AUDIO_SIGNALPROCESSINGMODE).map(([name, guid]) => [guid, name as SignalProcessingModeName]),
);

/** The short name of a signal-processing mode GUID ('DEFAULT', 'RAW', ...), or null for one Windows does not define. */
export function signalProcessingModeName(mode: Guid): SignalProcessingModeName | null {
  return MODE_NAMES.get(mode.toUpperCase()) ?? null;
}

/** One KSATTRIBUTE of a list, decoded. */
export interface KsAttribute {
  /** Attribute: the GUID saying what this is (KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE, ...). */
  attribute: Guid;
  /** The SDK name of `attribute` where this package knows it, else null. */
  name: string | null;
  /** Flags: KSATTRIBUTE_REQUIRED (1) when the attribute must be matched. */
  flags: number;
  /** Whether KSATTRIBUTE_REQUIRED is set. */
  required: boolean;
  /** Size: the attribute's bytes, its own data included (24 for a bare KSATTRIBUTE). */
  size: number;
  /**
   * For KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE (40 bytes): SignalProcessingMode, the mode's GUID and its name
   * ('DEFAULT', 'RAW', 'COMMUNICATIONS', ...; null for a mode Windows does not define). Absent for the bare
   * 24-byte mode attribute, which says only that the range takes a mode.
   */
  signalProcessingMode?: { guid: Guid; name: SignalProcessingModeName | null };
  /** The attribute's bytes, Size long. */
  raw: Buffer;
}

/**
 * Parses an attribute list: a KSMULTIPLE_ITEM whose Size lies inside `list`,
 * Count attributes of at least 24 bytes each, each starting on an 8-byte step
 * and ending inside Size; a mode attribute is the bare 24 bytes or at least 40.
 */
export function parseAttributeList(list: Buffer, operation: string, where = 'attribute list'): KsAttribute[] {
  const { size, count } = readMultipleItem(list, KSATTRIBUTE_SIZE, operation);
  const attributes: KsAttribute[] = [];
  let offset = KSMULTIPLE_ITEM_SIZE;
  for (let i = 0; i < count; i++) {
    if (offset + KSATTRIBUTE_SIZE > size) throw malformedReply(operation, `${where}: attribute ${i} at ${offset} runs past the list's Size ${size}`);
    const attributeSize = list.readUInt32LE(offset);
    if (attributeSize < KSATTRIBUTE_SIZE) throw malformedReply(operation, `${where}: attribute ${i} has Size ${attributeSize}, below 24`);
    if (offset + attributeSize > size) throw malformedReply(operation, `${where}: attribute ${i} (Size ${attributeSize}) runs past the list's Size ${size}`);
    const raw = Buffer.from(list.subarray(offset, offset + attributeSize));
    const flags = raw.readUInt32LE(4);
    const attribute = readGuid(raw, 8);
    const decoded: KsAttribute = { attribute, name: ATTRIBUTE_NAMES[attribute] ?? null, flags, required: (flags & KSATTRIBUTE_REQUIRED) !== 0, size: attributeSize, raw };
    if (attribute === KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE && attributeSize !== KSATTRIBUTE_SIZE) {
      if (attributeSize < KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE_SIZE) {
        throw malformedReply(operation, `${where}: attribute ${i} (KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE) has Size ${attributeSize}, neither 24 nor at least 40`);
      }
      const mode = readGuid(raw, KSATTRIBUTE_SIZE);
      decoded.signalProcessingMode = { guid: mode, name: signalProcessingModeName(mode) };
    }
    attributes.push(decoded);
    offset += (attributeSize + 7) & ~7;
  }
  return attributes;
}

/** What an attribute list to encode holds: a signal-processing mode (by name or GUID), or raw KSATTRIBUTE bytes. */
export type AttributeInit = { signalProcessingMode: SignalProcessingModeName | Guid; required?: boolean } | Buffer;

/**
 * Encodes an attribute list (KSMULTIPLE_ITEM of KSATTRIBUTEs on 8-byte steps):
 * a mode becomes a 40-byte KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE; a Buffer is
 * taken as a whole KSATTRIBUTE (its Size must be its length, at least 24).
 */
export function encodeAttributeList(items: readonly AttributeInit[], field = 'attributes'): Buffer {
  if (!Array.isArray(items)) throw new TypeError(`${field} must be an array of attributes`);
  const encoded = items.map((item, i) => {
    if (Buffer.isBuffer(item)) {
      if (item.length < KSATTRIBUTE_SIZE || item.readUInt32LE(0) !== item.length) {
        throw new RangeError(`${field}[${i}] must be a whole KSATTRIBUTE: at least 24 bytes, its Size field equal to its length`);
      }
      return item;
    }
    if (item === null || typeof item !== 'object' || typeof item.signalProcessingMode !== 'string') {
      throw new TypeError(`${field}[${i}] must be { signalProcessingMode } or a Buffer holding a KSATTRIBUTE`);
    }
    const known = AUDIO_SIGNALPROCESSINGMODE[item.signalProcessingMode.toUpperCase() as SignalProcessingModeName];
    const mode = known ?? (item.signalProcessingMode.includes('-') ? item.signalProcessingMode : undefined);
    if (!mode) throw new RangeError(`${field}[${i}].signalProcessingMode must be one of ${Object.keys(AUDIO_SIGNALPROCESSINGMODE).join(', ')} or a GUID, got "${item.signalProcessingMode}"`);
    const b = Buffer.alloc(KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE_SIZE);
    b.writeUInt32LE(KSATTRIBUTE_AUDIOSIGNALPROCESSING_MODE_SIZE, 0);
    b.writeUInt32LE(item.required ? KSATTRIBUTE_REQUIRED : 0, 4);
    writeGuid(b, 8, KSATTRIBUTEID_AUDIOSIGNALPROCESSING_MODE);
    writeGuid(b, KSATTRIBUTE_SIZE, mode);
    return b;
  });
  let size = KSMULTIPLE_ITEM_SIZE;
  for (const item of encoded) size += (item.length + 7) & ~7;
  const list = Buffer.alloc(size);
  list.writeUInt32LE(size, 0);
  list.writeUInt32LE(encoded.length, 4);
  let offset = KSMULTIPLE_ITEM_SIZE;
  for (const item of encoded) {
    item.copy(list, offset);
    offset += (item.length + 7) & ~7;
  }
  return list;
}
