// The request headers of KS IOCTLs (lib/structs/request.ts), byte for byte against layouts written out here from ks.h:
// KSIDENTIFIER { GUID Set; ULONG Id; ULONG Flags } (24 bytes), KSP_PIN and KSP_NODE (+ ULONG PinId/NodeId, ULONG
// Reserved: 32 bytes), KSNODEPROPERTY_AUDIO_CHANNEL (KSP_NODE + LONG Channel + ULONG Reserved: 40 bytes); and the
// KSMULTIPLE_ITEM head { ULONG Size; ULONG Count } that many replies start with, read as untrusted input.
import { describe, expect, it } from 'vitest';
import { audioChannelInstance, encodeIdentifier, encodeNodeProperty, encodePinProperty, readMultipleItem } from '../lib/index';

const SET = '{8C134960-51AD-11CF-878A-94F801C10000}'; // KSPROPSETID_Pin
const SET_BYTES = '6049138c' + 'ad51' + 'cf11' + '878a94f801c10000';
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0, 0);
  return b.toString('hex');
};

describe('KS request headers', () => {
  it('KSPROPERTY: Set, Id, Flags', () => {
    expect(encodeIdentifier(SET, 7, 0x201).toString('hex')).toBe(SET_BYTES + u32(7) + u32(0x201));
  });

  it('KSP_PIN: the KSPROPERTY, PinId, Reserved 0', () => {
    expect(encodePinProperty(SET, 1, 1, 3).toString('hex')).toBe(SET_BYTES + u32(1) + u32(1) + u32(3) + u32(0));
  });

  it('KSP_NODE: the KSPROPERTY, NodeId, Reserved 0 (32 bytes)', () => {
    const request = encodeNodeProperty(SET, 2, 0x10000001, 0xfffffffe);
    expect(request.toString('hex')).toBe(SET_BYTES + u32(2) + u32(0x10000001) + u32(0xfffffffe) + u32(0));
  });

  it('KSNODEPROPERTY_AUDIO_CHANNEL after its KSPROPERTY: NodeId, Reserved, Channel (signed), Reserved', () => {
    expect(audioChannelInstance(5, -1).toString('hex')).toBe(u32(5) + u32(0) + u32(-1) + u32(0));
  });
});

describe('KSMULTIPLE_ITEM head', () => {
  const head = (size: number, count: number, length: number) => {
    const b = Buffer.alloc(length);
    b.writeUInt32LE(size, 0);
    b.writeUInt32LE(count, 4);
    return b;
  };
  const malformed = (message: string) => expect.objectContaining({ code: 'ERR_MALFORMED_REPLY', message: expect.stringContaining(message) });

  it('reads Size and Count where Count items of the least size fit in Size', () => {
    expect(readMultipleItem(head(8, 0, 8), 16, 'op')).toEqual({ size: 8, count: 0 });
    expect(readMultipleItem(head(40, 2, 48), 16, 'op')).toEqual({ size: 40, count: 2 });
  });

  it('refuses a Size outside 8..the reply\'s length, and a Count that cannot fit', () => {
    expect(() => readMultipleItem(head(7, 0, 16), 16, 'op')).toThrow(malformed('KSMULTIPLE_ITEM.Size 7 is outside 8..16'));
    expect(() => readMultipleItem(head(100, 0, 16), 16, 'op')).toThrow(malformed('KSMULTIPLE_ITEM.Size 100 is outside 8..16'));
    expect(() => readMultipleItem(head(39, 2, 48), 16, 'op')).toThrow(malformed('KSMULTIPLE_ITEM.Count 2 cannot fit in 39 bytes'));
    expect(() => readMultipleItem(Buffer.alloc(7), 16, 'op')).toThrow(malformed('a KSMULTIPLE_ITEM needs 8 bytes, got 7'));
  });
});
