/**
 * Virtual devices for the emulator, defined from TypeScript: pin factories
 * with their data ranges, a topology, property handlers (which may answer
 * with any bytes and any status, malformed on purpose) and events the test
 * can raise. They enumerate, open and stream like the built-in ones, so an
 * app can rehearse its own device code, and this package's parsers can be
 * attacked through the whole native path. Also: plugging and unplugging any
 * emulated device, which `watchDevices` reports.
 *
 * Handlers run synchronously on the JS thread, inside the call that sent the
 * request (openFilter(...).pins(), getProperty, ...); they must not close the
 * handle the request came through.
 */
import { KSFILTER_NODE, KSPIN_COMMUNICATION, KSPIN_DATAFLOW } from '../structs/constants';
import { KsError, ntStatusValue } from '../base/errors';
import { guidToBuffer, normalizeGuid, type Guid } from '../structs/guid';
import { AllocatorFraming, type AllocatorFramingInit } from '../structs/framing';
import { callNative, native, type NativeVirtualDevice } from '../addon/binding';
import { categoryGuid } from '../objects/devices';
import { checkUint32 } from '../base/validate';
import type { Communication, DataFlow } from '../objects/filter';
import type { KsCategoryName } from '../structs/constants';

/** What a property handler is told of the request. */
export interface VirtualPropertyRequest {
  set: Guid;
  id: number;
  /**
   * 'get', 'set' or 'basicSupport' (only with onBasicSupport; without it the
   * emulator answers BASICSUPPORT from which handlers exist, and always
   * answers SETSUPPORT itself). KSPROPERTY_TYPE_DEFAULTVALUES requests also
   * arrive as 'basicSupport', with `flags` saying so (without onBasicSupport
   * they are refused with STATUS_INVALID_PARAMETER).
   */
  kind: 'get' | 'set' | 'basicSupport';
  /** The request's bytes after its KSPROPERTY (KSP_PIN's PinId, KSP_NODE's NodeId, ...). */
  instance: Buffer;
  /** KSP_PIN.PinId / KSP_NODE.NodeId: the instance's first ULONG, when it has one. */
  instanceId?: number;
  /** A SET's value. */
  value?: Buffer;
  /** The caller's buffer size (0 for a size query). */
  outputLength: number;
  /** The request's whole KSPROPERTY Flags (KSPROPERTY_TYPE_DEFAULTVALUES, _TOPOLOGY, ... beside the kind). */
  flags?: number;
}

/**
 * A handler's answer. A Buffer is a value, answered as KS answers fixed-size
 * properties (a size query gets STATUS_BUFFER_OVERFLOW and the size, a short
 * buffer STATUS_BUFFER_TOO_SMALL). A raw reply is passed on as it is: the
 * status (a number or a name such as 'STATUS_NOT_FOUND'), the bytes (copied
 * up to the caller's buffer, never past it) and the Information the driver
 * claims, which may be anything. Nothing (undefined) is STATUS_SUCCESS with
 * no data.
 */
export type VirtualPropertyReply = Buffer | { status?: number | string; data?: Buffer; information?: number } | undefined | void;

export interface VirtualPropertyHandler {
  set: Guid | string;
  id: number;
  /** Where requests arrive: the filter (default), every pin instance, or topology nodes (KSP_NODE requests). */
  target?: 'filter' | 'pin' | 'node';
  /** With target 'pin': only instances of this pin factory (default every pin factory's instances). */
  pinId?: number;
  onGet?: (request: VirtualPropertyRequest) => VirtualPropertyReply;
  onSet?: (request: VirtualPropertyRequest) => VirtualPropertyReply;
  /** KSPROPERTY_TYPE_BASICSUPPORT's answer (a KSPROPERTY_DESCRIPTION and member lists, or just the access flags). */
  onBasicSupport?: (request: VirtualPropertyRequest) => VirtualPropertyReply;
}

export interface VirtualPinDefinition {
  name?: string;
  dataFlow: DataFlow;
  communication?: Communication;
  /** KSPROPERTY_PIN_CATEGORY (PINNAME_*). */
  category?: Guid;
  /** CINSTANCES.PossibleCount (default 1). */
  instances?: number;
  necessaryInstances?: number;
  /** Whole KSDATARANGEs (encodeAudioRange, or bytes of your own: they are reported as given). */
  dataRanges: Buffer[];
  /** KSPROPERTY_CONNECTION_ALLOCATORFRAMING (default: 8 frames of 4 KiB, preferences only). */
  framing?: AllocatorFramingInit;
  /**
   * How the pin streams: 'standard' (IOCTL_KS_READ_STREAM / WRITE_STREAM, created with
   * KSINTERFACE_STANDARD_STREAMING; the default) or 'waveRt', a portcls WaveRT pin: created only with
   * KSINTERFACE_STANDARD_LOOPED_STREAMING and a WAVEFORMATEXTENSIBLE PCM format, streaming through a cyclic buffer
   * the emulator's modelled DMA engine fills or plays (docs/emulator.md).
   */
  streaming?: 'standard' | 'waveRt';
  /**
   * A WaveRT pin's modelled hardware, as KSPROPERTY_RTAUDIO_HWLATENCY reports it: the FIFO the DMA fetches ahead
   * of the position (bytes) and the chipset and codec delays (100 ns units). Default 256 bytes, 0, 10000.
   */
  waveRtLatency?: { fifoSize: number; chipsetDelay: number; codecDelay: number };
}

export interface VirtualTopology {
  categories?: Guid[];
  nodes?: { type: Guid; name?: string }[];
  /** fromNode/toNode: a node id, or 'filter' (KSFILTER_NODE) for one of the filter's pins. */
  connections?: { fromNode: number | 'filter'; fromNodePin: number; toNode: number | 'filter'; toNodePin: number }[];
}

export interface VirtualDeviceDefinition {
  /** The friendly name listDevices shows. */
  name: string;
  /** Device interface categories (names or GUIDs). */
  categories: (KsCategoryName | Guid)[];
  pins: VirtualPinDefinition[];
  topology?: VirtualTopology;
  properties?: VirtualPropertyHandler[];
  /** Events the filter (or every pin instance) lets callers enable; raise them with fireEvent. */
  events?: { set: Guid | string; id: number; target?: 'filter' | 'pin' }[];
}

const FLOWS: Record<DataFlow, number> = { in: KSPIN_DATAFLOW.IN, out: KSPIN_DATAFLOW.OUT };
const COMMUNICATIONS: Record<Communication, number> = {
  none: KSPIN_COMMUNICATION.NONE,
  sink: KSPIN_COMMUNICATION.SINK,
  source: KSPIN_COMMUNICATION.SOURCE,
  both: KSPIN_COMMUNICATION.BOTH,
  bridge: KSPIN_COMMUNICATION.BRIDGE,
};
const TARGETS = { filter: 0, pin: 1, node: 2 } as const;
const STATUS = { SUCCESS: 0, BUFFER_OVERFLOW: 0x80000005, BUFFER_TOO_SMALL: 0xc0000023, UNSUCCESSFUL: 0xc0000001 };

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (!allowed.includes(value as T)) {
    throw new RangeError(`${field} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function replyStatus(value: number | string | undefined, field: string): number {
  if (value === undefined) return STATUS.SUCCESS;
  if (typeof value === 'string') {
    const known = ntStatusValue(value);
    if (known === undefined) throw new RangeError(`${field} names no NTSTATUS this package knows: ${value}`);
    return known;
  }
  return checkUint32(value, field);
}

/** Turns a handler's answer into the [status, data, information] the emulator takes. */
function toNative(reply: VirtualPropertyReply, outputLength: number, kind: VirtualPropertyRequest['kind']): [number, Buffer | null, number] {
  if (reply === undefined) return [STATUS.SUCCESS, null, 0];
  if (Buffer.isBuffer(reply)) {
    if (kind === 'set') return [STATUS.SUCCESS, null, 0];
    if (outputLength === 0) return [STATUS.BUFFER_OVERFLOW, null, reply.length];
    if (outputLength < reply.length) return [STATUS.BUFFER_TOO_SMALL, null, reply.length];
    return [STATUS.SUCCESS, reply, reply.length];
  }
  if (typeof reply !== 'object' || reply === null) throw new TypeError('a property handler must return a Buffer, a raw reply object or nothing');
  if (reply.data !== undefined && !Buffer.isBuffer(reply.data)) throw new TypeError('reply.data must be a Buffer');
  const status = replyStatus(reply.status, 'reply.status');
  const information = reply.information === undefined ? reply.data?.length ?? 0 : checkUint32(reply.information, 'reply.information');
  return [status, reply.data ?? null, information];
}

function encodeConnectionEnd(value: number | 'filter', field: string): number {
  return value === 'filter' ? KSFILTER_NODE : checkUint32(value, field);
}

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

export class VirtualDevice {
  /** The device interface path: listDevices lists it and openFilter opens it (on the emulator). */
  readonly path: string;
  readonly name: string;
  /** What handlers threw (each such request was answered STATUS_UNSUCCESSFUL). */
  readonly handlerErrors: unknown[] = [];
  #present = true;
  #removed = false;

  /** @internal use defineVirtualDevice */
  constructor(path: string, name: string) {
    this.path = path;
    this.name = name;
  }

  get present(): boolean {
    return this.#present;
  }

  /** Pulls the device out: it stops enumerating, its open handles fail with STATUS_DEVICE_REMOVED. */
  unplug(): void {
    this.#check('unplug');
    callNative('unplug device', () => native.emulatorSetPresent(this.path, false));
    this.#present = false;
  }

  /** Plugs it back in (handles from before stay dead, as on Windows). */
  plug(): void {
    this.#check('plug');
    callNative('plug device', () => native.emulatorSetPresent(this.path, true));
    this.#present = true;
  }

  /** Generates the event on every filter and pin of the device that enabled it. */
  fireEvent(set: Guid | string, id: number): void {
    this.#check('fire event');
    const guid = normalizeGuid(set, 'set');
    checkUint32(id, 'id');
    callNative('fire event', () => native.emulatorGenerateEvent(this.path, guidToBuffer(guid), id));
  }

  /** Unplugs the device and forgets it; its handlers are released. Idempotent. */
  remove(): void {
    if (this.#removed) return;
    this.#removed = true;
    this.#present = false;
    callNative('remove device', () => native.emulatorRemoveDevice(this.path));
  }

  [disposeSymbol](): void {
    this.remove();
  }

  #check(operation: string): void {
    if (this.#removed) throw new KsError('ERR_CLOSED', operation, `the virtual device "${this.name}" was removed`);
  }
}

/** Adds a virtual device to this environment's emulator and plugs it in. */
export function defineVirtualDevice(definition: VirtualDeviceDefinition): VirtualDevice {
  if (typeof definition !== 'object' || definition === null) throw new TypeError('definition must be an object');
  if (typeof definition.name !== 'string' || definition.name === '') throw new TypeError('definition.name must be a non-empty string');
  if (!Array.isArray(definition.categories) || definition.categories.length === 0) {
    throw new TypeError('definition.categories must be a non-empty array of KSCATEGORY names or GUIDs');
  }
  if (!Array.isArray(definition.pins)) throw new TypeError('definition.pins must be an array');

  const pins = definition.pins.map((pin, i) => {
    const where = `definition.pins[${i}]`;
    if (typeof pin !== 'object' || pin === null) throw new TypeError(`${where} must be an object`);
    if (!Array.isArray(pin.dataRanges) || !pin.dataRanges.every((r) => Buffer.isBuffer(r))) {
      throw new TypeError(`${where}.dataRanges must be an array of Buffers (whole KSDATARANGEs)`);
    }
    const framing = new AllocatorFraming(
      pin.framing ?? { flags: 0x80000002, poolType: 0, frames: 8, frameSize: 4096, fileAlignment: 3 },
    );
    return {
      name: pin.name ?? '',
      dataFlow: FLOWS[oneOf(pin.dataFlow, ['in', 'out'] as const, `${where}.dataFlow`)],
      communication: COMMUNICATIONS[oneOf(pin.communication ?? 'sink', ['none', 'sink', 'source', 'both', 'bridge'] as const, `${where}.communication`)],
      category: pin.category === undefined ? null : guidToBuffer(normalizeGuid(pin.category, `${where}.category`)),
      possibleInstances: checkUint32(pin.instances ?? 1, `${where}.instances`),
      necessaryInstances: checkUint32(pin.necessaryInstances ?? 0, `${where}.necessaryInstances`),
      dataRanges: pin.dataRanges.map((r) => Buffer.from(r)),
      framing: framing.encode(),
      waveRt: oneOf(pin.streaming ?? 'standard', ['standard', 'waveRt'] as const, `${where}.streaming`) === 'waveRt',
      waveRtLatency: pin.waveRtLatency === undefined ? null : encodeWaveRtLatency(pin.waveRtLatency, `${where}.waveRtLatency`),
    };
  });

  const topology = definition.topology ?? {};
  const connections = topology.connections ?? [];
  const connectionBytes = Buffer.alloc(connections.length * 16);
  connections.forEach((c, i) => {
    const where = `definition.topology.connections[${i}]`;
    connectionBytes.writeUInt32LE(encodeConnectionEnd(c.fromNode, `${where}.fromNode`), i * 16);
    connectionBytes.writeUInt32LE(checkUint32(c.fromNodePin, `${where}.fromNodePin`), i * 16 + 4);
    connectionBytes.writeUInt32LE(encodeConnectionEnd(c.toNode, `${where}.toNode`), i * 16 + 8);
    connectionBytes.writeUInt32LE(checkUint32(c.toNodePin, `${where}.toNodePin`), i * 16 + 12);
  });

  const handlers = (definition.properties ?? []).map((h, i) => {
    const where = `definition.properties[${i}]`;
    if (typeof h !== 'object' || h === null) throw new TypeError(`${where} must be an object`);
    for (const name of ['onGet', 'onSet', 'onBasicSupport'] as const) {
      if (h[name] !== undefined && typeof h[name] !== 'function') throw new TypeError(`${where}.${name} must be a function`);
    }
    if (!h.onGet && !h.onSet) throw new TypeError(`${where} needs onGet or onSet`);
    const target = oneOf(h.target ?? 'filter', ['filter', 'pin', 'node'] as const, `${where}.target`);
    if (h.pinId !== undefined) {
      if (target !== 'pin') throw new TypeError(`${where}.pinId needs target 'pin'`);
      if (checkUint32(h.pinId, `${where}.pinId`) >= pins.length) throw new RangeError(`${where}.pinId must be below the pin count ${pins.length}, got ${h.pinId}`);
    }
    return { ...h, set: normalizeGuid(h.set, `${where}.set`), id: checkUint32(h.id, `${where}.id`), target };
  });

  const events = (definition.events ?? []).map((e, i) => {
    const where = `definition.events[${i}]`;
    return {
      target: TARGETS[oneOf(e.target ?? 'filter', ['filter', 'pin'] as const, `${where}.target`)],
      set: guidToBuffer(normalizeGuid(e.set, `${where}.set`)),
      id: checkUint32(e.id, `${where}.id`),
    };
  });

  const nativeDefinition: NativeVirtualDevice = {
    name: definition.name,
    categories: definition.categories.map((c) => guidToBuffer(categoryGuid(c))),
    pins,
    topology: {
      categories: (topology.categories ?? []).map((g, i) => guidToBuffer(normalizeGuid(g, `definition.topology.categories[${i}]`))),
      nodes: (topology.nodes ?? []).map((n, i) => ({
        type: guidToBuffer(normalizeGuid(n.type, `definition.topology.nodes[${i}].type`)),
        name: n.name ?? '',
      })),
      connections: connectionBytes,
    },
    properties: handlers.map((h) => ({ target: TARGETS[h.target], pinId: h.pinId ?? -1, set: guidToBuffer(h.set), id: h.id, get: !!h.onGet, set_: !!h.onSet, basicSupport: !!h.onBasicSupport })),
    events,
  };

  let device: VirtualDevice | undefined;
  const dispatch = (index: number, kind: number, instance: Buffer, value: Buffer | null, outputLength: number, flags: number): [number, Buffer | null, number] => {
    const handler = handlers[index];
    const which = kind === 2 ? 'set' : kind === 0x200 ? 'basicSupport' : 'get';
    const request: VirtualPropertyRequest = { set: handler.set, id: handler.id, kind: which, instance, outputLength, flags };
    if (instance.length >= 4) request.instanceId = instance.readUInt32LE(0);
    if (value) request.value = value;
    try {
      const reply = which === 'set' ? handler.onSet?.(request) : which === 'basicSupport' ? handler.onBasicSupport?.(request) : handler.onGet?.(request);
      return toNative(reply, outputLength, which);
    } catch (e) {
      device?.handlerErrors.push(e);
      return [STATUS.UNSUCCESSFUL, null, 0];
    }
  };
  const path = callNative('define virtual device', () => native.emulatorDefineDevice(nativeDefinition, dispatch));
  device = new VirtualDevice(path, definition.name);
  return device;
}

/** KSRTAUDIO_HWLATENCY { FifoSize, ChipsetDelay, CodecDelay }, three ULONGs. */
function encodeWaveRtLatency(latency: { fifoSize: number; chipsetDelay: number; codecDelay: number }, where: string): Buffer {
  if (typeof latency !== 'object' || latency === null) throw new TypeError(`${where} must be { fifoSize, chipsetDelay, codecDelay }`);
  const b = Buffer.alloc(12);
  b.writeUInt32LE(checkUint32(latency.fifoSize, `${where}.fifoSize`), 0);
  b.writeUInt32LE(checkUint32(latency.chipsetDelay, `${where}.chipsetDelay`), 4);
  b.writeUInt32LE(checkUint32(latency.codecDelay, `${where}.codecDelay`), 8);
  return b;
}

/** Plugs an emulated device (built-in or virtual) in or pulls it out, by path. */
export function setEmulatedDevicePresent(path: string, present: boolean): void {
  if (typeof path !== 'string') throw new TypeError('path must be a string');
  callNative(present ? 'plug device' : 'unplug device', () => native.emulatorSetPresent(path, present));
}
