/**
 * loadProfile: a recorded device, replayed on the emulator. Each filter of
 * the profile becomes a virtual device whose pin factories, data ranges and
 * topology come from the recorded answers, and whose property handlers answer
 * every recorded request with the recorded status and bytes (a size query with
 * the recorded size answer, a short buffer with STATUS_BUFFER_TOO_SMALL as KS
 * does). What the device was never asked is refused as KS refuses it:
 * STATUS_NOT_FOUND for an instance of a recorded property that was not read
 * (ReactOS ks.sys answers an unknown id so), STATUS_INVALID_PARAMETER for a
 * KSP_PIN past the pin count (KsPinPropertyHandler's check). Pins stream the
 * emulator's test signals in the negotiated format: a pin that offers only
 * KSINTERFACE_STANDARD_LOOPED_STREAMING as a portcls WaveRT pin, through the
 * emulator's modelled cyclic buffer (event, polled and packet mode). A SET is taken only where
 * the recorded BASICSUPPORT grants SET access, and a later GET of that
 * instance answers the value set.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KsError, ntStatusForWin32 } from '../base/errors';
import { KSINTERFACE_STANDARD_LOOPED_STREAMING, KSINTERFACESETID_Standard, KSPROPERTY_CONNECTION, KSPROPERTY_RTAUDIO, KSPROPERTY_PIN, KSPROPERTY_TOPOLOGY, KSPROPSETID } from '../structs/constants';
import { readGuid, type Guid } from '../structs/guid';
import { pinInstance } from '../structs/request';
import { parseWideString } from '../objects/topology';
import { parseDataRanges } from '../formats/data-range';
import { defineVirtualDevice, type VirtualDevice, type VirtualPinDefinition, type VirtualPropertyHandler, type VirtualPropertyReply, type VirtualPropertyRequest } from '../emulator/virtual-device';
import type { Communication, DataFlow } from '../objects/filter';
import { beforeEmulatorEnumeration } from '../objects/devices';
import { parseProfile, type ProfileDocument, type ProfileFilter, type ProfileRequest, type ProfileStatus } from './profile-document';

const STATUS = {
  SUCCESS: 0,
  BUFFER_TOO_SMALL: 0xc0000023,
  UNSUCCESSFUL: 0xc0000001,
  NOT_FOUND: 0xc0000225,
  INVALID_PARAMETER: 0xc000000d,
} as const;
const TYPE_DEFAULTVALUES = 0x10000;
const TYPE_TOPOLOGY = 0x10000000;
const TYPE_SET = 0x2;

/** A replayed profile: its virtual devices, removed together. */
export class LoadedProfile {
  constructor(readonly document: ProfileDocument, readonly devices: VirtualDevice[]) {}
  /** Unplugs and forgets every device of the profile. Idempotent. */
  remove(): void {
    for (const d of this.devices) d.remove();
  }
  [Symbol.dispose ?? Symbol.for('nodejs.dispose')](): void {
    this.remove();
  }
}

/** The NTSTATUS the emulator answers for a recorded status (a Win32 code from DeviceIoControl mapped back). */
function ntStatus(status: ProfileStatus): number {
  if (status.scheme === 'ntstatus') return status.value >>> 0;
  const win32 = status.scheme === 'win32' ? status.value : ((status.value & 0xffff0000) >>> 0) === 0x80070000 ? status.value & 0xffff : (status.value | 0) >= 0 ? 0 : undefined;
  return win32 === undefined ? STATUS.UNSUCCESSFUL : ntStatusForWin32(win32) ?? STATUS.UNSUCCESSFUL;
}

function bytes(base64: string): Buffer {
  return Buffer.from(base64, 'base64');
}

function recorded(f: ProfileFilter, set: Guid, id: number, instance: Buffer): Buffer | null {
  const key = instance.toString('base64');
  const q = f.requests.find((r) => r.target === 'filter' && r.kind === 'get' && r.set === set && r.id === id && r.instance === key);
  return q && ntStatus(q.reply.status) === 0 ? bytes(q.reply.data) : null;
}


/**
 * How a recorded pin streams, from its KSPROPERTY_PIN_INTERFACES answer (KSMULTIPLE_ITEM of 24-byte KSPIN_INTERFACEs):
 * a pin that offers KSINTERFACE_STANDARD_LOOPED_STREAMING and not STANDARD_STREAMING is a portcls WaveRT pin, and
 * replays as one (created with LOOPED_STREAMING, streaming through the emulator's modelled cyclic buffer).
 */
function streamingOf(interfaces: Buffer | null): 'standard' | 'waveRt' {
  if (!interfaces || interfaces.length < 8) return 'standard';
  const count = Math.min(interfaces.readUInt32LE(4), Math.floor((interfaces.length - 8) / 24));
  let looped = false;
  let standard = false;
  for (let i = 0; i < count; i++) {
    const at = 8 + 24 * i;
    if (readGuid(interfaces, at).toUpperCase() !== KSINTERFACESETID_Standard.toUpperCase()) continue;
    const id = interfaces.readUInt32LE(at + 16);
    looped ||= id === KSINTERFACE_STANDARD_LOOPED_STREAMING;
    standard ||= id === 0; // KSINTERFACE_STANDARD_STREAMING
  }
  return looped && !standard ? 'waveRt' : 'standard';
}

/** A WaveRT pin's recorded KSPROPERTY_RTAUDIO_HWLATENCY (read on a pin instance), which the replay's DMA then has. */
function latencyOf(f: ProfileFilter, pinId: number): VirtualPinDefinition['waveRtLatency'] {
  const q = f.requests.find((r) => r.target === 'pin-instance' && r.pinId === pinId && r.set === KSPROPSETID.RtAudio && r.id === KSPROPERTY_RTAUDIO.HWLATENCY && r.kind === 'get');
  const reply = q && ntStatus(q.reply.status) === 0 ? bytes(q.reply.data) : null;
  if (!reply || reply.length < 12) return undefined;
  return { fifoSize: reply.readUInt32LE(0), chipsetDelay: reply.readUInt32LE(4), codecDelay: reply.readUInt32LE(8) };
}

const FLOWS: Record<number, DataFlow> = { 1: 'in', 2: 'out' };
const COMMUNICATIONS: Record<number, Communication> = { 0: 'none', 1: 'sink', 2: 'source', 3: 'both', 4: 'bridge' };

function pinsOf(f: ProfileFilter, where: string): VirtualPinDefinition[] {
  const ctypes = recorded(f, KSPROPSETID.Pin, KSPROPERTY_PIN.CTYPES, Buffer.alloc(0));
  const count = ctypes && ctypes.length >= 4 ? ctypes.readUInt32LE(0) : 0;
  if (count > 256) throw new KsError('ERR_MALFORMED_REPLY', 'load profile', `${where}: CTYPES says ${count} pin factories, more than 256`);
  const pins: VirtualPinDefinition[] = [];
  for (let pinId = 0; pinId < count; pinId++) {
    const get = (id: number) => recorded(f, KSPROPSETID.Pin, id, pinInstance(pinId));
    const u32 = (id: number, offset = 0) => {
      const b = get(id);
      return b && b.length >= offset + 4 ? b.readUInt32LE(offset) : undefined;
    };
    const rangesReply = get(KSPROPERTY_PIN.DATARANGES);
    const ranges = rangesReply ? parseDataRanges(rangesReply, `load profile: ${where} pin ${pinId} data ranges`).map((r) => r.raw) : [];
    const name = get(KSPROPERTY_PIN.NAME);
    const category = get(KSPROPERTY_PIN.CATEGORY);
    const framing = f.requests.find((q) => q.target === 'pin-instance' && q.pinId === pinId && q.set === KSPROPSETID.Connection && q.id === KSPROPERTY_CONNECTION.ALLOCATORFRAMING && q.kind === 'get');
    const framingBytes = framing && ntStatus(framing.reply.status) === 0 ? bytes(framing.reply.data) : null;
    pins.push({
      name: name ? parseWideString(name) : '',
      dataFlow: FLOWS[u32(KSPROPERTY_PIN.DATAFLOW) ?? 2] ?? 'out',
      communication: COMMUNICATIONS[u32(KSPROPERTY_PIN.COMMUNICATION) ?? 1] ?? 'sink',
      category: category && category.length >= 16 ? readGuid(category, 0) : undefined,
      instances: u32(KSPROPERTY_PIN.CINSTANCES) ?? 1,
      necessaryInstances: u32(KSPROPERTY_PIN.NECESSARYINSTANCES) ?? 0,
      dataRanges: ranges,
      framing:
        framingBytes && framingBytes.length >= 24
          ? { flags: framingBytes.readUInt32LE(0), poolType: framingBytes.readUInt32LE(4), frames: framingBytes.readUInt32LE(8), frameSize: framingBytes.readUInt32LE(12) || 4096, fileAlignment: framingBytes.readUInt32LE(16) }
          : undefined,
      streaming: streamingOf(get(KSPROPERTY_PIN.INTERFACES)),
      waveRtLatency: latencyOf(f, pinId),
    });
  }
  return pins;
}

function topologyOf(f: ProfileFilter) {
  const categories = recorded(f, KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.CATEGORIES, Buffer.alloc(0));
  const nodes = recorded(f, KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.NODES, Buffer.alloc(0));
  const connections = recorded(f, KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.CONNECTIONS, Buffer.alloc(0));
  const guids = (b: Buffer | null): Guid[] => {
    if (!b || b.length < 8) return [];
    const count = Math.min(b.readUInt32LE(4), Math.floor((b.length - 8) / 16));
    return Array.from({ length: count }, (_, i) => readGuid(b, 8 + i * 16));
  };
  const links: { fromNode: number | 'filter'; fromNodePin: number; toNode: number | 'filter'; toNodePin: number }[] = [];
  if (connections && connections.length >= 8) {
    const count = Math.min(connections.readUInt32LE(4), Math.floor((connections.length - 8) / 16));
    for (let i = 0; i < count; i++) {
      const at = 8 + i * 16;
      const end = (v: number) => (v === 0xffffffff ? ('filter' as const) : v);
      links.push({ fromNode: end(connections.readUInt32LE(at)), fromNodePin: connections.readUInt32LE(at + 4), toNode: end(connections.readUInt32LE(at + 8)), toNodePin: connections.readUInt32LE(at + 12) });
    }
  }
  return {
    categories: guids(categories),
    nodes: guids(nodes).map((type, nodeId) => {
      const name = recorded(f, KSPROPSETID.Topology, KSPROPERTY_TOPOLOGY.NAME, pinInstance(nodeId));
      return { type, name: name ? parseWideString(name) : undefined };
    }),
    connections: links,
  };
}

/** The answer to one request, as the recorded device gave it. */
function answer(q: ProfileRequest, outputLength: number): VirtualPropertyReply {
  if (outputLength === 0 && q.sizeQuery) return { status: ntStatus(q.sizeQuery.status), information: q.sizeQuery.information };
  const status = ntStatus(q.reply.status);
  const data = bytes(q.reply.data);
  if (status === STATUS.SUCCESS && outputLength < data.length) return { status: STATUS.BUFFER_TOO_SMALL, information: data.length };
  return { status, data, information: q.reply.information };
}

function kindOf(request: VirtualPropertyRequest): ProfileRequest['kind'] {
  if (request.kind === 'basicSupport') return (request.flags ?? 0) & TYPE_DEFAULTVALUES ? 'defaultValues' : 'basicSupport';
  return (request.flags ?? 0) & TYPE_DEFAULTVALUES ? 'defaultValues' : 'get';
}

function handlersOf(f: ProfileFilter, pinCount: number, physical: (pinId: number) => Buffer | null): VirtualPropertyHandler[] {
  // The emulator answers SETSUPPORT from the sets its handlers cover, so a set the device refused gets no
  // handler: requests to it are refused by the emulator as an unknown set is.
  const refusedSets = new Set(
    f.requests.filter((q) => q.kind === 'setSupport' && ntStatus(q.reply.status) !== 0).map((q) => `${q.target === 'pin-instance' ? `pin:${q.pinId}` : 'filter'}|${q.set}`),
  );
  const groups = new Map<string, ProfileRequest[]>();
  for (const q of f.requests) {
    if (q.kind === 'setSupport') continue;
    if (refusedSets.has(`${q.target === 'pin-instance' ? `pin:${q.pinId}` : 'filter'}|${q.set}`)) continue;
    const target = q.target === 'pin-instance' ? `pin:${q.pinId}` : q.flags & TYPE_TOPOLOGY ? 'node' : 'filter';
    const key = `${target}|${q.set}|${q.id}`;
    const list = groups.get(key) ?? [];
    list.push(q);
    groups.set(key, list);
  }
  const handlers: VirtualPropertyHandler[] = [];
  for (const [key, list] of groups) {
    const [target, set, idText] = key.split('|');
    const id = Number(idText);
    const setValues = new Map<string, Buffer>();
    const find = (request: VirtualPropertyRequest) => {
      const kind = kindOf(request);
      const instance = request.instance.toString('base64');
      return list.find((q) => q.kind === kind && q.instance === instance) ?? (kind !== 'get' ? list.find((q) => q.kind === kind) : undefined);
    };
    const refuse = (request: VirtualPropertyRequest): VirtualPropertyReply => {
      const ksPin = set === KSPROPSETID.Pin && target === 'filter' && request.instanceId !== undefined;
      return { status: ksPin && request.instanceId! >= pinCount ? STATUS.INVALID_PARAMETER : STATUS.NOT_FOUND };
    };
    const onGet = (request: VirtualPropertyRequest): VirtualPropertyReply => {
      if (set === KSPROPSETID.Pin && id === KSPROPERTY_PIN.PHYSICALCONNECTION && target === 'filter' && request.instanceId !== undefined) {
        const link = physical(request.instanceId);
        if (link) return request.outputLength === 0 ? { status: 0x80000005, information: link.length } : request.outputLength < link.length ? { status: STATUS.BUFFER_TOO_SMALL, information: link.length } : link;
      }
      const changed = kindOf(request) === 'get' ? setValues.get(request.instance.toString('base64')) : undefined;
      if (changed) return changed;
      const q = find(request);
      return q ? answer(q, request.outputLength) : refuse(request);
    };
    const support = list.find((q) => q.kind === 'basicSupport' && ntStatus(q.reply.status) === 0);
    const supportData = support ? bytes(support.reply.data) : null;
    const settable = supportData !== null && supportData.length >= 4 && (supportData.readUInt32LE(0) & TYPE_SET) !== 0;
    const handler: VirtualPropertyHandler = {
      set,
      id,
      target: target.startsWith('pin:') ? 'pin' : (target as 'filter' | 'node'),
      onGet,
      onBasicSupport: (request) => {
        const q = find(request);
        return q ? answer(q, request.outputLength) : refuse(request);
      },
    };
    if (target.startsWith('pin:')) handler.pinId = Number(target.slice(4));
    if (settable) {
      handler.onSet = (request) => {
        setValues.set(request.instance.toString('base64'), Buffer.from(request.value ?? Buffer.alloc(0)));
        return undefined;
      };
    }
    handlers.push(handler);
  }
  return handlers;
}

/** KSPIN_PHYSICALCONNECTION { Size, Pin, SymbolicLinkName[] } naming another replayed filter. */
function physicalConnection(path: string, pinId: number): Buffer {
  const link = path.startsWith('\\\\?\\') ? `\\??\\${path.slice(4)}` : path;
  const name = Buffer.from(`${link}\0`, 'utf16le');
  const b = Buffer.alloc(8 + name.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt32LE(pinId, 4);
  name.copy(b, 8);
  return b;
}

/**
 * Replays a profile (its JSON text, a Buffer, or the parsed document) on the
 * emulator: one virtual device per recorded filter, physically connected as
 * recorded. Remove them with `remove()`.
 */
export function loadProfile(input: string | Buffer | ProfileDocument | object): LoadedProfile {
  const document = parseProfile(input);
  const devices = new Map<string, VirtualDevice>();
  const created: VirtualDevice[] = [];
  try {
    for (const [index, f] of document.filters.entries()) {
      const where = `filter ${index} ("${f.friendlyName}")`;
      const pins = pinsOf(f, where);
      const links = new Map(f.physicalConnections.map((c) => [c.pinId, c]));
      const physical = (pinId: number) => {
        const c = links.get(pinId);
        const other = c?.filter ? devices.get(c.filter) : undefined;
        return c && other ? physicalConnection(other.path, c.pinIdThere) : null;
      };
      const device = defineVirtualDevice({
        name: f.friendlyName,
        categories: f.categories,
        pins,
        topology: topologyOf(f),
        properties: handlersOf(f, pins.length, physical),
      });
      devices.set(f.key, device);
      created.push(device);
    }
  } catch (e) {
    for (const d of created) d.remove();
    throw e;
  }
  return new LoadedProfile(document, created);
}

/** Loads every *.json profile in a folder (sorted by name); one that fails is a KsError naming its file. */
export function loadProfiles(folder: string): LoadedProfile[] {
  const files = readdirSync(folder).filter((n) => n.toLowerCase().endsWith('.json')).sort();
  const loaded: LoadedProfile[] = [];
  try {
    for (const file of files) {
      try {
        loaded.push(loadProfile(readFileSync(join(folder, file))));
      } catch (e) {
        if (e instanceof KsError) throw new KsError(e.code, `load profile ${file}`, e.message, e.details);
        throw e;
      }
    }
  } catch (e) {
    for (const l of loaded) l.remove();
    throw e;
  }
  return loaded;
}

let environmentLoaded = false;
/**
 * KS_EMULATOR_PROFILES: a folder (or several, joined by the path delimiter)
 * of profiles that the emulator loads before its first enumeration, so an
 * app's tests see the recorded devices with no code change.
 */
export function loadEnvironmentProfiles(): void {
  if (environmentLoaded) return;
  environmentLoaded = true;
  const value = process.env.KS_EMULATOR_PROFILES;
  if (!value) return;
  for (const folder of value.split(process.platform === 'win32' ? ';' : ':').filter(Boolean)) loadProfiles(folder);
}

beforeEmulatorEnumeration(loadEnvironmentProfiles);
