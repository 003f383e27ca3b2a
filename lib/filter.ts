/** KsFilter: an open KS filter (a device interface), its pin factories, and pin creation. */
import { KsError, statusOk } from './errors';
import {
  GENERIC_READ,
  GENERIC_WRITE,
  IOCTL_KS,
  KSINTERFACESETID_Standard,
  KSINTERFACE_STANDARD_STREAMING,
  KSMEDIUMSETID_Standard,
  KSMEDIUM_TYPE_ANYINSTANCE,
  KSPIN_DATAFLOW,
  KSPROPERTY_PIN,
  KSPROPERTY_TYPE,
  KSPROPSETID,
} from './constants';
import { type DataFormat, type DataRange, encodeDataFormat, parseDataRanges } from './dataformat';
import { normalizeGuid, readGuid, writeGuid, type Guid } from './guid';
import { KsHandle } from './handle';
import { callNative, native, ObjectClass } from './native';
import { encodePinProperty, pinInstance } from './request';
import { isEmulatedPath, resolveBackend, type BackendName } from './backend';
import { KsPin } from './pin';
import type { CreatedWith } from './allocator';

export const KSPIN_CONNECT_SIZE = 72;
/** KSPRIORITY_NORMAL */
export const KSPRIORITY_NORMAL = 0x40000000;

export type DataFlow = 'in' | 'out';
export type Communication = 'none' | 'sink' | 'source' | 'both' | 'bridge';

export interface PinFactoryInfo {
  pinId: number;
  /** KSPROPERTY_PIN_NAME, when the pin has one. */
  name: string | null;
  /** KSPROPERTY_PIN_DATAFLOW */
  dataFlow: DataFlow;
  /** KSPROPERTY_PIN_COMMUNICATION */
  communication: Communication;
  /** KSPROPERTY_PIN_CATEGORY, when the pin has one. */
  category: Guid | null;
  /** KSPROPERTY_PIN_CINSTANCES */
  instances: { possible: number; current: number };
  /** KSPROPERTY_PIN_DATARANGES */
  dataRanges: DataRange[];
}

export interface CreatePinOptions {
  /** KSPIN_CONNECT.PinId */
  pinId: number;
  dataFormat: DataFormat;
  /** Access; by default GENERIC_READ for a pin data flows out of, GENERIC_WRITE for one it flows into. */
  access?: number;
  /** KSPIN_CONNECT.Interface; default KSINTERFACESETID_Standard / STANDARD_STREAMING. */
  interface?: { set: Guid; id: number; flags?: number };
  /** KSPIN_CONNECT.Medium; default KSMEDIUMSETID_Standard / ANYINSTANCE. */
  medium?: { set: Guid; id: number; flags?: number };
  /** KSPIN_CONNECT.Priority; default KSPRIORITY_NORMAL, subclass 1. */
  priority?: { priorityClass: number; prioritySubClass: number };
}

export interface OpenFilterOptions {
  /** Which backend opens it; by default the emulator for emulated paths, else the default backend. */
  backend?: BackendName;
}

const FLOWS: Record<number, DataFlow> = { [KSPIN_DATAFLOW.IN]: 'in', [KSPIN_DATAFLOW.OUT]: 'out' };
const COMMUNICATIONS: Record<number, Communication> = { 0: 'none', 1: 'sink', 2: 'source', 3: 'both', 4: 'bridge' };

function checkUint32(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${field} must be an integer in 0..4294967295, got ${String(value)}`);
  }
  return value;
}

export function openFilter(path: string, options: OpenFilterOptions = {}): KsFilter {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError('path must be a device interface path (a non-empty string)');
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
    };
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
    if (options.dataFormat === null || typeof options.dataFormat !== 'object') throw new TypeError('dataFormat must be a DataFormat object');
    const format = encodeDataFormat(options.dataFormat);
    const connect = Buffer.alloc(KSPIN_CONNECT_SIZE);
    const iface = options.interface ?? { set: KSINTERFACESETID_Standard, id: KSINTERFACE_STANDARD_STREAMING };
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
    if (access === undefined) {
      const flow = this.readUint32(KSPROPERTY_PIN.DATAFLOW, pinId, operation);
      access = flow === KSPIN_DATAFLOW.IN ? GENERIC_WRITE : GENERIC_READ;
    }
    checkUint32(access, 'access');
    const payload = Buffer.concat([connect, format]);
    let result: [number, boolean];
    try {
      result = callNative(operation, () => native.createObject(id, ObjectClass.Pin, payload, access!));
    } catch (e) {
      throw this.explainPinFailure(e, pinId);
    }
    const [child, usedV2] = result;
    const createdWith: CreatedWith = usedV2 ? 'KsCreatePin2' : this.backend === 'windows' ? 'KsCreatePin' : 'emulator';
    return new KsPin(child, this, pinId, options.dataFormat, createdWith, this.backend);
  }

  /** A failed pin create, told apart: no instance left, or the format refused. */
  private explainPinFailure(e: unknown, pinId: number): unknown {
    if (!(e instanceof KsError) || e.status === undefined && e.win32 === undefined && e.hresult === undefined) return e;
    let instances: Buffer | undefined;
    try {
      instances = this.pinProperty(KSPROPERTY_PIN.CINSTANCES, pinId, 8);
    } catch {
      instances = undefined;
    }
    const possible = instances && instances.length >= 8 ? instances.readUInt32LE(0) : undefined;
    const current = instances && instances.length >= 8 ? instances.readUInt32LE(4) : undefined;
    const base = { status: e.status, win32: e.win32, hresult: e.hresult, pinId };
    if (possible !== undefined && current !== undefined && current >= possible) {
      return new KsError(e.code, e.operation, `pin ${pinId} has no instance left (CINSTANCES ${current}/${possible}); ${e.message}`, {
        ...base,
        reason: 'no-instance',
        instances: { possible, current },
      });
    }
    if (e.code === 'STATUS_NO_MATCH' || e.code === 'ERROR_NO_MATCH') {
      return new KsError(e.code, e.operation, `pin ${pinId} does not accept this data format or interface; ${e.message}`, {
        ...base,
        reason: 'format-refused',
      });
    }
    return e;
  }

  private pinProperty(id: number, pinId: number, size?: number): Buffer {
    return this.getProperty(KSPROPSETID.Pin, id, { instance: pinInstance(pinId), size });
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
    if (!reply) return null;
    // NUL-terminated UTF-16LE; never read past the reply.
    const text = reply.subarray(0, reply.length - (reply.length % 2)).toString('utf16le');
    const end = text.indexOf('\0');
    return end >= 0 ? text.slice(0, end) : text;
  }

  private pinCategory(pinId: number): Guid | null {
    const reply = this.optionalPinProperty(KSPROPERTY_PIN.CATEGORY, pinId);
    if (!reply) return null;
    if (reply.length < 16) throw new KsError('ERR_MALFORMED_REPLY', 'get pin category', `a GUID needs 16 bytes, got ${reply.length}`);
    return readGuid(reply, 0);
  }
}

