/**
 * Render streaming: the capture engine turned round. A pool of packets in
 * memory shared with the native engine; JavaScript fills free slots and
 * queues them, the engine sends them with IOCTL_KS_WRITE_STREAM and, at every
 * completion, sends whatever JavaScript queued meanwhile — so the device
 * keeps playing while JavaScript is busy, up to the pool's worth of audio.
 * JavaScript calls native code only when the device has run idle, and is
 * woken only when it waits (for a free slot, or for the device to drain).
 *
 * A slot's life: free (JavaScript's) → filling (handed out by packet()) →
 * queued (submitted: the engine's, then the device's) → free again when its
 * completion record arrives. A slot is never written while it is queued.
 */
import { KsError, type StatusKind, statusCancelled, statusOk } from '../base/errors';
import { native } from '../addon/binding';
import { ARMED, DESCRIPTOR, FREE_HEAD, FREE_RING, FREE_TAIL, IN_FLIGHT, KSSTREAM_HEADER_OPTIONSF, RECORD, RECORD_HEAD, RECORD_TAIL } from './stream-control';

export interface RenderOptions {
  /** Packets in the pool (how much can be queued with the device). Default: the pin's framing Frames, at least 8. */
  packets?: number;
  /** Bytes per packet; write() splits larger data at this size. Default: the pin's framing FrameSize. */
  frameSize?: number;
  /** Buffer alignment in bytes (a power of two). Default: the framing's FileAlignment + 1, at least 8. */
  alignment?: number;
  /**
   * Packets to queue before a stopped pin is set running (priming, as
   * PortAudio's WDM-KS host does before RUN), 1..packets. The pin also starts
   * at drain() or end(). Default: every packet, a full pool.
   */
  prime?: number;
}

export interface PacketOptions {
  /** When the data is to be presented, in 100 ns units (KSSTREAM_HEADER.PresentationTime, TIMEVALID set); default none. */
  presentationTime?: number;
  /** The last packet of the stream (KSSTREAM_HEADER_OPTIONSF_ENDOFSTREAM); default false. */
  endOfStream?: boolean;
}

type SlotState = 'free' | 'filling' | 'queued';

/** One slot of a render pool, handed out by RenderStream.packet() to be filled and submitted. */
export class RenderPacket {
  /** The whole slot (frameSize bytes): fill the first bytes, then submit(byteLength). */
  readonly data: Uint8Array;
  /** @internal */ readonly slot: number;
  /** @internal */ state: SlotState = 'free';
  readonly #stream: RenderStream;

  /** @internal */
  constructor(stream: RenderStream, slot: number, data: Uint8Array) {
    this.#stream = stream;
    this.slot = slot;
    this.data = data;
  }

  /**
   * Queues the first `byteLength` bytes (default: all of them) for the
   * device. The packet must not be touched after: the slot is the device's
   * until it completes.
   */
  submit(byteLength: number = this.data.length, options: PacketOptions = {}): void {
    this.#stream.submitPacket(this, byteLength, options);
  }

  /** Gives the slot back unsent. */
  discard(): void {
    this.#stream.discardPacket(this);
  }
}

/**
 * A render stream over a pool of packets (pin.writer()). write() copies into
 * slots; packet() hands out a slot to fill in place. Nothing is allocated
 * per packet.
 */
export class RenderStream {
  readonly packets: number;
  readonly frameSize: number;
  readonly #streamId: number;
  readonly #slots: RenderPacket[] = [];
  readonly #free: number[] = [];
  readonly #control: Uint32Array;
  readonly #records: Float64Array;
  readonly #descriptors: Float64Array;
  readonly #blockAlign: number;
  readonly #prime: number;
  readonly #kickBelow: number;
  readonly #wakeBatch: number;
  #start: (() => void) | null;
  readonly #onEnd: () => void;
  #freeTail = 0;
  #recordHead = 0;
  #submitted = 0;
  #completed = 0;
  #bytes = 0;
  #waiters: Array<() => void> = [];
  #referenced = false;
  #writing = 0;
  #chain: Promise<void> = Promise.resolve();
  #ended = false;
  #error: KsError | null = null;
  #cancel: KsError | null = null;
  #statsAtEnd = { wakeups: 0, kicks: 0, underruns: 0 };

  /**
   * @internal use KsPin.writer(). `start` runs once, when the pool is primed
   * (or at drain/end); `blockAlign` > 0 makes write() refuse part sample frames.
   */
  constructor(pinId: number, options: Required<RenderOptions>, blockAlign: number, start: (() => void) | null, onEnd: () => void) {
    const { packets, frameSize, alignment, prime } = options;
    const slotSize = Math.ceil(frameSize / alignment) * alignment;
    const pool = new ArrayBuffer(packets * slotSize + alignment);
    this.packets = packets;
    this.frameSize = frameSize;
    this.#blockAlign = blockAlign;
    this.#prime = prime;
    this.#start = start;
    this.#onEnd = onEnd;
    // Explicit ArrayBuffers: never on the V8 heap, so the engine's pointers stay valid.
    this.#records = new Float64Array(new ArrayBuffer(packets * RECORD * 8));
    this.#control = new Uint32Array(new ArrayBuffer((FREE_RING + packets) * 4));
    this.#descriptors = new Float64Array(new ArrayBuffer(packets * DESCRIPTOR * 8));
    // Kick the engine while the device holds this few packets or fewer: a
    // completion would pick the new ones up, but not before the device has
    // played what it holds.
    this.#kickBelow = Math.max(1, packets >> 2);
    this.#wakeBatch = Math.max(1, packets >> 3);
    const [streamId, offset] = native.streamOpen(pinId, pool, this.#control, this.#records, packets, slotSize, frameSize, alignment, true, false, () => this.#onReady(), this.#descriptors);
    this.#streamId = streamId;
    // Referenced only while JavaScript waits on the stream: queued audio alone does not keep the process alive.
    native.streamRef(streamId, false);
    for (let slot = 0; slot < packets; slot++) {
      this.#slots.push(new RenderPacket(this, slot, new Uint8Array(pool, offset + slot * slotSize, frameSize)));
    }
    for (let slot = packets - 1; slot >= 0; slot--) this.#free.push(slot);
  }

  /** Packets submitted and not yet consumed by the device. */
  get queued(): number {
    this.#pull();
    return this.#submitted - this.#completed;
  }

  /** Packets now with the device. */
  get inFlight(): number {
    return this.#ended ? 0 : Atomics.load(this.#control, IN_FLIGHT);
  }

  /** Bytes submitted so far. */
  get bytesWritten(): number {
    return this.#bytes;
  }

  /** Times the device ran out of data while running (a packet completed and none was queued), before end of stream. */
  get underruns(): number {
    return this.engineStats.underruns;
  }

  /** @internal For benchmarks: JavaScript wake-ups, calls to restart an idle device, underruns. */
  get engineStats(): { wakeups: number; kicks: number; underruns: number } {
    if (this.#ended) return this.#statsAtEnd;
    const [, , wakeups, kicks, underruns] = native.streamInfo(this.#streamId);
    return { wakeups, kicks, underruns };
  }

  /** Whether the stream has ended (end(), close(), the pin stopped or closed, or a write failed). */
  get ended(): boolean {
    if (!this.#ended) this.#pull();
    return this.#ended;
  }

  /** A free slot to fill, or null when every slot is queued or handed out. */
  tryPacket(): RenderPacket | null {
    this.#check('packet');
    this.#pull();
    const slot = this.#free.pop();
    if (slot === undefined) return null;
    const packet = this.#slots[slot];
    packet.state = 'filling';
    return packet;
  }

  /** A free slot to fill, waiting for the device to consume one if needed. */
  async packet(): Promise<RenderPacket> {
    for (let waited = false; ; waited = true) {
      if (waited) this.#check('packet', true);
      const packet = this.tryPacket();
      if (packet) return packet;
      await this.#wait();
    }
  }

  /**
   * Copies `data` into the pool, split at frameSize, and queues it. Resolves
   * when every byte is copied (the caller may then reuse `data`), or — with
   * endOfStream — when the device has consumed it all. Writes queue in call
   * order, even when earlier ones still wait for free slots.
   */
  write(data: Uint8Array, options: PacketOptions = {}): Promise<void> {
    try {
      if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Buffer or Uint8Array');
      if (this.#blockAlign > 0 && data.byteLength % this.#blockAlign !== 0) {
        throw new RangeError(`data must be whole sample frames of ${this.#blockAlign} bytes (channels × bytes per sample), got ${data.byteLength} bytes`);
      }
      const flags = packetFlags(options);
      const pts = options.presentationTime ?? 0;
      this.#check('write');
      if (this.#writing === 0) {
        // Nothing waits before this write: copy what fits now.
        const offset = this.#copyIn(data, 0, flags, pts);
        if (offset === data.byteLength && offset >= 0) return this.#afterWrite(flags);
        return this.#queueWrite(data, offset, flags, pts);
      }
      return this.#queueWrite(data, 0, flags, pts);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Resolves when the device has consumed everything queued so far (starting a primed pin if it waits). */
  async drain(): Promise<void> {
    this.#check('drain');
    await this.#chain;
    this.#check('drain', true);
    this.#runStart();
    const target = this.#submitted;
    for (;;) {
      this.#pull();
      // The records just taken may have ended the stream (a packet the device
      // refused, or cancelled): that is the answer, even when they were the last.
      this.#check('drain', true);
      if (this.#completed >= target) return;
      this.#kick();
      await this.#wait(target - this.#completed);
    }
  }

  /** Sends an empty end-of-stream packet, waits until the device has consumed everything, and closes the stream. */
  async end(): Promise<void> {
    if (this.#ended && !this.#error) return;
    await this.write(new Uint8Array(0), { endOfStream: true });
    this.close();
  }

  /** Closes the stream at once; packets still queued are cancelled, unplayed. Idempotent. */
  close(): void {
    this.#end(null, 'the stream was closed while data was queued');
  }

  /** @internal the pin is closing or stopping: queued packets are cancelled. */
  abort(why: string): void {
    this.#end(null, why);
  }

  /** Keep the event loop alive while the stream is open, not just while something waits on it. */
  ref(): this {
    this.#referenced = true;
    if (!this.#ended) native.streamRef(this.#streamId, true);
    return this;
  }

  /** The default: the event loop stays alive only while a call waits on the stream. */
  unref(): this {
    this.#referenced = false;
    if (!this.#ended && this.#waiters.length === 0) native.streamRef(this.#streamId, false);
    return this;
  }

  /** @internal RenderPacket.submit */
  submitPacket(packet: RenderPacket, byteLength: number, options: PacketOptions): void {
    if (packet.state !== 'filling') throw new TypeError('submit(): the packet was already submitted or discarded; get another with packet()');
    const length = checkLength(byteLength, this.frameSize, this.#blockAlign);
    const flags = packetFlags(options);
    this.#check('submit');
    this.#queue(packet.slot, length, flags, options.presentationTime ?? 0);
    this.#kick();
  }

  /** @internal RenderPacket.discard */
  discardPacket(packet: RenderPacket): void {
    if (packet.state !== 'filling') return;
    packet.state = 'free';
    this.#free.push(packet.slot);
  }

  /**
   * Throws once the stream has ended: a call that was waiting on it gets the
   * reason it ended (ERR_CANCELED when closed or stopped with data queued, or
   * the device's failure); a call made after gets ERR_CLOSED, or the failure.
   */
  #check(operation: string, waiting = false): void {
    if (!this.#ended) return;
    if (this.#error) throw this.#error;
    if (waiting && this.#cancel) throw this.#cancel;
    throw new KsError('ERR_CLOSED', operation, 'the render stream has ended');
  }

  /** Copies from `offset` into free slots until done or none is free; returns the offset reached (-1: an empty end-of-stream packet still to send). */
  #copyIn(data: Uint8Array, offset: number, flags: number, pts: number): number {
    this.#pull();
    const length = data.byteLength;
    let sent = false;
    for (;;) {
      while ((offset < length || (length === 0 && !sent)) && !this.#ended) {
        const slot = this.#free.pop();
        if (slot === undefined) break;
        const n = Math.min(this.frameSize, length - offset);
        this.#slots[slot].data.set(offset === 0 && n === length ? data : data.subarray(offset, offset + n));
        const last = offset + n === length;
        // TIMEVALID belongs to the first packet of the write, ENDOFSTREAM to the last.
        const packetFlagsNow = (offset === 0 ? flags & ~KSSTREAM_HEADER_OPTIONSF.ENDOFSTREAM : flags & ~(KSSTREAM_HEADER_OPTIONSF.ENDOFSTREAM | KSSTREAM_HEADER_OPTIONSF.TIMEVALID)) | (last ? flags & KSSTREAM_HEADER_OPTIONSF.ENDOFSTREAM : 0);
        this.#queue(slot, n, packetFlagsNow, offset === 0 ? pts : 0);
        offset += n;
        sent = true;
      }
      this.#kick();
      // Completions that came meanwhile free slots: use them before the
      // caller waits, since a wait only ends at completions still to come.
      // A packet the device refused at once (a stopped pin) has its record already.
      const pulled = this.#pull();
      this.#check('write', true);
      const done = offset === length && (length > 0 || sent);
      if (done || !pulled || this.#free.length === 0) break;
    }
    return length === 0 && !sent ? -1 : offset;
  }

  #queueWrite(data: Uint8Array, offset: number, flags: number, pts: number): Promise<void> {
    this.#writing++;
    const run = this.#chain.then(async () => {
      this.#check('write', true);
      // A write that got part of the way already sent its first packet with TIMEVALID.
      let at = offset;
      let first = offset <= 0;
      for (;;) {
        const next = this.#copyIn(data, Math.max(at, 0), first ? flags : flags & ~KSSTREAM_HEADER_OPTIONSF.TIMEVALID, first ? pts : 0);
        if (next === data.byteLength && next >= 0) break;
        if (next > at) first = false;
        at = next;
        this.#runStartIfFull();
        await this.#wait();
        this.#check('write', true);
      }
    });
    const done = run.then(() => this.#afterWrite(flags)).finally(() => this.#writing--);
    // Later writes wait for this one's copy, not for its failure to be handled.
    this.#chain = run.catch(() => undefined);
    return done;
  }

  #afterWrite(flags: number): Promise<void> {
    if ((flags & KSSTREAM_HEADER_OPTIONSF.ENDOFSTREAM) === 0) return Promise.resolve();
    return this.drain();
  }

  /** Publishes a filled slot to the engine. */
  #queue(slot: number, length: number, flags: number, pts: number): void {
    const d = this.#descriptors;
    const at = slot * DESCRIPTOR;
    d[at] = length;
    d[at + 1] = flags;
    d[at + 2] = pts;
    this.#slots[slot].state = 'queued';
    const control = this.#control;
    control[FREE_RING + (this.#freeTail % this.packets)] = slot;
    this.#freeTail = (this.#freeTail + 1) >>> 0;
    // The store publishes the slot's bytes and descriptor with it: the
    // engine loads the tail before it reads either.
    Atomics.store(control, FREE_TAIL, this.#freeTail);
    this.#submitted++;
    this.#bytes += length;
    this.#runStartIfFull();
  }

  #runStartIfFull(): void {
    if (this.#start && this.#submitted - this.#completed >= this.#prime) this.#runStart();
  }

  #runStart(): void {
    const start = this.#start;
    if (!start) return;
    this.#start = null;
    start();
  }

  /** Sends queued slots now when the device holds few: after the next completion might be too late. */
  #kick(): void {
    if (this.#ended) return;
    const control = this.#control;
    // Read after publishing the tail: either a completion still to come sees the slots, or this sees it is not coming.
    if (this.#freeTail === Atomics.load(control, FREE_HEAD)) return;
    if (Atomics.load(control, IN_FLIGHT) > this.#kickBelow) return;
    native.streamSubmit(this.#streamId);
  }

  /**
   * Resolves when the engine wakes JavaScript — once `batch` completions are
   * unread, or nothing is left in flight — (or at once if completions came
   * meanwhile), or when the stream ends. Waiting for a slot asks for an
   * eighth of the pool: JavaScript wakes once per batch instead of once per
   * packet, and the device still holds seven eighths (a small pool, 8 or
   * fewer, wakes per packet: its queue is what rides out a stalled thread).
   */
  #wait(batch = this.#wakeBatch): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      if (this.#waiters.length === 1 && !this.#referenced) native.streamRef(this.#streamId, true);
      // Arm, then look once more: a completion in between is seen either here or by the engine's swap of `armed`.
      const queued = this.#submitted - this.#completed;
      Atomics.store(this.#control, ARMED, Math.max(1, Math.min(batch, queued)));
      if (this.#pull()) this.#wake();
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#waiters = [];
    if (!this.#referenced && !this.#ended) native.streamRef(this.#streamId, false);
    for (const resolve of waiters) resolve();
  }

  #onReady(): void {
    if (this.#ended) return;
    this.#pull();
    this.#wake();
  }

  /** Takes the completion records: their slots are free again. Returns whether there were any. */
  #pull(): boolean {
    if (this.#ended) return false;
    const control = this.#control;
    const records = this.#records;
    let head = this.#recordHead;
    const tail = Atomics.load(control, RECORD_TAIL);
    if (head === tail) return false;
    let failure: KsError | null = null;
    let cancelled = false;
    while (head !== tail) {
      const at = (head % this.packets) * RECORD;
      head = (head + 1) >>> 0;
      const slot = records[at];
      const status = records[at + 1];
      const kind = records[at + 2] as StatusKind;
      const packet = this.#slots[slot];
      packet.state = 'free';
      this.#free.push(slot);
      this.#completed++;
      if (!statusOk(kind, status) && !failure && !cancelled) {
        if (statusCancelled(kind, status)) cancelled = true;
        else failure = KsError.fromStatus(kind, status, 'write frames');
      }
    }
    this.#recordHead = head;
    Atomics.store(control, RECORD_HEAD, head);
    if (failure) this.#end(failure, '');
    else if (cancelled) this.#end(null, 'the pin stopped while data was queued');
    return true;
  }

  #end(error: KsError | null, why: string): void {
    if (this.#ended) return;
    try {
      const [, , wakeups, kicks, underruns] = native.streamInfo(this.#streamId);
      this.#statsAtEnd = { wakeups, kicks, underruns };
    } catch {
      // already closed natively (the pin closed first)
    }
    this.#ended = true;
    // What waits, and later calls, learn why; a clean end() leaves later calls ERR_CLOSED.
    this.#error = error;
    this.#cancel = new KsError('ERR_CANCELED', 'write frames', why);
    native.streamClose(this.#streamId);
    this.#start = null;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
    this.#onEnd();
  }
}

function packetFlags(options: PacketOptions): number {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const pts = options.presentationTime;
  if (pts !== undefined && (!Number.isSafeInteger(pts) || pts < 0)) {
    throw new RangeError(`presentationTime must be a non-negative integer (100 ns units), got ${String(pts)}`);
  }
  return (pts !== undefined ? KSSTREAM_HEADER_OPTIONSF.TIMEVALID : 0) | (options.endOfStream ? KSSTREAM_HEADER_OPTIONSF.ENDOFSTREAM : 0);
}

function checkLength(byteLength: number, frameSize: number, blockAlign: number): number {
  if (typeof byteLength !== 'number' || !Number.isInteger(byteLength) || byteLength < 0 || byteLength > frameSize) {
    throw new RangeError(`byteLength must be an integer in 0..${frameSize} (the packet's size), got ${String(byteLength)}`);
  }
  if (blockAlign > 0 && byteLength % blockAlign !== 0) {
    throw new RangeError(`byteLength must be whole sample frames of ${blockAlign} bytes (channels × bytes per sample), got ${byteLength}`);
  }
  return byteLength;
}
