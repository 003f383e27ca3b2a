/**
 * The device profile document: what `recordProfile` reads off a KS filter
 * (every request it sent, with the status and bytes the driver answered) and
 * what `loadProfile` replays on the emulator. Versioned JSON; raw bytes as
 * base64 beside a decoded summary that is only informational (replay uses
 * the raw answers). A document is untrusted input: `parseProfile` checks
 * every field and every size before anything is built from it.
 */
import { KsError, StatusKind, statusName } from '../base/errors';
import { normalizeGuid, type Guid } from '../structs/guid';

export const PROFILE_FORMAT = 'kernel-streaming-profile';
export const PROFILE_VERSION = 1;
/** Bounds a profile must keep (a real filter's replies are far smaller). */
export const PROFILE_LIMITS = { filters: 16, requestsPerFilter: 20_000, replyBytes: 1024 * 1024, instanceBytes: 256, pins: 256 } as const;

/** Where a request went: the filter handle, or an instance of pin factory `pinId` (opened in STOP, never run). */
export type ProfileTarget = 'filter' | 'pin-instance';
/** The KSPROPERTY_TYPE of the request. */
export type ProfileRequestKind = 'get' | 'basicSupport' | 'setSupport' | 'defaultValues';

/** A status as the backend reported it (NTSTATUS on the emulator, a Win32 code through DeviceIoControl). */
export interface ProfileStatus {
  scheme: 'ntstatus' | 'win32' | 'hresult';
  value: number;
  name: string;
}

/** One answered request. */
export interface ProfileRequest {
  target: ProfileTarget;
  /** For 'pin-instance': the pin factory the instance was created from. */
  pinId?: number;
  set: Guid;
  id: number;
  kind: ProfileRequestKind;
  /** The full KSPROPERTY Flags sent (with KSPROPERTY_TYPE_TOPOLOGY for node requests). */
  flags: number;
  /** The request's bytes after its KSPROPERTY (KSP_PIN's PinId, KSP_NODE's NodeId, ...), base64. */
  instance: string;
  /** `set` and `id` by name, where this package knows them (informational). */
  name?: string;
  /** The zero-length size query's answer: its status and Information. Absent for SETSUPPORT. */
  sizeQuery?: { status: ProfileStatus; information: number };
  /** The data query's answer (when the size query gave a size) or the size query's own, if it succeeded. */
  reply: { status: ProfileStatus; information: number; data: string };
}

/** A pin factory that could not be opened to read its instance properties, and why. */
export interface ProfilePinCreate {
  pinId: number;
  ok: boolean;
  /** The format the instance was created in (KSDATAFORMAT bytes, base64), when it was. */
  dataFormat?: string;
  /** The error code and message, when it was refused. */
  error?: { code: string; message: string };
}

export interface ProfileFilter {
  /** A local key: other filters' physical connections point at it. */
  key: string;
  friendlyName: string;
  /** The device interface path; null when anonymized. */
  path: string | null;
  categories: Guid[];
  requests: ProfileRequest[];
  pinCreates: ProfilePinCreate[];
  /** PHYSICALCONNECTION answers, as keys of other filters in this document (pin factory → { filter, pinId }). */
  physicalConnections: { pinId: number; filter: string | null; pinIdThere: number }[];
  /** What a reader would want to see (pins(), topology(), property sets); informational only. */
  decoded?: unknown;
}

export interface ProfileDocument {
  format: typeof PROFILE_FORMAT;
  version: number;
  recordedAt: string;
  recordedWith: { package: string; backend: string; platform: string };
  anonymized: boolean;
  /** What the document holds, in words, so its owner knows what they share. */
  contains: string[];
  filters: ProfileFilter[];
}

function invalid(where: string, message: string): KsError {
  return new KsError('ERR_MALFORMED_REPLY', 'load profile', `${where}: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function uint(value: unknown, where: string, max = 0xffffffff): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw invalid(where, `must be an integer in 0..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw invalid(where, `must be a string, got ${JSON.stringify(value)}`);
  return value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes base64 that must be canonical and at most `max` bytes. */
export function base64Bytes(value: unknown, where: string, max: number): Buffer {
  const s = text(value, where);
  if (s.length % 4 !== 0 || !BASE64.test(s)) throw invalid(where, 'is not base64');
  if ((s.length / 4) * 3 > max + 2) throw invalid(where, `holds more than ${max} bytes`);
  return Buffer.from(s, 'base64');
}

function status(value: unknown, where: string): ProfileStatus {
  if (!isObject(value)) throw invalid(where, 'must be an object { scheme, value, name }');
  const scheme = value.scheme;
  if (scheme !== 'ntstatus' && scheme !== 'win32' && scheme !== 'hresult') {
    throw invalid(`${where}.scheme`, `must be 'ntstatus', 'win32' or 'hresult', got ${JSON.stringify(scheme)}`);
  }
  return { scheme, value: uint(value.value, `${where}.value`), name: typeof value.name === 'string' ? value.name : '' };
}

const KINDS: readonly ProfileRequestKind[] = ['get', 'basicSupport', 'setSupport', 'defaultValues'];

function request(value: unknown, where: string, pins: number): ProfileRequest {
  if (!isObject(value)) throw invalid(where, 'must be an object');
  const target = value.target;
  if (target !== 'filter' && target !== 'pin-instance') throw invalid(`${where}.target`, `must be 'filter' or 'pin-instance', got ${JSON.stringify(target)}`);
  const kind = value.kind as ProfileRequestKind;
  if (!KINDS.includes(kind)) throw invalid(`${where}.kind`, `must be one of ${KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  let set: Guid;
  try {
    set = normalizeGuid(text(value.set, `${where}.set`), `${where}.set`);
  } catch (e) {
    throw invalid(`${where}.set`, e instanceof Error ? e.message : String(e));
  }
  const out: ProfileRequest = {
    target,
    set,
    id: uint(value.id, `${where}.id`),
    kind,
    flags: uint(value.flags, `${where}.flags`),
    instance: text(value.instance, `${where}.instance`),
    reply: { status: { scheme: 'ntstatus', value: 0, name: '' }, information: 0, data: '' },
  };
  base64Bytes(out.instance, `${where}.instance`, PROFILE_LIMITS.instanceBytes);
  if (target === 'pin-instance') out.pinId = uint(value.pinId, `${where}.pinId`, pins - 1);
  if (typeof value.name === 'string') out.name = value.name;
  if (value.sizeQuery !== undefined) {
    if (!isObject(value.sizeQuery)) throw invalid(`${where}.sizeQuery`, 'must be an object');
    out.sizeQuery = {
      status: status(value.sizeQuery.status, `${where}.sizeQuery.status`),
      information: uint(value.sizeQuery.information, `${where}.sizeQuery.information`),
    };
  }
  if (!isObject(value.reply)) throw invalid(`${where}.reply`, 'must be an object');
  const data = base64Bytes(value.reply.data, `${where}.reply.data`, PROFILE_LIMITS.replyBytes);
  const information = uint(value.reply.information, `${where}.reply.information`);
  // A successful reply claims exactly the bytes it carries; a failed one carries none it could have written.
  const replyStatus = status(value.reply.status, `${where}.reply.status`);
  if (information > PROFILE_LIMITS.replyBytes) throw invalid(`${where}.reply.information`, `claims ${information} bytes, more than ${PROFILE_LIMITS.replyBytes}`);
  if (data.length > information && information !== 0) throw invalid(`${where}.reply.data`, `holds ${data.length} bytes but Information says ${information}`);
  out.reply = { status: replyStatus, information, data: value.reply.data as string };
  return out;
}

function filter(value: unknown, where: string): ProfileFilter {
  if (!isObject(value)) throw invalid(where, 'must be an object');
  if (!Array.isArray(value.requests)) throw invalid(`${where}.requests`, 'must be an array');
  if (value.requests.length > PROFILE_LIMITS.requestsPerFilter) throw invalid(`${where}.requests`, `has ${value.requests.length} entries, more than ${PROFILE_LIMITS.requestsPerFilter}`);
  if (!Array.isArray(value.categories)) throw invalid(`${where}.categories`, 'must be an array of GUIDs');
  const pinCreates = Array.isArray(value.pinCreates) ? value.pinCreates : [];
  const pins = PROFILE_LIMITS.pins;
  const out: ProfileFilter = {
    key: text(value.key, `${where}.key`),
    friendlyName: text(value.friendlyName, `${where}.friendlyName`),
    path: value.path === null ? null : text(value.path, `${where}.path`),
    categories: value.categories.map((c, i) => {
      try {
        return normalizeGuid(text(c, `${where}.categories[${i}]`), `${where}.categories[${i}]`);
      } catch (e) {
        throw invalid(`${where}.categories[${i}]`, e instanceof Error ? e.message : String(e));
      }
    }),
    requests: value.requests.map((r, i) => request(r, `${where}.requests[${i}]`, pins)),
    pinCreates: pinCreates.map((p, i) => {
      const at = `${where}.pinCreates[${i}]`;
      if (!isObject(p)) throw invalid(at, 'must be an object');
      const entry: ProfilePinCreate = { pinId: uint(p.pinId, `${at}.pinId`, pins - 1), ok: p.ok === true };
      if (typeof p.dataFormat === 'string') {
        base64Bytes(p.dataFormat, `${at}.dataFormat`, PROFILE_LIMITS.replyBytes);
        entry.dataFormat = p.dataFormat;
      }
      if (isObject(p.error)) entry.error = { code: text(p.error.code, `${at}.error.code`), message: text(p.error.message, `${at}.error.message`) };
      return entry;
    }),
    physicalConnections: (Array.isArray(value.physicalConnections) ? value.physicalConnections : []).map((c, i) => {
      const at = `${where}.physicalConnections[${i}]`;
      if (!isObject(c)) throw invalid(at, 'must be an object');
      return { pinId: uint(c.pinId, `${at}.pinId`, pins - 1), filter: c.filter === null ? null : text(c.filter, `${at}.filter`), pinIdThere: uint(c.pinIdThere, `${at}.pinIdThere`) };
    }),
  };
  if (value.decoded !== undefined) out.decoded = value.decoded;
  return out;
}

/**
 * Checks a profile document (parsed JSON or its text) and returns it typed.
 * Refuses, with the field named: another format, a newer version, a
 * truncated or corrupt document, sizes past PROFILE_LIMITS.
 */
export function parseProfile(input: unknown): ProfileDocument {
  let value = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      value = JSON.parse(input.toString());
    } catch (e) {
      throw invalid('profile', `is not JSON (truncated or corrupt?): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (!isObject(value)) throw invalid('profile', 'must be a JSON object');
  if (value.format !== PROFILE_FORMAT) throw invalid('profile.format', `must be '${PROFILE_FORMAT}', got ${JSON.stringify(value.format)}`);
  const version = uint(value.version, 'profile.version');
  if (version > PROFILE_VERSION) {
    throw invalid('profile.version', `is ${version}; this package reads version ${PROFILE_VERSION} and older: update kernel-streaming`);
  }
  if (version < 1) throw invalid('profile.version', 'must be 1 or more');
  if (!Array.isArray(value.filters) || value.filters.length === 0) throw invalid('profile.filters', 'must be a non-empty array');
  if (value.filters.length > PROFILE_LIMITS.filters) throw invalid('profile.filters', `has ${value.filters.length} filters, more than ${PROFILE_LIMITS.filters}`);
  const filters = value.filters.map((f, i) => filter(f, `profile.filters[${i}]`));
  const keys = new Set(filters.map((f) => f.key));
  if (keys.size !== filters.length) throw invalid('profile.filters', 'two filters share a key');
  for (const f of filters) {
    for (const c of f.physicalConnections) {
      if (c.filter !== null && !keys.has(c.filter)) throw invalid(`profile.filters[${f.key}].physicalConnections`, `names filter "${c.filter}", which the profile does not hold`);
    }
  }
  const recordedWith = isObject(value.recordedWith) ? value.recordedWith : {};
  return {
    format: PROFILE_FORMAT,
    version,
    recordedAt: typeof value.recordedAt === 'string' ? value.recordedAt : '',
    recordedWith: {
      package: String(recordedWith.package ?? ''),
      backend: String(recordedWith.backend ?? ''),
      platform: String(recordedWith.platform ?? ''),
    },
    anonymized: value.anonymized === true,
    contains: Array.isArray(value.contains) ? value.contains.map(String) : [],
    filters,
  };
}

/** A status triple's scheme and name, for the document. */
export function profileStatus(kind: StatusKind, value: number): ProfileStatus {
  const scheme = kind === StatusKind.NtStatus ? 'ntstatus' : kind === StatusKind.Win32 ? 'win32' : 'hresult';
  return { scheme, value: value >>> 0, name: statusName(kind, value) };
}
