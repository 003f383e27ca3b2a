/**
 * The options of streaming on a WaveRT pin (portcls's real-time pins: HD
 * Audio, USB Audio 2.0), checked here before anything reaches the native
 * engine: the mode, the device buffer's duration and NotificationCount.
 */
import { checkInteger } from '../base/validate';
import type { WaveRtStart } from './wavert-render';

/**
 * How the engine learns where the device is: 'event' waits on the
 * notification event the driver signals once or twice per buffer
 * (KSPROPERTY_RTAUDIO_BUFFER_WITH_NOTIFICATION), 'polled' reads the position
 * on a timer at a quarter of the period, 'packet' uses Windows 10's packet
 * properties (GETREADPACKET / SETWRITEPACKET / PACKETCOUNT).
 */
export type WaveRtMode = 'event' | 'polled' | 'packet';

export const WAVERT_MODES: readonly WaveRtMode[] = ['event', 'polled', 'packet'];

/** What a pin streams with: IRPs (KSINTERFACE_STANDARD_STREAMING) or a mapped cyclic buffer (WaveRT). */
export type StreamingKind = 'standard' | 'wavert-event' | 'wavert-polled' | 'wavert-packet';

export interface WaveRtOptions {
  /** Default 'event', which falls back to 'polled' by itself when the driver refuses notifications. */
  mode?: WaveRtMode;
  /** The device buffer's duration in milliseconds (the latency), 1..2000; default 10. The driver rounds it. */
  latencyMs?: number;
  /** Notifications (and packets) per buffer cycle, 1 or 2 (KSRTAUDIO_BUFFER_PROPERTY_WITH_NOTIFICATION); default 2. */
  notificationCount?: number;
}

export interface WaveRtRenderOptions extends WaveRtOptions {
  /**
   * The ring JavaScript writes into, in milliseconds of audio, 10..60000;
   * default 500. It is what absorbs JavaScript's pauses: a write resolves as
   * soon as its bytes are in the ring, and the engine keeps the device fed
   * from it (silence when it runs dry). Keep it above the latency: the engine
   * takes from it once a period.
   */
  ringMs?: number;
}

/** @internal */
export function resolveWaveRt(options: WaveRtOptions, sampleRate: number, blockAlign: number): WaveRtStart {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const mode = options.mode ?? 'event';
  if (!WAVERT_MODES.includes(mode)) throw new RangeError(`mode must be one of ${WAVERT_MODES.map((m) => JSON.stringify(m)).join(', ')}, got ${JSON.stringify(mode)}`);
  const latencyMs = checkInteger(options.latencyMs ?? 10, 'latencyMs', 1, 2000);
  const notificationCount = checkInteger(options.notificationCount ?? 2, 'notificationCount', 1, 2);
  return {
    mode: WAVERT_MODES.indexOf(mode),
    fallbackToPolled: options.mode === undefined || mode === 'event',
    bufferBytes: Math.max(blockAlign, Math.round((latencyMs * sampleRate) / 1000) * blockAlign),
    notificationCount,
    sampleRate,
    blockAlign,
  };
}

/** @internal the StreamingKind of an engine's mode number. */
export function streamingKindOf(mode: number): StreamingKind {
  return `wavert-${WAVERT_MODES[mode] ?? 'polled'}` as StreamingKind;
}
