/** KsFilter: an open KS filter (a device interface), its pin factories, and pin creation. */
import { checkUint32 } from '../base/validate';
import { KsError, reframeError, statusOk } from '../base/errors';
import {
  GENERIC_READ,
  GENERIC_WRITE,
  IOCTL_KS,
  KSINTERFACESETID_Standard,
  KSINTERFACE_STANDARD_STREAMING,
  KSINTERFACE_STANDARD_LOOPED_STREAMING,
  KSMEDIUMSETID_Standard,
  KSMEDIUM_TYPE_ANYINSTANCE,
  KSPIN_DATAFLOW,
  KSPROPERTY_AUDIO,
  KSPROPERTY_GENERAL,
  KSPROPERTY_PIN,
  KSPROPERTY_TYPE,
  KSPROPSETID,
} from '../structs/constants';
import { type DataFormat, decodeDataFormat, encodeDataFormat, KSDATAFORMAT_ATTRIBUTES, KSDATAFORMAT_SIZE } from '../formats/data-format';
import { type DataRange, parseDataRanges } from '../formats/data-range';
import { normalizeGuid, readGuid, writeGuid, type Guid } from '../structs/guid';
import { type NotReadyRetry, retryNotReady } from './not-ready-retry';
import { KsHandle } from './handle';
import { encodeMultipleItem, parseMultipleItem } from '../structs/multiple-item';
import { callNative, native, ObjectClass } from '../addon/binding';
import { encodeNodeCreate, KsNode } from './node';
import { audioChannelInstance, encodePinProperty, KSIDENTIFIER_SIZE, pinInstance } from '../structs/request';
import { isAbsent, parseWideString, readTopology, type Topology } from './topology';
import { createClockOn, type KsClock } from './clock';
import { isEmulatedPath, resolveBackend, type BackendName } from '../addon/backend';
import { findDevice } from './devices';
import { negotiateFormat, type FormatNegotiation } from './negotiate';
import { KsPin } from './pin';
import { explainPinFailure } from './pin-create-failure';
import { listCameraControls, readCameraControl, writeCameraControl, type CameraControl, type CameraControlName, type CameraControlOptions } from './camera-controls';
import type { CreatedWith } from './allocator';

export const KSPIN_CONNECT_SIZE = 72;
/** KSPRIORITY_NORMAL */
export const KSPRIORITY_NORMAL = 0x40000000;

export type DataFlow = 'in' | 'out';
export type Communication = 'none' | 'sink' | 'source' | 'both' | 'bridge';

export interface PinFactoryInfo {
  /** The pin factory's id, 0 .. pinCount() − 1: what createPin({ pinId }) takes. */
  pinId: number;
  /** The pin's name (KSPROPERTY_PIN_NAME), e.g. "Capture"; null when the driver gives none. */
  name: string | null;
  /** Which way data flows (KSPROPERTY_PIN_DATAFLOW): 'out' of the filter (a capture pin), 'in' to it (a render pin). */
  dataFlow: DataFlow;
  /**
   * How the pin connects (KSPROPERTY_PIN_COMMUNICATION): 'sink' or 'both' can be instantiated by an application;
   * 'bridge' joins the filter to hardware or another filter and cannot; 'source' connects to another pin; 'none'.
   */
  communication: Communication;
  /** What the pin is for (KSPROPERTY_PIN_CATEGORY): a PINNAME_* or KSNODETYPE_* GUID (guidName() names it); null when absent. */
  category: Guid | null;
  /** Instances open now and allowed at once on this filter (KSPROPERTY_PIN_CINSTANCES: CurrentCount, PossibleCount). */
  instances: { possible: number; current: number };
  /** The formats the pin offers (KSPROPERTY_PIN_DATARANGES), each with its raw KSDATARANGE. */
  dataRanges: DataRange[];
  /** KSPROPERTY_PIN_GLOBALCINSTANCES: instances across every open filter of the device; null when not reported. */
  globalInstances: { possible: number; current: number } | null;
  /** KSPROPERTY_PIN_NECESSARYINSTANCES: instances the filter needs to work; null when not reported. */
  necessaryInstances: number | null;
  /** KSPROPERTY_PIN_INTERFACES: the KSPIN_INTERFACEs a connection may name; null when not reported. */
  interfaces: PinIdentifier[] | null;
  /** KSPROPERTY_PIN_MEDIUMS: the KSPIN_MEDIUMs; null when not reported. */
  mediums: PinIdentifier[] | null;
  /** KSPROPERTY_PIN_PHYSICALCONNECTION; null when the pin has none (STATUS_NOT_FOUND). */
  physicalConnection: PhysicalConnection | null;
  /** KSPROPERTY_PIN_CONSTRAINEDDATARANGES; null when not reported. */
  constrainedDataRanges: DataRange[] | null;
}

/** KSIDENTIFIER as KSPIN_INTERFACE / KSPIN_MEDIUM. */
export interface PinIdentifier {
  /** Set */ set: Guid;
  /** Id */ id: number;
  /** Flags */ flags: number;
}

/** KSPIN_PHYSICALCONNECTION */
export interface PhysicalConnection {
  /** Pin: the pin id on the other filter. */
  pinId: number;
  /** SymbolicLinkName as the driver gives it (kernel form, "\??\..."). */
  symbolicLink: string;
  /** The same link as a user-mode path for openFilter ("\\?\..."). */
  path: string;
}

/** KSCOMPONENTID */
export interface ComponentId {
  /** Manufacturer */ manufacturer: Guid;
  /** Product */ product: Guid;
  /** Component */ component: Guid;
  /** Name: a GUID naming the device in the registry's MediaCategories */ name: Guid;
  /** Version */ version: number;
  /** Revision */ revision: number;
}

export interface CreateNodeOptions {
  /** Access for KsCreateTopologyNode; default GENERIC_READ | GENERIC_WRITE. */
  access?: number;
}

export const KSCOMPONENTID_SIZE = 72;

/** A KSMULTIPLE_ITEM of KSIDENTIFIERs (INTERFACES, MEDIUMS). */
export function parseIdentifiers(reply: Buffer, operation = 'read identifiers'): PinIdentifier[] {
  return parseMultipleItem(reply, KSIDENTIFIER_SIZE, (item) => ({ set: readGuid(item, 0), id: item.readUInt32LE(16), flags: item.readUInt32LE(20) }), operation);
}

/** KSPIN_PHYSICALCONNECTION: Size (the whole reply), Pin, then the NUL-terminated UTF-16 link. */
export function parsePhysicalConnection(reply: Buffer, operation = 'read physical connection'): PhysicalConnection {
  if (reply.length < 8) throw new KsError('ERR_MALFORMED_REPLY', operation, `KSPIN_PHYSICALCONNECTION needs 8 bytes, got ${reply.length}`);
  const size = reply.readUInt32LE(0);
  if (size < 8 || size > reply.length) throw new KsError('ERR_MALFORMED_REPLY', operation, `KSPIN_PHYSICALCONNECTION.Size ${size} is outside 8..${reply.length}`);
  const symbolicLink = parseWideString(reply.subarray(8, size));
  const path = symbolicLink.startsWith('\\??\\') ? `\\\\?\\${symbolicLink.slice(4)}` : symbolicLink;
  return { pinId: reply.readUInt32LE(4), symbolicLink, path };
}

export interface CreatePinOptions {
  /** Which pin factory to instantiate (KSPIN_CONNECT.PinId): 0 .. pinCount() − 1; `inspect` lists them. */
  pinId: number;
  /**
   * The format to stream in (the KSDATAFORMAT after KSPIN_CONNECT): pcmFormat(), videoFormat(), a range's format.
   * Default: the pin's choice through KSPROPERTY_PIN_DATAINTERSECTION, else its first usable data range; the pin's
   * `negotiation` says which was taken.
   */
  dataFormat?: DataFormat;
  /** Access rights for the create (GENERIC_READ / GENERIC_WRITE bits); default GENERIC_READ for a pin data flows out of, GENERIC_WRITE for one it flows into. */
  access?: number;
  /** The interface the connection speaks (KSPIN_CONNECT.Interface); default KSINTERFACESETID_Standard / KSINTERFACE_STANDARD_STREAMING (0). */
  interface?: { set: Guid | string; id: number; flags?: number };
  /** The medium (KSPIN_CONNECT.Medium); default KSMEDIUMSETID_Standard / KSMEDIUM_TYPE_ANYINSTANCE (0). */
  medium?: { set: Guid | string; id: number; flags?: number };
  /** Scheduling priority (KSPIN_CONNECT.Priority); default KSPRIORITY_NORMAL (0x40000000), subclass 1. */
  priority?: { priorityClass: number; prioritySubClass: number };
  /**
   * Retrying a create the device refuses as not ready yet (ERROR_NOT_READY, as cameras do just after they arrive):
   * default 5 attempts 200 ms apart — the call blocks meanwhile, at most 0.8 s; `false` tries once.
   */
  notReadyRetry?: NotReadyRetry | false;
}

export interface OpenFilterOptions {
  /** Which backend opens it, 'windows' or 'emulator'; default the emulator for emulated paths and names, else KS_BACKEND, else windows where ksuser.dll loads. */
  backend?: BackendName;
}

const FLOWS: Record<number, DataFlow> = { [KSPIN_DATAFLOW.IN]: 'in', [KSPIN_DATAFLOW.OUT]: 'out' };
const COMMUNICATIONS: Record<number, Communication> = { 0: 'none', 1: 'sink', 2: 'source', 3: 'both', 4: 'bridge' };


/**
 * Opens a KS filter: a device interface path from listDevices() ("\\?\…"), or a
 * device's friendly name or a unique part of it ("USB Microphone"), matched
 * case-insensitively; a name that matches several devices, or none, is a
 * KsError (ERR_DEVICE_AMBIGUOUS listing them, ERR_DEVICE_NOT_FOUND).
 */
export function openFilter(pathOrName: string, options: OpenFilterOptions = {}): KsFilter {
  if (typeof pathOrName !== 'string' || pathOrName.length === 0) throw new TypeError('path must be a device interface path or a device name (a non-empty string)');
  const path = pathOrName.startsWith('\\\\') ? pathOrName : findDevice(pathOrName, { backend: options.backend }).path;
  const backend = options.backend === undefined && isEmulatedPath(path) ? 'emulator' : resolveBackend(options.backend);
  const id = callNative('open filter', () => native.openFilter(backend, path), (code) =>
    code.endsWith('NOT_FOUND') ? `no device interface at ${path}` : undefined,
  );
  return new KsFilter(id, path, backend);
}

export class KsFilter extends KsHandle {
  readonly kind = 'filter';
  readonly path: string;
  readonly backend: BackendName;

  /** @internal use openFilter */
  constructor(id: number, path: string, backend: BackendName) {
    super(id);
    this.path = path;
    this.backend = backend;
  }

  /** KSPROPERTY_PIN_CTYPES: how many pin factories the filter has. */
  pinCount(): number {
    return this.readUint32(KSPROPERTY_PIN.CTYPES, null, 'get pin count');
  }

  /** Every KSPROPERTY_PIN property this package decodes, for one pin factory. */
  pinInfo(pinId: number): PinFactoryInfo {
    checkUint32(pinId, 'pinId');
    const flow = this.readUint32(KSPROPERTY_PIN.DATAFLOW, pinId, 'get pin dataflow');
    const communication = this.readUint32(KSPROPERTY_PIN.COMMUNICATION, pinId, 'get pin communication');
    const cinstances = this.pinProperty(KSPROPERTY_PIN.CINSTANCES, pinId, 8);
    if (cinstances.length < 8) throw new KsError('ERR_MALFORMED_REPLY', 'get pin instances', `KSPIN_CINSTANCES needs 8 bytes, got ${cinstances.length}`);
    return {
      pinId,
      name: this.pinName(pinId),
      dataFlow: FLOWS[flow] ?? (() => { throw new KsError('ERR_MALFORMED_REPLY', 'get pin dataflow', `KSPIN_DATAFLOW ${flow} is not a dataflow`); })(),
      communication: COMMUNICATIONS[communication] ?? (() => { throw new KsError('ERR_MALFORMED_REPLY', 'get pin communication', `KSPIN_COMMUNICATION ${communication} is not a communication`); })(),
      category: this.pinCategory(pinId),
      instances: { possible: cinstances.readUInt32LE(0), current: cinstances.readUInt32LE(4) },
      dataRanges: parseDataRanges(this.pinProperty(KSPROPERTY_PIN.DATARANGES, pinId), 'get pin data ranges'),
      globalInstances: this.absentAsNull(() => {
        const reply = this.pinProperty(KSPROPERTY_PIN.GLOBALCINSTANCES, pinId, 8);
        if (reply.length < 8) throw new KsError('ERR_MALFORMED_REPLY', 'get pin global instances', `KSPIN_CINSTANCES needs 8 bytes, got ${reply.length}`);
        return { possible: reply.readUInt32LE(0), current: reply.readUInt32LE(4) };
      }),
      necessaryInstances: this.absentAsNull(() => this.readUint32(KSPROPERTY_PIN.NECESSARYINSTANCES, pinId, 'get pin necessary instances')),
      interfaces: this.absentAsNull(() => parseIdentifiers(this.pinProperty(KSPROPERTY_PIN.INTERFACES, pinId), 'get pin interfaces')),
      mediums: this.absentAsNull(() => parseIdentifiers(this.pinProperty(KSPROPERTY_PIN.MEDIUMS, pinId), 'get pin mediums')),
      physicalConnection: this.absentAsNull(() =>
        parsePhysicalConnection(this.pinProperty(KSPROPERTY_PIN.PHYSICALCONNECTION, pinId), 'get pin physical connection'),
      ),
      constrainedDataRanges: this.absentAsNull(() =>
        parseDataRanges(this.pinProperty(KSPROPERTY_PIN.CONSTRAINEDDATARANGES, pinId), 'get pin constrained data ranges'),
      ),
    };
  }

  /** `read()`, or null where the driver says the property is absent (NOT_FOUND, NOT_SUPPORTED). */
  private absentAsNull<T>(read: () => T): T | null {
    try {
      return read();
    } catch (e) {
      if (isAbsent(e)) return null;
      throw e;
    }
  }

  /**
   * KSPROPERTY_PIN_DATAINTERSECTION: the format the pin picks from `ranges`
   * (sent as a KSMULTIPLE_ITEM after the KSP_PIN, in order of preference; by
   * default the pin's own DATARANGES). A range with KSDATARANGE_ATTRIBUTES is
   * sent with its attribute list after it, counted as an item, as KS expects.
   * STATUS_NO_MATCH when it meets none.
   */
  intersect(pinId: number, ranges?: ReadonlyArray<DataRange | Buffer>): DataFormat {
    const operation = 'data intersection';
    checkUint32(pinId, 'pinId');
    const list = ranges ?? parseDataRanges(this.pinProperty(KSPROPERTY_PIN.DATARANGES, pinId), 'get pin data ranges');
    if (!Array.isArray(list)) throw new TypeError('ranges must be an array of DataRange objects or Buffers');
    const items: Buffer[] = [];
    list.forEach((r, i) => {
      const raw = Buffer.isBuffer(r) ? r : r && typeof r === 'object' && Buffer.isBuffer((r as DataRange).raw) ? (r as DataRange).raw : undefined;
      if (!raw) throw new TypeError(`ranges[${i}] must be a DataRange (with raw bytes) or a Buffer`);
      if (raw.length < KSDATAFORMAT_SIZE) throw new RangeError(`ranges[${i}] must be at least a 64-byte KSDATARANGE, got ${raw.length} bytes`);
      items.push(raw);
      // A range flagged KSDATARANGE_ATTRIBUTES goes with its attribute list, the next item (Count counts it).
      if (raw.readUInt32LE(4) & KSDATAFORMAT_ATTRIBUTES) {
        const attributes = Buffer.isBuffer(r) ? undefined : (r as DataRange).attributes;
        if (!Buffer.isBuffer(attributes) || attributes.length < 8) {
          throw new TypeError(`ranges[${i}] has KSDATARANGE_ATTRIBUTES (Flags 0x2) but no attribute list: pass the DataRange with its attributes (encodeAttributeList()), or clear the flag`);
        }
        items.push(attributes);
      }
    });
    const instance = Buffer.concat([pinInstance(pinId), encodeMultipleItem(items)]);
    const reply = this.getProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.DATAINTERSECTION, { instance });
    return decodeDataFormat(reply, operation);
  }

  /**
   * KSPROPERTY_PIN_PROPOSEDATAFORMAT (SET): whether the pin would accept
   * `format`. STATUS_NO_MATCH / ERROR_NO_MATCH → false; other failures throw.
   */
  proposeDataFormat(pinId: number, format: DataFormat): boolean {
    checkUint32(pinId, 'pinId');
    if (format === null || typeof format !== 'object') throw new TypeError('format must be a DataFormat object');
    const bytes = encodeDataFormat(format);
    try {
      this.setProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.PROPOSEDATAFORMAT, bytes, { instance: pinInstance(pinId) });
      return true;
    } catch (e) {
      if (e instanceof KsError && (e.code === 'STATUS_NO_MATCH' || e.code === 'ERROR_NO_MATCH')) return false;
      throw e;
    }
  }

  /** KSPROPSETID_Topology: categories, nodes (with type names and names) and connections. */
  topology(): Topology {
    this.idFor('get topology');
    return readTopology(this);
  }

  /** KSPROPERTY_GENERAL_COMPONENTID (72 bytes). */
  componentId(): ComponentId {
    const operation = 'get component id';
    const reply = this.getProperty(KSPROPSETID.General, KSPROPERTY_GENERAL.COMPONENTID, { size: KSCOMPONENTID_SIZE });
    if (reply.length < KSCOMPONENTID_SIZE) throw new KsError('ERR_MALFORMED_REPLY', operation, `KSCOMPONENTID needs 72 bytes, got ${reply.length}`);
    return {
      manufacturer: readGuid(reply, 0),
      product: readGuid(reply, 16),
      component: readGuid(reply, 32),
      name: readGuid(reply, 48),
      version: reply.readUInt32LE(64),
      revision: reply.readUInt32LE(68),
    };
  }

  /**
   * Creates a clock on a clock device's filter (KSCATEGORY_CLOCK, such as the
   * system clock), KsCreateClock2 where present. Filters of other devices
   * refuse it (STATUS_INVALID_DEVICE_REQUEST on the emulator).
   */
  createClock(): KsClock {
    return createClockOn(this.idFor('create clock'), this, this.backend);
  }

  /** Opens topology node `nodeId` (KsCreateTopologyNode2 where present, else KsCreateTopologyNode); `topology()` lists the node ids. */
  createNode(nodeId: number, options: CreateNodeOptions = {}): KsNode {
    const operation = 'create topology node';
    checkUint32(nodeId, 'nodeId');
    const access = checkUint32(options.access ?? (GENERIC_READ | GENERIC_WRITE) >>> 0, 'access');
    const id = this.idFor(operation);
    const [child, usedV2] = callNative(operation, () => native.createObject(id, ObjectClass.TopologyNode, encodeNodeCreate(nodeId), access));
    const createdWith: CreatedWith = usedV2 ? 'KsCreateTopologyNode2' : this.backend === 'windows' ? 'KsCreateTopologyNode' : 'emulator';
    return new KsNode(child, this, nodeId, createdWith);
  }

  /**
   * KSPROPERTY_AUDIO_VOLUMELEVEL of a volume node, for one channel, in dB
   * (the LONG is 1/65536 dB), through KSNODEPROPERTY_AUDIO_CHANNEL with
   * KSPROPERTY_TYPE_TOPOLOGY.
   */
  nodeVolume(nodeId: number, channel: number): number {
    return this.audioNodeValue(KSPROPERTY_AUDIO.VOLUMELEVEL, nodeId, channel, 'get node volume') / 65536;
  }

  /** Sets KSPROPERTY_AUDIO_VOLUMELEVEL in dB (rounded to 1/65536 dB); drivers may clamp it to their range. */
  setNodeVolume(nodeId: number, channel: number, decibels: number): void {
    if (typeof decibels !== 'number' || !Number.isFinite(decibels)) throw new TypeError(`decibels must be a finite number, got ${String(decibels)}`);
    const level = Math.round(decibels * 65536);
    if (level < -0x80000000 || level > 0x7fffffff) throw new RangeError(`decibels must be within ±32768 dB, got ${decibels}`);
    this.setAudioNodeValue(KSPROPERTY_AUDIO.VOLUMELEVEL, nodeId, channel, level, 'set node volume');
  }

  /** KSPROPERTY_AUDIO_MUTE of a mute node, for one channel (a BOOL). */
  nodeMute(nodeId: number, channel: number): boolean {
    return this.audioNodeValue(KSPROPERTY_AUDIO.MUTE, nodeId, channel, 'get node mute') !== 0;
  }

  /** Sets KSPROPERTY_AUDIO_MUTE. */
  setNodeMute(nodeId: number, channel: number, muted: boolean): void {
    if (typeof muted !== 'boolean') throw new TypeError(`muted must be a boolean, got ${typeof muted}`);
    this.setAudioNodeValue(KSPROPERTY_AUDIO.MUTE, nodeId, channel, muted ? 1 : 0, 'set node mute');
  }

  private audioInstance(nodeId: number, channel: number): Buffer {
    checkUint32(nodeId, 'nodeId');
    if (typeof channel !== 'number' || !Number.isInteger(channel) || channel < -0x80000000 || channel > 0x7fffffff) {
      throw new RangeError(`channel must be a LONG (an integer in -2147483648..2147483647), got ${String(channel)}`);
    }
    return audioChannelInstance(nodeId, channel);
  }

  private audioNodeValue(id: number, nodeId: number, channel: number, operation: string): number {
    const instance = this.audioInstance(nodeId, channel);
    let reply: Buffer;
    try {
      reply = this.getPropertyOf(` on node ${nodeId} channel ${channel}`, KSPROPSETID.Audio, id, { instance, size: 4, typeFlags: KSPROPERTY_TYPE.TOPOLOGY });
    } catch (e) {
      throw this.explainNodeFailure(e, nodeId);
    }
    if (reply.length < 4) throw new KsError('ERR_MALFORMED_REPLY', operation, `expected a 4-byte LONG, got ${reply.length} bytes`);
    return reply.readInt32LE(0);
  }

  private setAudioNodeValue(id: number, nodeId: number, channel: number, value: number, operation: string): void {
    const instance = this.audioInstance(nodeId, channel);
    const data = Buffer.alloc(4);
    data.writeInt32LE(value, 0);
    this.idFor(operation);
    try {
      this.setPropertyOf(` on node ${nodeId} channel ${channel}`, KSPROPSETID.Audio, id, data, { instance, typeFlags: KSPROPERTY_TYPE.TOPOLOGY });
    } catch (e) {
      throw this.explainNodeFailure(e, nodeId);
    }
  }

  /**
   * The camera controls the device answers (PROPSETID_VIDCAP_VIDEOPROCAMP and
   * _CAMERACONTROL): each with its range, step, default, value and auto/manual
   * modes; `{ nodeId }` asks a topology node through the _NODE_S form.
   */
  cameraControls(options?: CameraControlOptions): CameraControl[] {
    this.idFor('list camera controls');
    return listCameraControls(this, options);
  }

  /** One camera control ('brightness', 'focus', ...); a KsError (STATUS_NOT_FOUND, ...) when the device lacks it. */
  cameraControl(name: CameraControlName, options?: CameraControlOptions): CameraControl {
    this.idFor('get camera control');
    return readCameraControl(this, name, options);
  }

  /** Sets a camera control to a value (manual) or 'auto'; values outside the device's range are a RangeError, never sent. */
  setCameraControl(name: CameraControlName, value: number | 'auto', options?: CameraControlOptions): void {
    this.idFor('set camera control');
    writeCameraControl(this, name, value, options);
  }

  /** pinInfo for every pin factory. */
  pins(): PinFactoryInfo[] {
    const count = this.pinCount();
    const result: PinFactoryInfo[] = [];
    for (let pinId = 0; pinId < count; pinId++) result.push(this.pinInfo(pinId));
    return result;
  }

  /**
   * Creates a pin instance (KsCreatePin2 where present, else KsCreatePin):
   * KSPIN_CONNECT followed by the KSDATAFORMAT, FormatSize from what was
   * built. A refused format (STATUS_NO_MATCH / ERROR_NO_MATCH) and a pin
   * with no instance left are told apart in the error's `details.reason`.
   */
  createPin(options: CreatePinOptions): KsPin {
    const operation = 'create pin';
    if (options === null || typeof options !== 'object') throw new TypeError('createPin takes { pinId, dataFormat, ... }');
    const pinId = checkUint32(options.pinId, 'pinId');
    let dataFormat = options.dataFormat;
    let negotiation: FormatNegotiation | null = null;
    if (dataFormat === undefined) {
      this.idFor(operation);
      ({ format: dataFormat, negotiation } = negotiateFormat(this, pinId));
    }
    if (dataFormat === null || typeof dataFormat !== 'object') throw new TypeError('dataFormat must be a DataFormat object (pcmFormat(), videoFormat(), ...) or left out to let the pin choose');
    const format = encodeDataFormat(dataFormat);
    const connect = Buffer.alloc(KSPIN_CONNECT_SIZE);
    const iface = options.interface ?? this.offeredInterface(pinId);
    const medium = options.medium ?? { set: KSMEDIUMSETID_Standard, id: KSMEDIUM_TYPE_ANYINSTANCE };
    writeGuid(connect, 0, normalizeGuid(iface.set, 'interface.set'));
    connect.writeUInt32LE(checkUint32(iface.id, 'interface.id'), 16);
    connect.writeUInt32LE(checkUint32(iface.flags ?? 0, 'interface.flags'), 20);
    writeGuid(connect, 24, normalizeGuid(medium.set, 'medium.set'));
    connect.writeUInt32LE(checkUint32(medium.id, 'medium.id'), 40);
    connect.writeUInt32LE(checkUint32(medium.flags ?? 0, 'medium.flags'), 44);
    connect.writeUInt32LE(pinId, 48);
    connect.writeBigUInt64LE(0n, 56); // PinToHandle: no connection to another pin
    const priority = options.priority ?? { priorityClass: KSPRIORITY_NORMAL, prioritySubClass: 1 };
    connect.writeUInt32LE(checkUint32(priority.priorityClass, 'priority.priorityClass'), 64);
    connect.writeUInt32LE(checkUint32(priority.prioritySubClass, 'priority.prioritySubClass'), 68);

    const id = this.idFor(operation);
    let access = options.access;
    let flow: number | undefined;
    if (access === undefined) {
      flow = this.readUint32(KSPROPERTY_PIN.DATAFLOW, pinId, operation);
      access = flow === KSPIN_DATAFLOW.IN ? GENERIC_WRITE : GENERIC_READ;
    } else {
      try {
        flow = this.readUint32(KSPROPERTY_PIN.DATAFLOW, pinId, operation);
      } catch {
        flow = undefined; // the pin still gets created; it just cannot say which way it streams
      }
    }
    checkUint32(access, 'access');
    const payload = Buffer.concat([connect, format]);
    let result: [number, boolean];
    try {
      result = retryNotReady(() => callNative(operation, () => native.createObject(id, ObjectClass.Pin, payload, access!)), options.notReadyRetry);
    } catch (e) {
      throw explainPinFailure(e, pinId, dataFormat, (id, size) => this.pinProperty(id, pinId, size));
    }
    const [child, usedV2] = result;
    const createdWith: CreatedWith = usedV2 ? 'KsCreatePin2' : this.backend === 'windows' ? 'KsCreatePin' : 'emulator';
    const waveRt = normalizeGuid(iface.set, 'interface.set') === KSINTERFACESETID_Standard && iface.id === KSINTERFACE_STANDARD_LOOPED_STREAMING;
    const pin = new KsPin(child, this, pinId, dataFormat, createdWith, this.backend, flow === undefined ? null : FLOWS[flow] ?? null, waveRt);
    pin.negotiation = negotiation;
    return pin;
  }

  /**
   * The interface createPin uses when not told: standard streaming, unless
   * the pin lists only KSINTERFACE_STANDARD_LOOPED_STREAMING (a WaveRT pin,
   * which refuses standard streaming).
   */
  private offeredInterface(pinId: number): { set: string; id: number; flags?: number } {
    const standard = { set: KSINTERFACESETID_Standard, id: KSINTERFACE_STANDARD_STREAMING };
    let offered: { set: string; id: number }[];
    try {
      offered = parseIdentifiers(this.pinProperty(KSPROPERTY_PIN.INTERFACES, pinId), 'get pin interfaces');
    } catch {
      return standard;
    }
    const has = (id: number) => offered.some((i) => i.set === KSINTERFACESETID_Standard && i.id === id);
    return !has(KSINTERFACE_STANDARD_STREAMING) && has(KSINTERFACE_STANDARD_LOOPED_STREAMING) ? { ...standard, id: KSINTERFACE_STANDARD_LOOPED_STREAMING } : standard;
  }

  private pinProperty(id: number, pinId: number, size?: number): Buffer {
    return this.getPropertyOf(` of pin ${pinId}`, KSPROPSETID.Pin, id, { instance: pinInstance(pinId), size }, () => this.pinIdHint(pinId));
  }

  /** "pin 5 is past …" when `pinId` is not one of the filter's pin factories; nothing otherwise. */
  private pinIdHint(pinId: number): string | undefined {
    let count: number;
    try {
      count = this.pinCount();
    } catch {
      return undefined;
    }
    if (pinId < count) return undefined;
    return count === 0 ? `the filter has no pin factories` : `pin ${pinId} is past the filter's ${count} pin factories (pin ids 0..${count - 1})`;
  }

  /** " on node 1 (KSNODETYPE_MUTE)", or "…: node 7 is past the filter's 3 nodes", for a failed node property. */
  private explainNodeFailure(e: unknown, nodeId: number): unknown {
    if (!(e instanceof KsError) || e.code.startsWith('ERR_')) return e;
    let nodes: { typeName: string | null; type: string }[];
    try {
      nodes = this.topology().nodes;
    } catch {
      return e;
    }
    const node = nodes[nodeId];
    if (!node) {
      const range = nodes.length === 0 ? 'the filter has no topology nodes' : `node ${nodeId} is past the filter's ${nodes.length} nodes (node ids 0..${nodes.length - 1})`;
      return reframeError(e, e.operation, range);
    }
    return reframeError(e, `${e.operation} (${node.typeName ? `KSNODETYPE_${node.typeName.replace(/^KSNODETYPE_/, '')}` : node.type})`);
  }

  private readUint32(id: number, pinId: number | null, operation: string): number {
    const reply = pinId === null ? this.getProperty(KSPROPSETID.Pin, id, { size: 4 }) : this.pinProperty(id, pinId, 4);
    if (reply.length < 4) throw new KsError('ERR_MALFORMED_REPLY', operation, `expected a 4-byte ULONG, got ${reply.length} bytes`);
    return reply.readUInt32LE(0);
  }

  /** Reads an optional pin property: STATUS_NOT_FOUND and NOT_SUPPORTED mean "none". */
  private optionalPinProperty(id: number, pinId: number): Buffer | null {
    const request = encodePinProperty(KSPROPSETID.Pin, id, KSPROPERTY_TYPE.GET, pinId);
    const probe = this.ioctl(IOCTL_KS.PROPERTY, request, null);
    if (!statusOk(probe[0], probe[1]) && probe[2] === 0) return null;
    return this.pinProperty(id, pinId);
  }

  private pinName(pinId: number): string | null {
    const reply = this.optionalPinProperty(KSPROPERTY_PIN.NAME, pinId);
    // NUL-terminated UTF-16LE; never read past the reply.
    return reply ? parseWideString(reply) : null;
  }

  private pinCategory(pinId: number): Guid | null {
    const reply = this.optionalPinProperty(KSPROPERTY_PIN.CATEGORY, pinId);
    if (!reply) return null;
    if (reply.length < 16) throw new KsError('ERR_MALFORMED_REPLY', 'get pin category', `a GUID needs 16 bytes, got ${reply.length}`);
    return readGuid(reply, 0);
  }
}

