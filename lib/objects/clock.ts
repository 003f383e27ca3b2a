/**
 * KsClock: a KS clock created on a pin (KsCreateClock2 where present) and
 * its KSPROPSETID_Clock properties. Times are LONGLONGs in 100 ns units, so
 * they come back as bigints.
 */
import { KsError } from '../base/errors';
import { KSEVENT_CLOCK, KSEVENTSETID, KSPROPERTY_CLOCK, KSPROPSETID } from '../structs/constants';
import { KsHandle } from './handle';
import type { KsEventListener, KsEventSubscription } from './events';
import type { CreatedWith } from './allocator';
import type { BackendName } from '../addon/backend';
import { GENERIC_READ } from '../structs/constants';
import { callNative, native, ObjectClass } from '../addon/binding';
import { PIN_STATES, type PinState } from '../structs/ks-state';

const INT64_MAX = 0x7fffffffffffffffn;

/** KSCLOCK_CREATE: 4 bytes. */
export const KSCLOCK_CREATE_SIZE = 4;

/** KSCORRELATED_TIME */
export interface CorrelatedTime {
  /** Time: the clock's time, 100 ns */
  time: bigint;
  /** SystemTime: the system time read at the same instant, 100 ns */
  systemTime: bigint;
}

/** KSRESOLUTION */
export interface ClockResolution {
  /** Granularity: the smallest step of the clock, 100 ns */
  granularity: bigint;
  /** Error: how far off a reading may be, 100 ns */
  error: bigint;
}


export class KsClock extends KsHandle {
  readonly kind = 'clock';
  readonly createdWith: CreatedWith;

  /** @internal use KsPin.createClock */
  constructor(id: number, parent: KsHandle, createdWith: CreatedWith) {
    super(id, parent);
    this.createdWith = createdWith;
  }

  private read(id: number, size: number, what: string): Buffer {
    const reply = this.getProperty(KSPROPSETID.Clock, id, { size });
    if (reply.length < size) throw new KsError('ERR_MALFORMED_REPLY', `get clock ${what}`, `${what} needs ${size} bytes, got ${reply.length}`);
    return reply;
  }

  /** KSPROPERTY_CLOCK_TIME: the presentation time (it advances while the pin runs). */
  time(): bigint {
    return this.read(KSPROPERTY_CLOCK.TIME, 8, 'time').readBigInt64LE(0);
  }

  /** KSPROPERTY_CLOCK_PHYSICALTIME: the underlying time, whatever the state. */
  physicalTime(): bigint {
    return this.read(KSPROPERTY_CLOCK.PHYSICALTIME, 8, 'physical time').readBigInt64LE(0);
  }

  /** KSPROPERTY_CLOCK_CORRELATEDTIME */
  correlatedTime(): CorrelatedTime {
    const b = this.read(KSPROPERTY_CLOCK.CORRELATEDTIME, 16, 'correlated time');
    return { time: b.readBigInt64LE(0), systemTime: b.readBigInt64LE(8) };
  }

  /** KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME */
  correlatedPhysicalTime(): CorrelatedTime {
    const b = this.read(KSPROPERTY_CLOCK.CORRELATEDPHYSICALTIME, 16, 'correlated physical time');
    return { time: b.readBigInt64LE(0), systemTime: b.readBigInt64LE(8) };
  }

  /** KSPROPERTY_CLOCK_RESOLUTION */
  resolution(): ClockResolution {
    const b = this.read(KSPROPERTY_CLOCK.RESOLUTION, 16, 'resolution');
    return { granularity: b.readBigInt64LE(0), error: b.readBigInt64LE(8) };
  }

  /** KSPROPERTY_CLOCK_STATE: the KSSTATE the clock follows (its pin's). */
  state(): PinState {
    const value = this.read(KSPROPERTY_CLOCK.STATE, 4, 'state').readUInt32LE(0);
    const state = PIN_STATES[value];
    if (!state) throw new KsError('ERR_MALFORMED_REPLY', 'get clock state', `KSSTATE ${value} is not a state`);
    return state;
  }

  /**
   * KSEVENT_CLOCK_INTERVAL_MARK: `listener` runs each time the clock's time
   * passes timeBase + k × interval (100 ns units; the time runs in RUN only).
   * A late wake-up signals once, not once per interval missed.
   */
  onIntervalMark(interval: bigint, listener: KsEventListener, options: { timeBase?: bigint } = {}): KsEventSubscription {
    const timeBase = options.timeBase ?? 0n;
    if (typeof interval !== 'bigint' || interval <= 0n || interval > INT64_MAX) {
      throw new RangeError(`interval must be a bigint in 1..${INT64_MAX} (100 ns units), got ${String(interval)}`);
    }
    if (typeof timeBase !== 'bigint' || timeBase < -INT64_MAX - 1n || timeBase > INT64_MAX) {
      throw new RangeError(`options.timeBase must be a 64-bit bigint (100 ns units), got ${String(timeBase)}`);
    }
    const data = Buffer.alloc(16);
    data.writeBigInt64LE(timeBase, 0);
    data.writeBigInt64LE(interval, 8);
    return this.enableEvent(KSEVENTSETID.Clock, KSEVENT_CLOCK.INTERVAL_MARK, listener, { data });
  }

  /** KSEVENT_CLOCK_POSITION_MARK: `listener` runs once the clock's time reaches `markTime` (100 ns units). */
  onPositionMark(markTime: bigint, listener: KsEventListener): KsEventSubscription {
    if (typeof markTime !== 'bigint' || markTime < -INT64_MAX - 1n || markTime > INT64_MAX) {
      throw new RangeError(`markTime must be a 64-bit bigint (100 ns units), got ${String(markTime)}`);
    }
    const data = Buffer.alloc(8);
    data.writeBigInt64LE(markTime, 0);
    return this.enableEvent(KSEVENTSETID.Clock, KSEVENT_CLOCK.POSITION_MARK, listener, { data });
  }

  /** @internal the HANDLE KSPROPERTY_STREAM_MASTERCLOCK carries */
  handleForPin(): bigint {
    return this.handleValue('set master clock');
  }
}

/**
 * Creates a clock on a pin or a clock device's filter (KsCreateClock2 where
 * present) with KSCLOCK_CREATE { CreateFlags 0 }.
 * @internal use KsPin.createClock / KsFilter.createClock
 */
export function createClockOn(parentId: number, parent: KsHandle, backend: BackendName): KsClock {
  const payload = Buffer.alloc(KSCLOCK_CREATE_SIZE); // CreateFlags: none are defined
  const [child, usedV2] = callNative('create clock', () => native.createObject(parentId, ObjectClass.Clock, payload, GENERIC_READ));
  const createdWith: CreatedWith = usedV2 ? 'KsCreateClock2' : backend === 'windows' ? 'KsCreateClock' : 'emulator';
  return new KsClock(child, parent, createdWith);
}
