/** KsPin: a pin instance created on a filter (KsCreatePin2 where present). */
import { checkInteger } from '../base/validate';
import { KsError } from '../base/errors';
import { PIN_STATES, type PinState } from '../structs/ks-state';
import { GENERIC_READ, KSEVENT_CONNECTION, KSEVENTSETID, KSPROPERTY_CONNECTION, KSPROPERTY_STREAM, KSPROPERTY_STREAMINTERFACE, KSPROPSETID, KSSTATE } from '../structs/constants';
import type { KsEventListener, KsEventSubscription } from './events';
import { type DataFormat, decodeDataFormat } from '../formats/data-format';
import { AllocatorFraming, ALLOCATOR_FRAMING_SIZE, type AllocatorFramingInit, validateCreateFraming } from '../structs/framing';
import { KsHandle } from './handle';
import { callNative, native, ObjectClass, settled } from '../addon/binding';
import { KsAllocator, type CreatedWith } from './allocator';
import { createClockOn, KsClock } from './clock';
import { decodeAllocatorFramingEx, type AllocatorFramingEx } from '../structs/framing-ex';
import type { BackendName } from '../addon/backend';
import { CaptureStream, KSSTREAM_HEADER_OPTIONSF, type CaptureOptions } from '../streaming/capture-stream';
import { captureFraming, type CaptureFraming, type CapturePinFacts, streamHeaderSize } from '../streaming/capture-defaults';
import { resolveCaptureOptions, resolveWaveRtCaptureOptions } from '../streaming/capture-options';
import { RenderStream, type PacketOptions, type RenderOptions } from '../streaming/render-stream';
import { Readable, Writable } from 'stream';
import { WaveRtRenderStream, type WaveRtRenderStats } from '../streaming/wavert-render';
import { resolveWaveRt, streamingKindOf, WAVERT_MODES, type StreamingKind, type WaveRtMode, type WaveRtOptions, type WaveRtRenderOptions } from '../streaming/wavert-options';
import { readHwLatency, readPacketCount, readPresentationPosition, type HwLatency, type PresentationPosition } from './wavert-properties';


export class KsPin extends KsHandle {
  readonly kind = 'pin';
  readonly pinId: number;
  /** The format the pin was created with. */
  readonly dataFormat: DataFormat;
  readonly createdWith: CreatedWith;
  readonly backend: BackendName;
  /**
   * Which way data flows through the pin (KSPROPERTY_PIN_DATAFLOW): 'out' for
   * a capture pin (read it with frames() or readable()), 'in' for a render pin
   * (write(), writable()); null where the driver did not say.
   */
  readonly dataFlow: 'in' | 'out' | null;
  /** How the format was chosen when createPin() was given none (DATAINTERSECTION or the first range, and the format in words); null when the caller gave it. */
  negotiation: { by: 'DATAINTERSECTION' | 'first data range'; description: string } | null = null;
  /**
   * Whether this is a WaveRT pin (created with KSINTERFACE_STANDARD_LOOPED_STREAMING):
   * frames(), readable(), write() and writable() then run the WaveRT engine.
   */
  readonly waveRt: boolean;
  #waveRtMode: WaveRtMode | null = null;
  #render: WaveRtRenderStream | null = null;
  #allocator: KsAllocator | null = null;
  readonly #captures = new Set<CaptureStream>();
  /** Whether frames() moved the pin to RUN, so the last stream to end stops it again. */
  #startedByCapture = false;
  readonly #renders = new Set<RenderStream>();
  /** The stream write() copies into; a new one after it ends. */
  #defaultRender: RenderStream | null = null;
  /** Whether writer() moved the pin out of STOP, so the last render stream to end stops it again. */
  #startedByRender = false;
  /** setState('stop') is ending the render streams: their ends must not stop the pin again. */
  #stoppingRenders = false;

  /** @internal use KsFilter.createPin */
  constructor(id: number, parent: KsHandle, pinId: number, dataFormat: DataFormat, createdWith: CreatedWith, backend: BackendName, dataFlow: 'in' | 'out' | null = null, waveRt = false) {
    super(id, parent);
    this.waveRt = waveRt;
    this.pinId = pinId;
    this.dataFormat = dataFormat;
    this.createdWith = createdWith;
    this.backend = backend;
    this.dataFlow = dataFlow;
  }

  /** A TypeError for streaming the wrong way on this pin, saying which calls fit it. */
  #checkFlow(wanted: 'in' | 'out', call: string): void {
    if (this.dataFlow === null || this.dataFlow === wanted) return;
    throw this.dataFlow === 'in'
      ? new TypeError(`${call}: pin ${this.pinId} is a render pin (data flows into it): send data with write() or writable(); frames() and readable() are for capture pins`)
      : new TypeError(`${call}: pin ${this.pinId} is a capture pin (data flows out of it): read it with frames() or readable(); write() and writable() are for render pins`);
  }

  /**
   * KSPROPERTY_CONNECTION_ALLOCATORFRAMING: what the pin asks of an
   * allocator. Real drivers mark it PREFERENCES_ONLY; use
   * `toCreateRequest()` to turn it into a create request.
   */
  allocatorFraming(): AllocatorFraming {
    const reply = this.getProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.ALLOCATORFRAMING, { size: ALLOCATOR_FRAMING_SIZE });
    if (reply.length < ALLOCATOR_FRAMING_SIZE) {
      throw new KsError('ERR_MALFORMED_REPLY', 'get allocator framing', `KSALLOCATOR_FRAMING needs 24 bytes, got ${reply.length}`);
    }
    return AllocatorFraming.decode(reply);
  }

  /**
   * Creates an allocator on this pin. A framing is checked here first
   * (TypeError/RangeError, nothing sent); a Buffer is sent as the raw create
   * payload, unchecked, for testing what the kernel side does with it.
   */
  createAllocator(framing: AllocatorFraming | AllocatorFramingInit | Buffer): KsAllocator {
    const operation = 'create allocator';
    let payload: Buffer;
    let typed: AllocatorFraming | undefined;
    if (Buffer.isBuffer(framing)) {
      payload = Buffer.from(framing);
      typed = payload.length >= ALLOCATOR_FRAMING_SIZE ? AllocatorFraming.decode(payload) : undefined;
    } else {
      typed = validateCreateFraming(framing);
      payload = typed.encode();
    }
    const id = this.idFor(operation);
    const [child, usedV2] = callNative(operation, () => native.createObject(id, ObjectClass.Allocator, payload, GENERIC_READ));
    const createdWith: CreatedWith = usedV2 ? 'KsCreateAllocator2' : this.backend === 'windows' ? 'KsCreateAllocator' : 'emulator';
    return new KsAllocator(child, this, typed, createdWith);
  }

  /** KSPROPERTY_STREAM_ALLOCATOR (SET): makes `allocator` this pin's allocator; null detaches it. */
  setAllocator(allocator: KsAllocator | null): void {
    const operation = 'set allocator';
    if (allocator !== null && !(allocator instanceof KsAllocator)) {
      throw new TypeError('allocator must be a KsAllocator or null');
    }
    const value = Buffer.alloc(8);
    if (allocator) value.writeBigUInt64LE(allocator.handleForPin());
    this.idFor(operation);
    this.setProperty(KSPROPSETID.Stream, KSPROPERTY_STREAM.ALLOCATOR, value);
    this.#allocator = allocator;
  }

  /** The allocator last set with setAllocator, if it is still open. */
  get allocator(): KsAllocator | null {
    return this.#allocator && !this.#allocator.closed ? this.#allocator : null;
  }

  /** Creates a clock on this pin (KsCreateClock2 where present) with KSCLOCK_CREATE { CreateFlags 0 }. */
  createClock(): KsClock {
    return createClockOn(this.idFor('create clock'), this, this.backend);
  }

  /** KSEVENT_CONNECTION_ENDOFSTREAM: `listener` runs when the device has consumed a packet flagged end-of-stream. */
  onEndOfStream(listener: KsEventListener): KsEventSubscription {
    return this.enableEvent(KSEVENTSETID.Connection, KSEVENT_CONNECTION.ENDOFSTREAM, listener);
  }

  /** KSPROPERTY_STREAM_MASTERCLOCK (SET): the clock this pin follows (a clock HANDLE); null detaches it. */
  setMasterClock(clock: KsClock | null): void {
    const operation = 'set master clock';
    if (clock !== null && !(clock instanceof KsClock)) throw new TypeError('clock must be a KsClock or null');
    const value = Buffer.alloc(8);
    if (clock) value.writeBigUInt64LE(clock.handleForPin());
    this.idFor(operation);
    this.setProperty(KSPROPSETID.Stream, KSPROPERTY_STREAM.MASTERCLOCK, value);
  }

  /** KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX: the pin's extended framing (24 + 88 bytes per item). */
  allocatorFramingEx(): AllocatorFramingEx {
    const reply = this.getProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.ALLOCATORFRAMING_EX);
    return decodeAllocatorFramingEx(reply, 'get allocator framing ex');
  }

  /** KSPROPERTY_CONNECTION_DATAFORMAT as the pin reports it. */
  currentDataFormat(): DataFormat {
    return decodeDataFormat(this.getProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.DATAFORMAT), 'get data format');
  }

  /** KSPROPERTY_CONNECTION_STATE */
  state(): PinState {
    const reply = this.getProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.STATE, { size: 4 });
    const value = reply.length >= 4 ? reply.readUInt32LE(0) : -1;
    const state = PIN_STATES[value];
    if (!state) throw new KsError('ERR_MALFORMED_REPLY', 'get pin state', `KSSTATE ${value} is not a state`);
    return state;
  }

  /**
   * Moves the pin to `target` through every state in between, in order, up or
   * down. STOP ends the render streams first: the device flushes what they
   * queued (KS discards queued packets in STOP), so they could not go on.
   */
  setState(target: PinState): void {
    const to = PIN_STATES.indexOf(target);
    if (to < 0) throw new RangeError(`state must be one of ${PIN_STATES.join(', ')}, got ${JSON.stringify(target)}`);
    this.idFor('set pin state');
    if (target === 'stop' && this.#renders.size > 0) {
      this.#stoppingRenders = true;
      try {
        for (const stream of [...this.#renders]) stream.abort('the pin was stopped while data was queued');
      } finally {
        this.#stoppingRenders = false;
      }
    }
    let at = KSSTATE[this.state().toUpperCase() as Uppercase<PinState>];
    while (at !== to) {
      at += to > at ? 1 : -1;
      const value = Buffer.alloc(4);
      value.writeUInt32LE(at);
      this.setProperty(KSPROPSETID.Connection, KSPROPERTY_CONNECTION.STATE, value);
    }
  }

  /**
   * How the pin streams: 'standard' (IRPs), or a WaveRT mode — the one its
   * last stream ran in ('wavert' before the first, when the mode is not yet known).
   */
  /**
   * WaveRT pins: what the render engine behind write() and writable() saw
   * (underruns, and whose lateness they were), for the stream running now or
   * the last one; null before the first WaveRT write.
   */
  get waveRtRenderStats(): WaveRtRenderStats | null {
    return this.#render ? this.#render.stats : null;
  }

  get streamingKind(): StreamingKind | 'wavert' {
    if (!this.waveRt) return 'standard';
    return this.#waveRtMode ? streamingKindOf(WAVERT_MODES.indexOf(this.#waveRtMode)) : 'wavert';
  }

  /** KSPROPERTY_RTAUDIO_HWLATENCY (WaveRT pins): the FIFO and the chipset and codec delays. */
  hwLatency(): HwLatency {
    this.idFor('get hardware latency');
    return readHwLatency(this);
  }

  /** KSPROPERTY_RTAUDIO_PRESENTATION_POSITION (WaveRT pins): frames presented and the performance counter then. */
  presentationPosition(): PresentationPosition {
    this.idFor('get presentation position');
    return readPresentationPosition(this);
  }

  /** KSPROPERTY_RTAUDIO_PACKETCOUNT (WaveRT pins with a notification buffer): packets transferred since STOP. */
  packetCount(): number {
    this.idFor('get packet count');
    return readPacketCount(this);
  }

  // ---- Streaming ------------------------------------------------------------

  /** Moves the pin to RUN (through ACQUIRE and PAUSE). */
  start(): void {
    this.setState('run');
  }

  /** Moves the pin to STOP; a capture in progress ends. */
  stop(): void {
    this.setState('stop');
  }

  /**
   * Captures frames with IOCTL_KS_READ_STREAM: an async iterator over a pool
   * of `packets` buffers kept in flight. Starts the pin if it is not running,
   * and stops it again when the last stream it started ends — at once, when
   * the loop is left by `break`, `return` or a throw, or the stream is closed,
   * so the next frames() or readable() on the pin starts cleanly.
   * Capture pins only (a render pin gets a TypeError naming write()).
   */
  frames(options: CaptureOptions & WaveRtOptions = {}): CaptureStream {
    const operation = 'read frames';
    this.#checkFlow('out', operation);
    const id = this.idFor(operation);
    if (this.waveRt) return this.#waveRtFrames(id, options);
    const resolved = resolveCaptureOptions(options, this.#captureFacts());
    const startHere = this.state() !== 'run';
    // Buffers go to the pin in PAUSE, so the first ones are waiting when it runs.
    if (startHere) this.setState('pause');
    let stream: CaptureStream;
    try {
      stream = new CaptureStream(id, resolved, () => {
        this.#captures.delete(stream);
        // Only the stream that is last stops a pin frames() started: an older
        // one ending late must not stop the pin under a newer one.
        if (this.#startedByCapture && this.#captures.size === 0 && !this.closed) {
          this.#startedByCapture = false;
          this.setState('stop');
        }
      });
      this.#captures.add(stream);
      if (startHere) {
        this.setState('run');
        this.#startedByCapture = true;
      }
    } catch (e) {
      if (startHere) this.setState('stop');
      throw e;
    }
    return stream;
  }

  /**
   * Captured frames as a Node Readable of Buffers (copies), with backpressure.
   * Destroying it (or leaving a `for await` over it) ends the capture at once.
   */
  readable(options: CaptureOptions = {}): Readable {
    const frames = this.frames(options);
    let reading = false;
    const readable: Readable = new Readable({
      // The capture's packet pool is the buffer: read a frame when asked, so each chunk is one frame.
      highWaterMark: 0,
      read() {
        if (reading) return;
        reading = true;
        frames.next().then(
          (result) => {
            reading = false;
            readable.push(result.done ? null : result.value.copy());
          },
          (error: Error) => readable.destroy(error),
        );
      },
      destroy(error, callback) {
        frames.close();
        callback(error);
      },
    });
    return readable;
  }

  /**
   * Renders `data` with IOCTL_KS_WRITE_STREAM. By default the bytes are
   * copied into the pin's render stream (a pool of 8 packets of up to 64 KiB,
   * split at that size) and the promise resolves once they are queued, so
   * `data` may be reused at once and the device stays fed between calls;
   * with `endOfStream` it resolves when the device has consumed everything.
   * write() does not change the pin's state: a stopped pin refuses with
   * STATUS_INVALID_DEVICE_STATE, and stopping the pin discards what is queued
   * (pending writes reject with ERR_CANCELED).
   *
   * `zeroCopy: true` is the older form: one packet pointing at `data`, which
   * must stay unchanged until the promise settles, when the device has
   * consumed it; a close meanwhile rejects it with ERR_CANCELED.
   */
  async write(
    data: Uint8Array,
    options: PacketOptions & {
      /** Send `data` itself as one packet, one IOCTL and promise per call, instead of copying; default false. */
      zeroCopy?: boolean;
      /** WaveRT pins: the engine's options, taken by the write that starts it. */
      waveRt?: WaveRtRenderOptions;
    } = {},
  ): Promise<void> {
    const operation = 'write frame';
    this.#checkFlow('in', operation);
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    if (this.waveRt) {
      // A WaveRT pin: the engine starts with the first write (the pin leaves STOP) and end of stream drains and stops it.
      if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Buffer or Uint8Array');
      const blockAlign = this.dataFormat.wave?.blockAlign ?? 0;
      if (blockAlign > 0 && data.byteLength % blockAlign !== 0) {
        throw new RangeError(`data must be whole sample frames of ${blockAlign} bytes (channels × bytes per sample), got ${data.byteLength} bytes`);
      }
      if (options.presentationTime !== undefined) throw new RangeError('presentationTime: a WaveRT pin takes no per-packet time (its data goes into a cyclic buffer)');
      return this.#waveRtWrite(data, options.endOfStream === true, options.waveRt ?? {});
    }
    if (!options.zeroCopy) return this.#defaultWriter().write(data, options);
    if (!(data instanceof Uint8Array)) throw new TypeError('data must be a Buffer or Uint8Array');
    const blockAlign = this.dataFormat.wave?.blockAlign ?? 0;
    if (blockAlign > 0 && data.byteLength % blockAlign !== 0) {
      throw new RangeError(`data must be whole sample frames of ${blockAlign} bytes (channels × bytes per sample), got ${data.byteLength} bytes`);
    }
    const pts = options.presentationTime;
    if (pts !== undefined && (!Number.isSafeInteger(pts) || pts < 0)) {
      throw new RangeError(`presentationTime must be a non-negative integer (100 ns units), got ${String(pts)}`);
    }
    const flags = (pts !== undefined ? KSSTREAM_HEADER_OPTIONSF.TIMEVALID : 0) | (options.endOfStream ? KSSTREAM_HEADER_OPTIONSF.ENDOFSTREAM : 0);
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const id = this.idFor(operation);
    this.checkPending(await settled(operation, (settle) => native.streamWrite(id, buffer, flags, pts ?? 0, settle)), operation);
  }

  #defaultWriter(): RenderStream {
    if (this.#defaultRender && !this.#defaultRender.ended) return this.#defaultRender;
    const id = this.idFor('write frame');
    const stream: RenderStream = new RenderStream(id, { packets: 8, frameSize: 65536, alignment: 8, prime: 8 }, this.dataFormat.wave?.blockAlign ?? 0, null, () => {
      this.#renders.delete(stream);
      if (this.#defaultRender === stream) this.#defaultRender = null;
    });
    this.#renders.add(stream);
    this.#defaultRender = stream;
    return stream;
  }

  /**
   * A render stream: a pool of `packets` packets shared with the native
   * engine, which keeps them queued with the device (IOCTL_KS_WRITE_STREAM)
   * and sends what JavaScript queues at every completion, without a call.
   * Fill slots in place (`packet()`, `submit()`) or copy into them
   * (`write()`); `end()` sends end of stream and waits for the device.
   * A stopped pin goes to PAUSE now and to RUN once `prime` packets are
   * queued (or at drain()/end()), and back to STOP when the last stream
   * that started it ends; a pin in any other state is left as it is.
   * Render pins only.
   */
  writer(options: RenderOptions = {}): RenderStream {
    const operation = 'write frames';
    this.#checkFlow('in', operation);
    if (this.waveRt) throw new TypeError(`${operation}: pin ${this.pinId} is a WaveRT pin: render with write() or writable(), which feed its WaveRT engine`);
    const id = this.idFor(operation);
    const resolved = this.renderOptions(options);
    // Only a stopped pin is the stream's to start: a pin the caller put in
    // ACQUIRE or PAUSE (or RUN) stays in the caller's hands.
    const startHere = this.state() === 'stop';
    // Packets go to the pin in PAUSE, so the device has them all when it runs.
    if (startHere) this.setState('pause');
    let stream: RenderStream;
    try {
      stream = new RenderStream(id, resolved, this.dataFormat.wave?.blockAlign ?? 0, startHere ? () => this.setState('run') : null, () => {
        this.#renders.delete(stream);
        if (this.#startedByRender && !this.#stoppingRenders && ![...this.#renders].some((s) => s !== this.#defaultRender) && !this.closed) {
          this.#startedByRender = false;
          this.setState('stop');
        }
      });
      this.#renders.add(stream);
      if (startHere) this.#startedByRender = true;
    } catch (e) {
      if (startHere) this.setState('stop');
      throw e;
    }
    return stream;
  }

  /**
   * A Node Writable over a render stream (writer(options)), opened at the
   * first chunk: each chunk is copied into packets (split at frameSize), and
   * the callback runs once it is queued. end() sends end of stream, waits
   * until the device has consumed everything, and stops a pin it started;
   * destroy() cancels what is queued.
   */
  writable(options: RenderOptions & { /** WaveRT pins: the engine's options. */ waveRt?: WaveRtRenderOptions } = {}): Writable {
    this.#checkFlow('in', 'writable');
    if (this.waveRt) {
      const waveRt = options.waveRt ?? {};
      return new Writable({
        write: (chunk: Buffer, _encoding, callback) => this.#waveRtWrite(chunk, false, waveRt).then(() => callback(), callback),
        final: (callback) => this.#waveRtWrite(Buffer.alloc(0), true, waveRt).then(() => callback(), callback),
        destroy: (error, callback) => {
          this.#render?.close();
          callback(error);
        },
      });
    }
    this.renderOptions(options); // bad options fail here, not at the first chunk
    let stream: RenderStream | null = null;
    const open = () => (stream ??= this.writer(options));
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        let target: RenderStream;
        try {
          target = open();
        } catch (e) {
          return callback(e as Error);
        }
        target.write(chunk).then(() => callback(), callback);
      },
      final: (callback) => {
        let target: RenderStream;
        try {
          target = open();
        } catch (e) {
          return callback(e as Error);
        }
        target.end().then(() => callback(), callback);
      },
      destroy: (error, callback) => {
        stream?.close();
        callback(error);
      },
    });
  }

  private renderOptions(options: RenderOptions): Required<RenderOptions> {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    let framing: AllocatorFraming | null | undefined;
    // WaveRT and some AVStream pins answer no legacy framing: then 10 ms of the format (or 64 KiB) in 8 packets.
    const framingOf = () => {
      if (framing === undefined) {
        try {
          framing = this.allocatorFraming();
        } catch (e) {
          if (!(e instanceof KsError)) throw e;
          framing = null;
        }
      }
      return framing;
    };
    const wave = this.dataFormat.wave;
    const tenMs = wave && wave.blockAlign > 0 ? Math.max(1, Math.round(wave.sampleRate / 100)) * wave.blockAlign : 65536;
    const packets = checkInteger(options.packets ?? Math.max(framingOf()?.frames ?? 0, 8), 'packets', 1, 4096);
    const frameSize = checkInteger(options.frameSize ?? (framingOf()?.frameSize || tenMs), 'frameSize', 1, 0x40000000);
    const alignment = checkInteger(options.alignment ?? Math.max(framingOf()?.alignmentBytes ?? 0, 8), 'alignment', 1, 4096);
    if ((alignment & (alignment - 1)) !== 0) throw new RangeError(`alignment must be a power of two in 1..4096, got ${alignment}`);
    const prime = checkInteger(options.prime ?? packets, 'prime', 1, packets);
    return { packets, frameSize, alignment, prime };
  }

  /**
   * The size of each stream header this pin takes: KSPROPSETID_StreamInterface
   * / HEADERSIZE where the pin answers it (KSPIN.StreamHeaderSize), else the
   * documented size for its major type — KSSTREAM_HEADER (56 bytes on x64), or
   * KSSTREAM_HEADER + KS_FRAME_INFO (128) for video. frames() sends headers of
   * this size; AVStream refuses any other.
   */
  streamHeaderSize(): number {
    return streamHeaderSize(this.#captureFacts());
  }

  /**
   * Where frames() takes its defaults from: ALLOCATORFRAMING_EX's first item,
   * else the legacy ALLOCATORFRAMING, else documented defaults (`source`
   * says which); frames / frameSize 0 mean "no requirement".
   */
  captureFraming(): CaptureFraming {
    return captureFraming(this.#captureFacts());
  }

  #captureFacts(): CapturePinFacts {
    return {
      dataFormat: this.dataFormat,
      allocatorFramingEx: () => this.allocatorFramingEx(),
      allocatorFraming: () => this.allocatorFraming(),
      headerSizeProperty: () => {
        const reply = this.getProperty(KSPROPSETID.StreamInterface, KSPROPERTY_STREAMINTERFACE.HEADERSIZE, { size: 4 });
        if (reply.length < 4) throw new KsError('ERR_MALFORMED_REPLY', 'get stream header size', `HEADERSIZE is a ULONG (4 bytes), got ${reply.length}`);
        return reply.readUInt32LE(0);
      },
    };
  }

  /** frames() on a WaveRT pin: the engine allocates, registers and runs the pin itself, and takes it back to STOP. */
  #waveRtFrames(id: number, options: CaptureOptions & WaveRtOptions): CaptureStream {
    const wave = this.dataFormat.wave;
    if (!wave) throw new TypeError('read frames: a WaveRT pin streams audio; this pin has no WAVEFORMATEX format');
    const start = resolveWaveRt(options, wave.sampleRate, wave.blockAlign);
    const setup = resolveWaveRtCaptureOptions(options, wave);
    let stream: CaptureStream;
    stream = new CaptureStream(id, setup, () => this.#captures.delete(stream), (...args) => {
      const [pool, control, records, slots, slotSize, , align, dropOldest, ready] = args;
      const started = callNative('start WaveRT capture', () =>
        native.waveRtOpen(id, true, pool, control, records, slots, slotSize, align, dropOldest, ready, start.mode, start.fallbackToPolled, start.bufferBytes, start.notificationCount, start.sampleRate, start.blockAlign),
      );
      this.#waveRtMode = WAVERT_MODES[started[2]];
      return [started[0], started[1]];
    });
    this.#captures.add(stream);
    return stream;
  }

  /** write() on a WaveRT pin: into the ring the engine plays from (started by the first write); end of stream drains it and stops. */
  async #waveRtWrite(data: Uint8Array, endOfStream: boolean, options: WaveRtRenderOptions): Promise<void> {
    const operation = 'write frame';
    const id = this.idFor(operation);
    if (!this.#render || this.#render.ended) {
      const wave = this.dataFormat.wave;
      if (!wave) throw new TypeError(`${operation}: a WaveRT pin streams audio; this pin has no WAVEFORMATEX format`);
      const start = resolveWaveRt(options, wave.sampleRate, wave.blockAlign);
      const ringMs = checkInteger(options.ringMs ?? 500, 'ringMs', 10, 60_000);
      const ringBytes = Math.ceil((ringMs * wave.sampleRate) / 1000) * wave.blockAlign;
      // The engine starts once the ring holds a device buffer (or at end of stream), priming the device from it.
      this.#render = new WaveRtRenderStream(id, ringBytes, start, (started) => {
        this.#waveRtMode = WAVERT_MODES[started[2]];
      });
    }
    const render = this.#render;
    try {
      await render.write(data);
      if (endOfStream) {
        await render.drain();
        render.close();
      }
    } catch (e) {
      // A native failure (the engine refusing to start) becomes a named KsError.
      callNative(operation, () => {
        throw e;
      });
    }
  }

  protected override onClose(): void {
    // Streams stop before the handle goes: pending reads fail with ERR_CANCELED.
    this.#render?.close();
    for (const stream of [...this.#captures]) stream.abort();
    for (const stream of [...this.#renders]) stream.abort('the pin was closed while data was queued');
  }
}

