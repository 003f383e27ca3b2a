/**
 * Capture streaming: a pool of packets kept in flight by the native engine,
 * delivered to JavaScript in batches. The pool is one ArrayBuffer, made once;
 * a frame is a view over its slot, handed back to the device when released
 * (explicitly, or when the iteration moves on). Nothing is allocated or
 * copied per frame unless the caller asks for a copy.
 */
import { KsError, StatusKind, statusCancelled, statusOk, statusStopped } from '../base/errors';
import { native } from '../addon/binding';
import { CompletionGap, wakeBatch } from './wake-batch';
import { NO_WAVERT_INFO, readWaveRtInfo, type WaveRtEngineInfo } from './wavert-info';
import { ARMED, FREE_HEAD, FREE_RING, FREE_TAIL, IN_FLIGHT, KSSTREAM_HEADER_OPTIONSF, RECORD, RECORD_HEAD, RECORD_TAIL } from './stream-control';

/** KS_VIDEO_FLAG_* (KS_FRAME_INFO.dwFrameFlags, ksmedia.h). FRAME and I_FRAME are 0: an uncompressed whole frame has no flag set. */
export const KS_VIDEO_FLAG = {
  FRAME: 0x0,
  FIELD1: 0x1,
  FIELD2: 0x2,
  I_FRAME: 0x0,
  P_FRAME: 0x10,
  B_FRAME: 0x20,
} as const;

export { KSSTREAM_HEADER_OPTIONSF };

export type OverflowPolicy = 'pause' | 'drop-oldest';

export interface CaptureOptions {
  /**
   * Packets in flight (the pool's slots). Default: the pin's framing Frames
   * (ALLOCATORFRAMING_EX's first item, else the legacy ALLOCATORFRAMING), or
   * 4 where neither states one. More than the framing's Frames only when asked.
   */
  packets?: number;
  /**
   * Bytes per packet (FrameExtent). Default: the framing's frame size (_EX:
   * MaxFrameSize), else 10 ms of audio or one picture of video; a video
   * default is never below the picture size.
   */
  frameSize?: number;
  /** Buffer alignment in bytes (a power of two). Default: the framing's FileAlignment + 1, at least 8. */
  alignment?: number;
  /** What a slow consumer causes: reads pause when the pool is empty (default), or the oldest undelivered frames are dropped. */
  overflow?: OverflowPolicy;
  /**
   * Microseconds to poll for the next frame, on the JavaScript thread, before
   * sleeping until the engine wakes it. A wake-up crosses threads and costs
   * 10–50 µs (more on a busy VM); polling trades CPU for latency and, at high
   * frame rates, throughput. Polling happens only while packets are in flight.
   * Default 0: never poll.
   */
  spinMicroseconds?: number;
}

/** One captured packet: a view over its pool slot until released. */
export class Frame {
  /** The bytes captured (DataUsed of them), a view over the pool: valid until release. */
  data: Uint8Array;
  /** KSSTREAM_HEADER.DataUsed */
  dataUsed = 0;
  /** KSSTREAM_HEADER.PresentationTime.Time, in 100 ns units scaled by numerator/denominator. */
  presentationTime = 0;
  /** PresentationTime.Numerator */
  numerator = 1;
  /** PresentationTime.Denominator */
  denominator = 1;
  /** KSSTREAM_HEADER.Duration, 100 ns units */
  duration = 0;
  /** KSSTREAM_HEADER.OptionsFlags (KSSTREAM_HEADER_OPTIONSF_*) */
  flags = 0;
  /** Position of this frame in the stream, from 0. */
  index = 0;
  /** When the native engine saw the packet complete (ns, the clock of process.hrtime.bigint()). */
  completedAtNs = 0;
  /**
   * KS_FRAME_INFO.PictureNumber (video pins): pictures the device has
   * captured since RUN, dropped ones included, counting from 0. Undefined when
   * the packets carry no KS_FRAME_INFO (audio).
   */
  pictureNumber: number | undefined = undefined;
  /** KS_FRAME_INFO.DropCount (video pins): pictures the device dropped since RUN. */
  dropCount: number | undefined = undefined;
  /** KS_FRAME_INFO.dwFrameFlags (video pins): KS_VIDEO_FLAG_* (see KS_VIDEO_FLAG). */
  frameFlags: number | undefined = undefined;
  /** @internal */ readonly slot: number;
  /** @internal */ released = true;
  /** @internal */ held = false;
  readonly #stream: CaptureStream;
  readonly #slotView: Uint8Array;

  /** @internal */
  constructor(stream: CaptureStream, slot: number, slotView: Uint8Array) {
    this.#stream = stream;
    this.slot = slot;
    this.#slotView = slotView;
    this.data = slotView;
  }

  /** @internal */
  fill(records: Float64Array, at: number, index: number, frameInfo: boolean): void {
    if (frameInfo) {
      this.pictureNumber = records[at + 10];
      this.dropCount = records[at + 11];
      this.frameFlags = records[at + 12];
    }
    this.dataUsed = Math.min(records[at + 3], this.#slotView.length);
    this.data = this.dataUsed === this.#slotView.length ? this.#slotView : this.#slotView.subarray(0, this.dataUsed);
    this.flags = records[at + 4];
    this.presentationTime = records[at + 5];
    this.numerator = records[at + 6];
    this.denominator = records[at + 7];
    this.duration = records[at + 8];
    this.completedAtNs = records[at + 9];
    this.index = index;
    this.released = false;
    this.held = false;
  }

  /** Keeps the frame past the next iteration step; the caller must release() it. */
  hold(): this {
    this.held = true;
    return this;
  }

  get discontinuity(): boolean {
    return (this.flags & KSSTREAM_HEADER_OPTIONSF.DATADISCONTINUITY) !== 0;
  }
  get endOfStream(): boolean {
    return (this.flags & KSSTREAM_HEADER_OPTIONSF.ENDOFSTREAM) !== 0;
  }
  get timeValid(): boolean {
    return (this.flags & KSSTREAM_HEADER_OPTIONSF.TIMEVALID) !== 0;
  }
  get durationValid(): boolean {
    return (this.flags & KSSTREAM_HEADER_OPTIONSF.DURATIONVALID) !== 0;
  }

  /** A copy of the bytes that outlives the frame. */
  copy(): Buffer {
    return Buffer.from(this.data);
  }

  /** Hands the slot back to the device. Idempotent; the view must not be used after. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.#stream.recycle(this.slot);
  }
}

/**
 * @internal How a stream starts its native engine: streamOpen (standard
 * streaming, the default) or waveRtOpen (a WaveRT pin). Returns the stream id
 * and the byte offset of slot 0 in the pool.
 */
export type CaptureOpener = (
  pool: ArrayBuffer,
  control: Uint32Array,
  records: Float64Array,
  slots: number,
  slotSize: number,
  frameSize: number,
  alignment: number,
  dropOldest: boolean,
  ready: () => void,
) => [number, number];

/** @internal CaptureOptions resolved, with the pin's stream header layout. */
export interface CaptureSetup extends Required<CaptureOptions> {
  /** Bytes per stream header (the pin's StreamHeaderSize). */
  headerSize: number;
  /** Whether each header carries a KS_FRAME_INFO (video pins). */
  frameInfo: boolean;
}

type Waiter = { resolve: (r: IteratorResult<Frame>) => void; reject: (e: unknown) => void };

/**
 * A running capture: an async iterator of frames. Iterating releases the
 * previous frame when it asks for the next one; `return()` (a `break`) or
 * `close()` stops the stream and gives the pool up.
 */
/** How a WaveRT engine's thread kept time: `CaptureStream.engineTiming`. */
export interface EngineTiming {
  stalls: number;
  overrunsAfterStall: number;
  longestGapMs: number;
}

function timingOf(info: WaveRtEngineInfo): EngineTiming {
  return { stalls: info.stalls, overrunsAfterStall: info.glitchesAfterStall, longestGapMs: info.longestGapMs };
}

export class CaptureStream implements AsyncIterableIterator<Frame> {
  readonly packets: number;
  readonly frameSize: number;
  /** Bytes per stream header sent with each packet (the pin's StreamHeaderSize). */
  readonly headerSize: number;
  readonly #frameInfo: boolean;
  readonly #streamId: number;
  readonly #frames: Frame[] = [];
  readonly #records: Float64Array;
  readonly #control: Uint32Array;
  readonly #dropOldest: boolean;
  readonly #recordCopy = new Float64Array(RECORD);
  #recordHead = 0; // records consumed (with 'pause' only JavaScript moves it)
  #freeTail = 0; // slots given back
  readonly #kickBatch: number;
  readonly #spinMs: number;
  // How far apart the device completes packets: decides the wake-up batch.
  readonly #completionGap = new CompletionGap();
  readonly #ready: number[] = [];
  #readyHead = 0;
  #waiter: Waiter | null = null;
  #current: Frame | null = null;
  #delivered = 0;
  #ended = false;
  #error: KsError | null = null;
  readonly #onEnd: () => void;
  readonly #waveRt: boolean;

  /** @internal use KsPin.frames() */
  constructor(pinId: number, options: CaptureSetup, onEnd: () => void, open?: CaptureOpener) {
    const { packets, frameSize, alignment } = options;
    const slotSize = Math.ceil(frameSize / alignment) * alignment;
    const pool = new ArrayBuffer(packets * slotSize + alignment);
    this.packets = packets;
    this.frameSize = frameSize;
    this.headerSize = options.headerSize;
    this.#frameInfo = options.frameInfo;
    this.#onEnd = onEnd;
    this.#waveRt = open !== undefined;
    // Shared with the engine, which keeps raw pointers: explicit ArrayBuffers
    // are never on the V8 heap, so their memory cannot move.
    this.#records = new Float64Array(new ArrayBuffer(packets * RECORD * 8));
    this.#control = new Uint32Array(new ArrayBuffer((FREE_RING + packets) * 4));
    this.#dropOldest = options.overflow === 'drop-oldest';
    this.#spinMs = options.spinMicroseconds / 1000;
    // An idle device gets released slots in batches, as before the free ring:
    // a call per slot would cost a JS→native call and a device wake-up each.
    this.#kickBatch = Math.max(1, packets >> 2);
    // Every slot is free before the engine starts: a WaveRT engine's thread
    // takes slots as soon as it runs.
    for (let slot = 0; slot < packets; slot++) this.#control[FREE_RING + slot] = slot;
    this.#freeTail = packets;
    Atomics.store(this.#control, FREE_TAIL, packets);
    const opener: CaptureOpener =
      open ??
      ((...args) =>
        native.streamOpen(pinId, args[0], args[1], args[2], args[3], args[4], args[5], args[6], false, args[7], args[8], undefined, options.headerSize, options.frameInfo));
    const [streamId, offset] = opener(pool, this.#control, this.#records, packets, slotSize, frameSize, alignment, this.#dropOldest, () => this.#onReady());
    this.#streamId = streamId;
    for (let slot = 0; slot < packets; slot++) this.#frames.push(new Frame(this, slot, new Uint8Array(pool, offset + slot * slotSize, frameSize)));
    native.streamSubmit(streamId);
  }

  /** Frames handed to JavaScript so far. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Frames the engine dropped (overflow 'drop-oldest') because JavaScript kept up too slowly. */
  get dropped(): number {
    return this.#ended ? this.#droppedAtEnd : native.streamInfo(this.#streamId)[1];
  }
  #droppedAtEnd = 0;

  /**
   * WaveRT pins: how often the device overwrote audio before the engine read
   * it (packet mode: packets lost; event and polled mode: passes that came
   * later than the device buffer lasts). The frame after a loss carries
   * `discontinuity`, and in packet mode its presentation time jumps over the
   * lost audio. Always 0 on standard pins, whose driver-side losses show as
   * discontinuities.
   */
  get overruns(): number {
    if (!this.#waveRt) return 0;
    return this.#waveRtInfo().glitches;
  }

  /** The WaveRT engine's counters: live while the stream runs, as they were when it ended after. */
  #waveRtInfo(): WaveRtEngineInfo {
    return this.#ended ? this.#waveRtAtEnd : readWaveRtInfo(this.#streamId);
  }
  #waveRtAtEnd: WaveRtEngineInfo = { ...NO_WAVERT_INFO };

  /**
   * WaveRT pins: how the engine's real-time thread kept time. `stalls`:
   * passes that came after the thread had not run for longer than the
   * device buffer's headroom (its duration less 2 ms, or a quarter of it),
   * because the thread was held off the CPU or the device's notification
   * came late; `overrunsAfterStall`: the overruns counted in such passes
   * (the rest came in passes that were on time, and would be the engine's
   * own fault); `longestGapMs`: the longest time between two passes. All 0
   * on standard pins.
   */
  get engineTiming(): EngineTiming {
    if (!this.#waveRt) return { stalls: 0, overrunsAfterStall: 0, longestGapMs: 0 };
    return timingOf(this.#waveRtInfo());
  }

  /** @internal For benchmarks: CPU time the WaveRT engine's thread spent in its passes, waits left out (ms; 0 on standard pins). */
  get enginePassCpuMs(): number {
    if (!this.#waveRt) return 0;
    return this.#waveRtInfo().passCpuMs;
  }

  /** Packets now with the device. */
  get inFlight(): number {
    return this.#ended ? 0 : Atomics.load(this.#control, IN_FLIGHT);
  }

  /**
   * @internal For benchmarks: how often the engine woke JavaScript, how often
   * JavaScript had to call it to restart an idle device, and how often the
   * device ran out of packets.
   */
  get engineStats(): { wakeups: number; kicks: number; starved: number } {
    if (this.#ended) return this.#statsAtEnd;
    const [, , wakeups, kicks, starved] = native.streamInfo(this.#streamId);
    return { wakeups, kicks, starved };
  }
  #statsAtEnd = { wakeups: 0, kicks: 0, starved: 0 };

  /** Whether the stream has ended (stopped, closed, or the pin closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Keep the event loop alive while capturing (the default). */
  ref(): this {
    if (!this.#ended) native.streamRef(this.#streamId, true);
    return this;
  }

  /** Let the process exit while capturing. */
  unref(): this {
    if (!this.#ended) native.streamRef(this.#streamId, false);
    return this;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Frame>> {
    if (this.#current) {
      if (!this.#current.held) this.#current.release();
      this.#current = null;
    }
    if (this.#readyHead < this.#ready.length) return Promise.resolve(this.#take());
    // Look for completed frames before waiting: the engine only wakes
    // JavaScript once it has run dry and waits, so a busy consumer drains on its own.
    if (!this.#ended) {
      this.#kickIfIdle(1);
      this.#pull();
      if (this.#readyHead === this.#ready.length && !this.#ended && this.#spinMs > 0) this.#spin();
      if (this.#readyHead === this.#ready.length && !this.#ended) this.#arm();
    }
    if (this.#readyHead < this.#ready.length) return Promise.resolve(this.#take());
    if (this.#error) return Promise.reject(this.#error);
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) return Promise.reject(new TypeError('next() called again before the previous call settled'));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Stops the stream (as a `break` out of the iteration does). */
  async return(): Promise<IteratorResult<Frame>> {
    this.close();
    return { value: undefined, done: true };
  }

  /** Stops the stream and gives the pool up; frames not yet released become invalid. */
  close(): void {
    this.#end(null);
  }

  /** @internal the pin is closing: pending reads fail with ERR_CANCELED. */
  abort(): void {
    this.#end(new KsError('ERR_CANCELED', 'read frames', 'the pin was closed while frames were being read'));
  }

  /** @internal a released frame's slot goes back to the device. */
  recycle(slot: number): void {
    if (this.#ended) return;
    const control = this.#control;
    const tail = this.#freeTail;
    control[FREE_RING + (tail % this.packets)] = slot;
    this.#freeTail = (tail + 1) >>> 0;
    // Publishes the slot: the engine takes it at its next completion.
    Atomics.store(control, FREE_TAIL, this.#freeTail);
    this.#kickIfIdle(this.#kickBatch);
  }

  #take(): IteratorResult<Frame> {
    const frame = this.#frames[this.#ready[this.#readyHead++]];
    if (this.#readyHead === this.#ready.length) {
      this.#ready.length = 0;
      this.#readyHead = 0;
    }
    this.#current = frame;
    return { value: frame, done: false };
  }

  /** Sends released slots to the device if nothing is in flight to pick them up (and at least `batch` wait). */
  #kickIfIdle(batch: number): void {
    const control = this.#control;
    // Read after publishing the free tail: either the engine's next completion
    // sees the slot, or this sees that no completion is coming.
    if (Atomics.load(control, IN_FLIGHT) !== 0) return;
    if (((this.#freeTail - Atomics.load(control, FREE_HEAD)) >>> 0) < batch || this.#ended) return;
    native.streamSubmit(this.#streamId);
  }

  /** Polls the record tail for up to spinMicroseconds while the device has packets. */
  #spin(): void {
    const control = this.#control;
    const seen = Atomics.load(control, RECORD_TAIL);
    const deadline = performance.now() + this.#spinMs;
    for (let i = 1; Atomics.load(control, RECORD_TAIL) === seen; i++) {
      if ((i & 63) === 0 && (performance.now() >= deadline || Atomics.load(control, IN_FLIGHT) === 0)) return;
    }
    this.#pull();
  }

  /**
   * Asks the engine for a wake-up, then looks once more: a completion in between is seen either here or by the engine's
   * swap of `armed`. Above 1,000 packets/s it asks for a batch (wake-batch.ts): a frame then waits at most about 1 ms.
   */
  #arm(): void {
    Atomics.store(this.#control, ARMED, wakeBatch(this.#completionGap.averageNs, this.#kickBatch));
    this.#pull();
  }

  #onReady(): void {
    if (this.#ended || !this.#waiter) return;
    this.#pull();
    if (this.#readyHead === this.#ready.length && !this.#ended) this.#arm();
    if (this.#waiter && this.#readyHead < this.#ready.length) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter.resolve(this.#take());
    }
  }

  /** Moves every completed packet into the ready queue, reading the records the engine shares. */
  #pull(): void {
    const control = this.#control;
    const records = this.#records;
    const packets = this.packets;
    // The head before the tail: the engine drops records only below its tail,
    // so read in this order head <= tail, whatever it does in between.
    let head = this.#dropOldest ? Atomics.load(control, RECORD_HEAD) : this.#recordHead;
    let tail = Atomics.load(control, RECORD_TAIL);
    while (head !== tail) {
      let source = records;
      let at = (head % packets) * RECORD;
      if (this.#dropOldest) {
        // The engine may drop the oldest record meanwhile, and then reuse its
        // place: copy the record first, and keep the copy only if the head
        // was still ours (then the engine cannot have written there).
        const copy = this.#recordCopy;
        for (let i = 0; i < RECORD; i++) copy[i] = records[at + i];
        const seen = Atomics.compareExchange(control, RECORD_HEAD, head, (head + 1) >>> 0);
        if (seen !== head) {
          // It dropped some, maybe past the tail read above: read it again.
          head = seen;
          tail = Atomics.load(control, RECORD_TAIL);
          continue;
        }
        source = copy;
        at = 0;
      }
      head = (head + 1) >>> 0;
      const status = source[at + 1];
      const kind = source[at + 2] as StatusKind;
      if (!statusOk(kind, status)) {
        // A read cancelled or refused because the pin stopped ends the stream; anything else is an error.
        const stopped = statusCancelled(kind, status) || statusStopped(kind, status);
        this.#end(stopped ? null : KsError.fromStatus(kind, status, 'read frames'));
        return;
      }
      this.#completionGap.add(source[at + 9]);
      const frame = this.#frames[source[at]];
      frame.fill(source, at, this.#delivered++, this.#frameInfo);
      this.#ready.push(frame.slot);
    }
    if (!this.#dropOldest) {
      this.#recordHead = head;
      Atomics.store(control, RECORD_HEAD, head);
    }
  }

  #end(error: KsError | null): void {
    if (this.#ended) return;
    try {
      const info = native.streamInfo(this.#streamId);
      this.#droppedAtEnd = info[1];
      if (this.#waveRt) this.#waveRtAtEnd = readWaveRtInfo(this.#streamId);
      this.#statsAtEnd = { wakeups: info[2], kicks: info[3], starved: info[4] };
    } catch {
      // already closed natively
    }
    this.#ended = true;
    this.#error = error;
    native.streamClose(this.#streamId);
    this.#ready.length = 0;
    this.#readyHead = 0;
    this.#current = null;
    const waiter = this.#waiter;
    this.#waiter = null;
    if (waiter) {
      if (error) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
    this.#onEnd();
  }
}
