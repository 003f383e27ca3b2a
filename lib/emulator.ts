/**
 * Controls and references for the emulator's virtual streaming pins, through
 * the emulator's own property set (not a Microsoft one):
 * - pacing: real time (default) or unthrottled, for benchmarks;
 * - render statistics: frames, bytes, an order-sensitive checksum and the
 *   end-of-stream flag, so a test can prove every byte arrived in order;
 * - the capture test signal, so a test can check every byte it received.
 */
import { KsError } from './errors';
import { KSPROPSETID } from './constants';
import type { KsPin } from './pin';

export const KSPROPERTY_EMULATOR = { DEVICE_MEMORY: 0, RENDER_STATS: 1, PACING: 2 } as const;

export type Pacing = 'real-time' | 'unthrottled';

/** Sets how fast an emulated pin streams: at the format's rate, or as fast as buffers arrive. */
export function setEmulatorPacing(pin: KsPin, pacing: Pacing): void {
  if (pacing !== 'real-time' && pacing !== 'unthrottled') throw new RangeError(`pacing must be "real-time" or "unthrottled", got ${JSON.stringify(pacing)}`);
  const value = Buffer.alloc(4);
  value.writeUInt32LE(pacing === 'real-time' ? 1 : 0);
  pin.setProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.PACING, value);
}

export interface RenderStats {
  frames: number;
  bytes: number;
  /** FNV-1a 64 over every byte rendered, in order (see renderChecksum). */
  checksum: bigint;
  endOfStream: boolean;
}

/** What an emulated render pin has consumed. */
export function emulatorRenderStats(pin: KsPin): RenderStats {
  const b = pin.getProperty(KSPROPSETID.EmulatorDiagnostics, KSPROPERTY_EMULATOR.RENDER_STATS, { size: 32 });
  if (b.length < 32) throw new KsError('ERR_MALFORMED_REPLY', 'render stats', `expected 32 bytes, got ${b.length}`);
  return {
    frames: Number(b.readBigUInt64LE(0)),
    bytes: Number(b.readBigUInt64LE(8)),
    checksum: b.readBigUInt64LE(16),
    endOfStream: b.readUInt32LE(24) !== 0,
  };
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;

/**
 * The emulated render pin's checksum, continued over `packets` in order:
 * per packet, FNV-1a 64 over its 8-byte little-endian words, then its tail bytes.
 */
export function renderChecksum(packets: Iterable<Uint8Array>, seed: bigint = FNV_OFFSET): bigint {
  let h = seed;
  for (const p of packets) {
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    let i = 0;
    for (; i + 8 <= p.byteLength; i += 8) h = ((h ^ view.getBigUint64(i, true)) * FNV_PRIME) & MASK;
    for (; i < p.byteLength; i++) h = ((h ^ BigInt(p[i])) * FNV_PRIME) & MASK;
  }
  return h;
}

/**
 * Sample `n` (from the start of the stream) of the emulated capture signal: a
 * 1 kHz sine at half full scale (amplitude ⌊(2^(bits−1) − 1) / 2⌋), the same
 * on every channel.
 */
export function emulatorToneSample(n: number, sampleRate: number, bitsPerSample: number): number {
  const phase = (2 * Math.PI * ((n * 1000) % sampleRate)) / sampleRate;
  const amplitude = Math.floor((2 ** (bitsPerSample - 1) - 1) / 2);
  return Math.round(Math.sin(phase) * amplitude);
}
