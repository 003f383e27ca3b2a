// The test's own model of what the emulated render pin should have consumed:
// the packets the engine makes of a write (split at the packet size), and the
// pin's checksum over them, written here from its definition (FNV-1a 64, per
// packet: its 8-byte little-endian words, then its tail bytes; native/emulator/pin_stream.h)
// rather than taken from the package.

const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

export function expectedChecksum(packets: Uint8Array[]): bigint {
  let h = OFFSET;
  for (const p of packets) {
    let i = 0;
    for (; i + 8 <= p.length; i += 8) {
      let word = 0n;
      for (let b = 7; b >= 0; b--) word = (word << 8n) | BigInt(p[i + b]);
      h = ((h ^ word) * PRIME) & MASK;
    }
    for (; i < p.length; i++) h = ((h ^ BigInt(p[i])) * PRIME) & MASK;
  }
  return h;
}

/** Each chunk split at `size`: the packets a copying write makes of it. */
export function packetsOf(chunks: Uint8Array[], size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    if (c.length === 0) out.push(c);
    for (let at = 0; at < c.length; at += size) out.push(c.subarray(at, Math.min(c.length, at + size)));
  }
  return out;
}

/** Bytes that differ from packet to packet and from position to position. */
export function patterned(index: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (index * 131 + i * 7 + (i >> 8)) & 0xff;
  return b;
}

/**
 * The emulated WaveRT endpoint's played checksum (KSPROPERTY_EMULATOR_WAVERT_STATS), written out here as the oracle:
 * FNV-1a's prime over the played bytes as little-endian 64-bit words, from FNV's offset basis.
 */
export function waveRtPlayedChecksum(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i + 8 <= bytes.byteLength; i += 8) h = ((h ^ view.getBigUint64(i, true)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}
