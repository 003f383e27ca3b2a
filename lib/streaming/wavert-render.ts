/**
 * Render on a WaveRT pin: JavaScript fills a ring of bytes in memory shared
 * with the native WaveRT engine (native/wavert_engine.h), whose thread moves
 * them into the device's cyclic buffer at the device's pace. A write resolves
 * once its bytes are in the ring, so JavaScript never has to meet the
 * device's period; end of stream waits until the device has played them.
 */
import { KsError } from '../base/errors';
import { native } from '../addon/binding';
import { readWaveRtInfo, type WaveRtEngineInfo } from './wavert-info';

// The ring's control words (render_ring in native/wavert_engine.h).
const WRITTEN = 0;
const ARMED = 1;
const READ = 16;
const FAILED = 17;
const WORDS = 32;

type Waiter = () => void;

/** @internal what KsPin needs to start the engine. */
export interface WaveRtStart {
  mode: number;
  fallbackToPolled: boolean;
  bufferBytes: number;
  notificationCount: number;
  sampleRate: number;
  blockAlign: number;
}

/** @internal the native engine's answer: [streamId, offset, mode, bufferBytes, notificationCount, positionSource, fifoBytes]. */
export type WaveRtStarted = [number, number, number, number, number, number, number];

/**
 * What a WaveRT render engine saw (KsPin.waveRtRenderStats), from its start.
 * `underruns`: passes that found the device had fetched past what the engine
 * had written (event and polled mode, from the position), or packets
 * SETWRITEPACKET announced too late (packet mode); `underrunsAfterStall`: those
 * seen more than the buffer's headroom after the engine's last pass began
 * (its thread held off the CPU, or the device's notification late: see
 * CaptureStream.engineTiming); `stalls` and `longestGapMs` as there.
 * `silenceBytes`: silence the engine wrote because the ring ran dry (the
 * data written so far had all been played); `bytesTaken`: bytes it took from
 * the ring into the device's buffer.
 */
export interface WaveRtRenderStats {
  underruns: number;
  underrunsAfterStall: number;
  stalls: number;
  longestGapMs: number;
  silenceBytes: number;
  bytesTaken: number;
}

const NO_STATS: WaveRtRenderStats = { underruns: 0, underrunsAfterStall: 0, stalls: 0, longestGapMs: 0, silenceBytes: 0, bytesTaken: 0 };

function statsOf(info: WaveRtEngineInfo): WaveRtRenderStats {
  return {
    underruns: info.glitches, underrunsAfterStall: info.glitchesAfterStall, stalls: info.stalls, longestGapMs: info.longestGapMs,
    silenceBytes: info.silenceBytes, bytesTaken: info.movedBytes,
  };
}

export class WaveRtRenderStream {
  readonly ringBytes: number;
  /** The engine's answer once it runs, else null. */
  started: WaveRtStarted | null = null;
  readonly #pinId: number;
  readonly #start: WaveRtStart;
  readonly #onStart: (started: WaveRtStarted) => void;
  readonly #pool: ArrayBuffer;
  #streamId = 0;
  readonly #ring: Uint8Array;
  readonly #control: Uint32Array;
  readonly #bytesPerSecond: number;
  #written = 0;
  #waiters: Waiter[] = [];
  #ended = false;
  #writing: Promise<void> = Promise.resolve();
  #statsAtEnd: WaveRtRenderStats = NO_STATS;

  /**
   * @internal use KsPin.write() / writable(). The engine starts once the
   * ring holds a whole device buffer (it primes the device from the ring),
   * or at end of stream, so the first bytes played are the first written.
   */
  constructor(pinId: number, ringBytes: number, start: WaveRtStart, onStart: (started: WaveRtStarted) => void) {
    this.#pinId = pinId;
    this.#start = start;
    this.#onStart = onStart;
    this.#bytesPerSecond = start.sampleRate * start.blockAlign;
    this.ringBytes = Math.max(ringBytes, start.bufferBytes) + start.blockAlign;
    this.ringBytes -= this.ringBytes % start.blockAlign;
    // Explicit ArrayBuffers are never on the V8 heap: the engine keeps raw
    // pointers. Alignment 1: the ring starts at byte 0 of the pool.
    this.#pool = new ArrayBuffer(this.ringBytes);
    this.#ring = new Uint8Array(this.#pool);
    this.#control = new Uint32Array(new ArrayBuffer(WORDS * 4));
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The engine's counters: live while it runs, as they were when it stopped after. */
  get stats(): WaveRtRenderStats {
    if (!this.started) return { ...NO_STATS };
    if (this.#ended) return { ...this.#statsAtEnd };
    return statsOf(readWaveRtInfo(this.#streamId));
  }

  /** Copies `data` into the ring, waiting for room as the device plays; resolves once all of it is in. Calls run in order. */
  write(data: Uint8Array): Promise<void> {
    const next = this.#writing.then(() => this.#copy(data));
    this.#writing = next.catch(() => undefined);
    return next;
  }

  /** Resolves once the device has taken everything written and played it (the buffer and the FIFO drained). */
  async drain(): Promise<void> {
    await this.#writing;
    this.#startIfDue(true);
    while (!this.#ended && Atomics.load(this.#control, READ) !== this.#written) {
      this.#check();
      await this.#wait();
    }
    this.#check();
    // What the engine took is in the device's buffer: wait until it is played.
    const bufferBytes = (this.started?.[3] ?? 0) + (this.started?.[6] ?? 0);
    await new Promise((resolve) => setTimeout(resolve, Math.ceil((bufferBytes / this.#bytesPerSecond) * 1000) + 5));
  }

  /** Stops the engine (the pin goes to STOP); pending writes reject with ERR_CANCELED. */
  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.started) {
      try {
        this.#statsAtEnd = statsOf(readWaveRtInfo(this.#streamId));
      } catch {
        // already closed natively
      }
      native.streamClose(this.#streamId);
    }
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  #startIfDue(force: boolean): void {
    if (this.started || this.#ended) return;
    if (!force && this.#written < Math.min(this.#start.bufferBytes, this.ringBytes)) return;
    const s = this.#start;
    this.started = native.waveRtOpen(
      this.#pinId, false, this.#pool, this.#control, new Float64Array(new ArrayBuffer(8)), 1, this.ringBytes, 1, false, () => this.#wake(),
      s.mode, s.fallbackToPolled, s.bufferBytes, s.notificationCount, s.sampleRate, s.blockAlign,
    ) as WaveRtStarted;
    this.#streamId = this.started[0];
    this.#onStart(this.started);
  }

  async #copy(data: Uint8Array): Promise<void> {
    let at = 0;
    while (at < data.byteLength) {
      this.#check();
      const room = this.ringBytes - ((this.#written - Atomics.load(this.#control, READ)) >>> 0);
      if (room === 0) {
        this.#startIfDue(true);
        await this.#wait();
        continue;
      }
      const n = Math.min(room, data.byteLength - at);
      const offset = this.#written % this.ringBytes;
      const first = Math.min(n, this.ringBytes - offset);
      this.#ring.set(data.subarray(at, at + first), offset);
      if (n > first) this.#ring.set(data.subarray(at + first, at + n), 0);
      at += n;
      this.#written = (this.#written + n) >>> 0;
      // Publishes the bytes: the engine reads the counter before the ring.
      Atomics.store(this.#control, WRITTEN, this.#written);
      this.#startIfDue(false);
    }
  }

  #check(): void {
    if (this.#ended) throw new KsError('ERR_CANCELED', 'write frame', 'the WaveRT stream was stopped or its pin closed while writing');
    if (this.started && Atomics.load(this.#control, FAILED) !== 0) {
      const info = readWaveRtInfo(this.#streamId);
      throw KsError.fromStatus(info.failureKind, info.failureValue, 'write frame');
    }
  }

  /** Waits for the engine to take bytes (it wakes us when armed), or at most 50 ms. */
  #wait(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, 50);
      const waiter = () => done();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(waiter);
      Atomics.store(this.#control, ARMED, 1);
    });
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
