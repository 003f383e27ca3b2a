/**
 * recordProfile: reads everything a client can read off a KS filter without
 * streaming, and keeps each answer exactly as the driver gave it (status,
 * Information, bytes), refusals included, so `loadProfile` can replay the
 * device anywhere. Safe on real hardware by construction: it sends only
 * KSPROPERTY_TYPE_GET, BASICSUPPORT, SETSUPPORT and DEFAULTVALUES requests
 * (never a SET, never a method, never streaming), bounds every reply
 * (PROFILE_LIMITS.replyBytes) and every walk (pins, nodes, channels,
 * physically connected filters). Pin instances are created in KSSTATE_STOP
 * to read their framing and stream-interface properties, then closed: that
 * is what `inspect` does too, and on a device held by another application
 * the refusal is what gets recorded.
 */
import { createRequire } from 'node:module';
import { KsError, statusOk } from '../base/errors';
import { IOCTL_KS, KSPROPERTY_TYPE, KSPROPERTY_CONNECTION, KSPROPERTY_PIN, KSPROPERTY_TOPOLOGY, KSPROPERTY_AUDIO, KSPROPSETID, KSPROPERTY_GENERAL, KSNODETYPE } from '../structs/constants';
import { encodeIdentifier, audioChannelInstance, pinInstance } from '../structs/request';
import { readGuid, type Guid } from '../structs/guid';
import { propertyName } from '../structs/names';
import { listDevices, findDevice, categoryGuid, type DeviceInfo } from '../objects/devices';
import { openFilter, parsePhysicalConnection, type KsFilter } from '../objects/filter';
import { isSizeAnswer, type KsHandle } from '../objects/handle';
import { KSPROPERTY_TYPE_DEFAULTVALUES } from '../objects/camera-controls';
import type { BackendName } from '../addon/backend';
import { encodeDataFormat } from '../formats/data-format';
import {
  PROFILE_FORMAT,
  PROFILE_LIMITS,
  PROFILE_VERSION,
  profileStatus,
  type ProfileDocument,
  type ProfileFilter,
  type ProfileRequest,
  type ProfileRequestKind,
  type ProfileTarget,
} from './profile-document';
import { EXTRA_PROPERTY_SETS, JACK, RT_AUDIO, VIDCAP_SETS } from './known-sets';

export interface RecordProfileOptions {
  /** Which backend the device is on; default KS_BACKEND, else windows where ksuser.dll loads, else the emulator. */
  backend?: BackendName;
  /** Leave out the device interface paths and instance ids (serial numbers live there); default false. */
  anonymize?: boolean;
  /** Also record the filters the device's pins are physically connected to (a wave filter's topology filter); default true. */
  followPhysicalConnections?: boolean;
  /** Open each pin factory once (in STOP) to read its instance properties (framing, header size, RtAudio); default true. */
  openPins?: boolean;
}

const FLAGS: Record<ProfileRequestKind, number> = { get: KSPROPERTY_TYPE.GET, basicSupport: KSPROPERTY_TYPE.BASICSUPPORT, setSupport: KSPROPERTY_TYPE.SETSUPPORT, defaultValues: KSPROPERTY_TYPE_DEFAULTVALUES };
/** Pin-factory properties read per pin (KSP_PIN). DATAINTERSECTION and PROPOSEDATAFORMAT take data of the caller's: not read. */
const PIN_PROPERTIES = [
  KSPROPERTY_PIN.CINSTANCES, KSPROPERTY_PIN.DATAFLOW, KSPROPERTY_PIN.DATARANGES, KSPROPERTY_PIN.INTERFACES, KSPROPERTY_PIN.MEDIUMS,
  KSPROPERTY_PIN.COMMUNICATION, KSPROPERTY_PIN.GLOBALCINSTANCES, KSPROPERTY_PIN.NECESSARYINSTANCES, KSPROPERTY_PIN.PHYSICALCONNECTION,
  KSPROPERTY_PIN.CATEGORY, KSPROPERTY_PIN.NAME, KSPROPERTY_PIN.CONSTRAINEDDATARANGES,
];
/** KSPROPSETID_StreamInterface HEADERSIZE (AVStream) and KSPROPSETID_RtAudio HWLATENCY / QUERY_NOTIFICATION_SUPPORT (WaveRT). */
const MAX_CHANNELS = 8;
const MAX_NODES = 256;

function packageVersion(): string {
  try {
    return `kernel-streaming@${(createRequire(__filename)('../../package.json') as { version: string }).version}`;
  } catch {
    return 'kernel-streaming';
  }
}

/** Sends requests to one handle and keeps every answer. */
class Recorder {
  readonly requests: ProfileRequest[] = [];
  constructor(private readonly handle: KsHandle, private readonly target: ProfileTarget, private readonly pinId?: number) {}

  /** One request; returns the reply's bytes when it succeeded, else null. */
  query(set: Guid, id: number, kind: ProfileRequestKind, instance: Buffer = Buffer.alloc(0), extraFlags = 0): Buffer | null {
    const flags = FLAGS[kind] | extraFlags;
    const input = encodeIdentifier(set, id, flags, instance);
    const entry: ProfileRequest = {
      target: this.target,
      set,
      id,
      kind,
      flags,
      instance: instance.toString('base64'),
      name: propertyName(set, id),
      reply: { status: profileStatus(0, 0), information: 0, data: '' },
    };
    if (this.target === 'pin-instance') entry.pinId = this.pinId;
    this.requests.push(entry);
    if (this.requests.length > PROFILE_LIMITS.requestsPerFilter) throw new KsError('ERR_MALFORMED_REPLY', 'record profile', `more than ${PROFILE_LIMITS.requestsPerFilter} requests to one filter`);

    const probe = this.handle.ioctl(IOCTL_KS.PROPERTY, input, null);
    const probeStatus = { status: profileStatus(probe[0], probe[1]), information: probe[2] >>> 0 };
    if (kind === 'setSupport') {
      entry.reply = { ...probeStatus, data: '' };
      return statusOk(probe[0], probe[1]) ? Buffer.alloc(0) : null;
    }
    entry.sizeQuery = probeStatus;
    if (statusOk(probe[0], probe[1])) {
      entry.reply = { ...probeStatus, data: '' };
      return Buffer.alloc(0);
    }
    // A size answer (BUFFER_OVERFLOW / BUFFER_TOO_SMALL / their Win32 codes) carries the size; a driver
    // that gives none is asked once with a generous buffer. Anything else is the answer.
    if (!isSizeAnswer(probe)) {
      entry.reply = { ...probeStatus, data: '' };
      return null;
    }
    const size = probe[2] > 0 ? probe[2] : 4096;
    if (size > PROFILE_LIMITS.replyBytes) {
      entry.reply = { ...probeStatus, data: '' };
      return null;
    }
    const output = Buffer.alloc(size);
    const result = this.handle.ioctl(IOCTL_KS.PROPERTY, input, output);
    const used = Math.min(result[2] >>> 0, output.length);
    const ok = statusOk(result[0], result[1]);
    entry.reply = { status: profileStatus(result[0], result[1]), information: result[2] >>> 0, data: ok ? output.subarray(0, used).toString('base64') : '' };
    return ok ? output.subarray(0, used) : null;
  }
}

function u32(reply: Buffer | null, offset = 0): number | null {
  return reply && reply.length >= offset + 4 ? reply.readUInt32LE(offset) : null;
}

function knownSets(): Guid[] {
  const sets = new Set<string>([...Object.values(KSPROPSETID), ...EXTRA_PROPERTY_SETS].map((s) => s.toUpperCase()));
  sets.delete(KSPROPSETID.EmulatorDiagnostics.toUpperCase());
  return [...sets] as Guid[];
}

function recordFilter(filter: KsFilter, device: DeviceInfo, key: string, options: RecordProfileOptions): { profile: ProfileFilter; links: { pinId: number; path: string; pinIdThere: number }[] } {
  const r = new Recorder(filter, 'filter');
  const supported = knownSets().filter((set) => r.query(set, 0, 'setSupport') !== null);

  // Pin factories: CTYPES, then every KSPROPSETID_Pin property of each, and BASICSUPPORT per id.
  const pinCount = Math.min(u32(r.query(KSPROPSETID.Pin, KSPROPERTY_PIN.CTYPES, 'get')) ?? 0, PROFILE_LIMITS.pins);
  for (const id of PIN_PROPERTIES) r.query(KSPROPSETID.Pin, id, 'basicSupport');
  const links: { pinId: number; path: string; pinIdThere: number }[] = [];
  for (let pinId = 0; pinId < pinCount; pinId++) {
    for (const id of PIN_PROPERTIES) {
      const reply = r.query(KSPROPSETID.Pin, id, 'get', pinInstance(pinId));
      if (id === KSPROPERTY_PIN.PHYSICALCONNECTION && reply) {
        try {
          const link = parsePhysicalConnection(reply);
          links.push({ pinId, path: link.path, pinIdThere: link.pinId });
        } catch {
          // Recorded as answered; a malformed link is not followed.
        }
      }
    }
  }

  // KSPROPERTY_JACK_DESCRIPTION (id 1) per pin, where the filter answers KSPROPSETID_Jack (a portcls topology filter).
  if (supported.includes(JACK)) for (let pinId = 0; pinId < pinCount; pinId++) r.query(JACK, 1, 'get', pinInstance(pinId));

  // Topology: categories, nodes (with names), connections; the audio node controls on each node.
  r.query(KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.CATEGORIES, 'get');
  const nodes = r.query(KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.NODES, 'get');
  r.query(KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.CONNECTIONS, 'get');
  const nodeTypes: Guid[] = [];
  const nodeCount = Math.min(u32(nodes, 4) ?? 0, MAX_NODES);
  for (let i = 0; i < nodeCount && nodes && nodes.length >= 8 + (i + 1) * 16; i++) nodeTypes.push(readGuid(nodes, 8 + i * 16));
  nodeTypes.forEach((_type, nodeId) => r.query(KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.NAME, 'get', pinInstance(nodeId)));
  if (supported.includes(KSPROPSETID.Audio.toUpperCase() as Guid)) {
    nodeTypes.forEach((type, nodeId) => {
      const property = type === KSNODETYPE.VOLUME ? KSPROPERTY_AUDIO.VOLUMELEVEL : type === KSNODETYPE.MUTE ? KSPROPERTY_AUDIO.MUTE : undefined;
      if (property === undefined) return;
      if (!r.query(KSPROPSETID.Audio, property, 'basicSupport', audioChannelInstance(nodeId, 0), KSPROPERTY_TYPE.TOPOLOGY)) return;
      for (let channel = 0; channel < MAX_CHANNELS; channel++) {
        if (!r.query(KSPROPSETID.Audio, property, 'get', audioChannelInstance(nodeId, channel), KSPROPERTY_TYPE.TOPOLOGY)) break;
      }
    });
  }
  r.query(KSPROPSETID.General, KSPROPERTY_GENERAL.COMPONENTID, 'get');

  // Camera controls: range and step (BASICSUPPORT), default (DEFAULTVALUES), current value (GET).
  for (const set of VIDCAP_SETS) {
    if (!supported.includes(set.guid.toUpperCase() as Guid)) continue;
    for (let id = 0; id <= set.lastId; id++) {
      const value = Buffer.alloc(16); // KSPROPERTY_VIDEOPROCAMP_S / _CAMERACONTROL_S after the KSPROPERTY
      if (!r.query(set.guid, id, 'basicSupport', value)) continue;
      r.query(set.guid, id, 'defaultValues', value);
      r.query(set.guid, id, 'get', value);
    }
  }

  const pinCreates: ProfileFilter['pinCreates'] = [];
  const instanceRequests: ProfileRequest[] = [];
  if (options.openPins !== false) {
    for (let pinId = 0; pinId < pinCount; pinId++) {
      const communication = u32(findReply(r.requests, KSPROPSETID.Pin, KSPROPERTY_PIN.COMMUNICATION, pinId));
      // Only sink (and both) pins take a create from a client (KSPIN_COMMUNICATION_SINK 1, BOTH 3).
      if (communication !== 1 && communication !== 3) continue;
      try {
        using pin = filter.createPin({ pinId });
        pinCreates.push({ pinId, ok: true, dataFormat: encodeDataFormat(pin.dataFormat).toString('base64') });
        const p = new Recorder(pin, 'pin-instance', pinId);
        const pinSets = knownSets().filter((set) => p.query(set, 0, 'setSupport') !== null);
        p.query(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.ALLOCATORFRAMING, 'get');
        p.query(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.ALLOCATORFRAMING_EX, 'get');
        if (pinSets.includes(KSPROPSETID.StreamInterface)) p.query(KSPROPSETID.StreamInterface, 0, 'get');
        if (pinSets.includes(RT_AUDIO)) {
          p.query(RT_AUDIO, 8, 'get'); // QUERY_NOTIFICATION_SUPPORT
          p.query(RT_AUDIO, 2, 'get'); // HWLATENCY
        }
        instanceRequests.push(...p.requests);
      } catch (e) {
        pinCreates.push({ pinId, ok: false, error: e instanceof KsError ? { code: e.code, message: e.message } : { code: 'ERR_UNKNOWN', message: String(e) } });
      }
    }
  }

  const decoded = describe(filter, supported);
  return {
    profile: {
      key,
      friendlyName: device.friendlyName,
      path: options.anonymize ? null : device.path,
      categories: device.categories.map((c) => categoryGuid(c)),
      requests: [...r.requests, ...instanceRequests],
      pinCreates,
      physicalConnections: [],
      decoded,
    },
    links,
  };
}


function findReply(requests: ProfileRequest[], set: Guid, id: number, pinId: number): Buffer | null {
  const instance = pinInstance(pinId).toString('base64');
  const entry = requests.find((q) => q.set === set && q.id === id && q.kind === 'get' && q.instance === instance);
  return entry && entry.reply.data ? Buffer.from(entry.reply.data, 'base64') : null;
}

/** The decoded view beside the raw answers (what `inspect --json` shows); never read back. */
function describe(filter: KsFilter, supported: Guid[]): unknown {
  const safe = <T>(read: () => T): T | { error: string } => {
    try {
      return read();
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  };
  const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (k, v) => (k === 'raw' ? undefined : typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? undefined : v)));
  return strip({ propertySets: supported, pins: safe(() => filter.pins()), topology: safe(() => filter.topology()) });
}

function resolveDevice(device: string | DeviceInfo, backend: BackendName | undefined): DeviceInfo {
  if (typeof device === 'object' && device !== null && typeof device.path === 'string') return device;
  if (typeof device !== 'string') throw new TypeError('device must be a device path, a friendly name, or a DeviceInfo from listDevices()');
  return findDevice(device, { backend });
}

/**
 * Records a device's KS surface into a profile document (write it with
 * JSON.stringify). `device` is a DeviceInfo, a path or (part of) a friendly name.
 */
export function recordProfile(device: string | DeviceInfo, options: RecordProfileOptions = {}): ProfileDocument {
  const first = resolveDevice(device, options.backend);
  const backend = options.backend ?? first.backend;
  const known = new Map<string, DeviceInfo>(listDevices({ backend }).map((d) => [d.path.toLowerCase(), d]));
  const queue: DeviceInfo[] = [first];
  const keys = new Map<string, string>([[first.path.toLowerCase(), 'filter0']]);
  const filters: ProfileFilter[] = [];
  const linksByKey = new Map<string, { pinId: number; path: string; pinIdThere: number }[]>();
  while (queue.length > 0 && filters.length < PROFILE_LIMITS.filters) {
    const info = queue.shift()!;
    const key = keys.get(info.path.toLowerCase())!;
    using filter = openFilter(info.path, { backend });
    const { profile, links } = recordFilter(filter, info, key, options);
    filters.push(profile);
    linksByKey.set(key, links);
    if (options.followPhysicalConnections === false) continue;
    for (const link of links) {
      const other = known.get(link.path.toLowerCase());
      if (!other || keys.has(other.path.toLowerCase())) continue;
      keys.set(other.path.toLowerCase(), `filter${keys.size}`);
      queue.push(other);
    }
  }
  for (const f of filters) {
    f.physicalConnections = (linksByKey.get(f.key) ?? []).map((l) => ({ pinId: l.pinId, filter: keys.get(l.path.toLowerCase()) ?? null, pinIdThere: l.pinIdThere }));
    if (options.anonymize) scrubPaths(f);
  }
  const contains = [
    'friendly names and KS categories',
    'pin factories: every KSPROPSETID_Pin property, raw',
    'topology: categories, nodes, connections, node names, audio node volume/mute',
    'property sets answered (SETSUPPORT) and BASICSUPPORT replies',
    'camera-control ranges, defaults and current values (where answered)',
    'pin instances opened in STOP: allocator framing (legacy and _EX), stream header size, RtAudio capabilities',
    options.anonymize ? 'no device paths or instance ids (anonymized)' : 'device interface paths (they may hold serial numbers: record with anonymize to leave them out)',
  ];
  return {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    recordedAt: new Date().toISOString(),
    recordedWith: { package: packageVersion(), backend, platform: process.platform },
    anonymized: options.anonymize === true,
    contains,
    filters,
  };
}

/**
 * With anonymize: the PHYSICALCONNECTION replies name the other filter's
 * symbolic link; the replay rebuilds them from `physicalConnections`, so
 * their bytes (which hold the path) are dropped here.
 */
function scrubPaths(f: ProfileFilter): void {
  for (const q of f.requests) {
    if (q.set === KSPROPSETID.Pin && q.id === KSPROPERTY_PIN.PHYSICALCONNECTION && q.reply.data) q.reply.data = '';
  }
  f.decoded = undefined;
}
