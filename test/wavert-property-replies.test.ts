// The WaveRT property readers (lib/objects/wavert-properties.ts) against a driver scripted in the test: a virtual
// device answering KSPROPSETID_RtAudio with the bytes written here, so each reader's layout (ksmedia.h, x64) and its
// refusal of a short reply are checked byte by byte. The first Stryker run over lib/objects left these unchecked: the
// emulator's WaveRT pins always answer in full. The readers take any handle; a filter carries the scripted set.
import { afterEach, describe, expect, it } from 'vitest';
import { defineVirtualDevice, openFilter, openHandleCount, type VirtualPropertyReply, type VirtualPropertyRequest } from '../lib/index';
import { expectMalformedReply } from './helpers';
import { readHwLatency, readPacketCount, readPresentationPosition } from '../lib/objects/wavert-properties';

// ksmedia.h: KSPROPSETID_RtAudio {A855A48C-2F78-4729-9051-1968746B9EEF}; KSPROPERTY_RTAUDIO_HWLATENCY 2,
// _PACKETCOUNT 9, _PRESENTATION_POSITION 10 (the enum's order: GETPOSITIONFUNCTION 0, BUFFER 1, HWLATENCY 2, ...).
const RT_AUDIO = '{A855A48C-2F78-4729-9051-1968746B9EEF}';
const HWLATENCY = 2;
const PACKETCOUNT = 9;
const PRESENTATION_POSITION = 10;

afterEach(() => {
  expect(openHandleCount()).toBe(0);
});

function scripted(id: number, answer: (r: VirtualPropertyRequest) => VirtualPropertyReply) {
  const seen: VirtualPropertyRequest[] = [];
  const device = defineVirtualDevice({
    name: 'Scripted WaveRT',
    categories: ['AUDIO'],
    pins: [],
    properties: [{ set: RT_AUDIO, id, onGet: (r) => (seen.push(r), answer(r)) }],
  });
  const filter = openFilter(device.path);
  return {
    filter,
    seen,
    [Symbol.dispose]() {
      filter.close();
      device.remove();
    },
  };
}


describe('KSPROPSETID_RtAudio readers', () => {
  it('KSRTAUDIO_HWLATENCY: three ULONGs, FifoSize, ChipsetDelay, CodecDelay, asked for with a 12-byte buffer', () => {
    const reply = Buffer.alloc(12);
    reply.writeUInt32LE(0x0102_0304, 0);
    reply.writeUInt32LE(0x1112_1314, 4);
    reply.writeUInt32LE(0xa1a2_a3a4, 8);
    using d = scripted(HWLATENCY, () => ({ data: reply }));
    expect(readHwLatency(d.filter)).toEqual({ fifoSize: 0x0102_0304, chipsetDelay: 0x1112_1314, codecDelay: 0xa1a2_a3a4 });
    // One request, with the structure's size: no zero-length size query first.
    expect(d.seen.map((r) => r.outputLength)).toEqual([12]);
  });

  it('KSAUDIO_PRESENTATION_POSITION: two ULONGLONGs, asked for with a 16-byte buffer', () => {
    const reply = Buffer.from([1, 2, 3, 4, 5, 6, 7, 0x88, 9, 10, 11, 12, 13, 14, 15, 0x90]);
    using d = scripted(PRESENTATION_POSITION, () => ({ data: reply }));
    // Little-endian: the first eight bytes read from the last to the first.
    expect(readPresentationPosition(d.filter)).toEqual({ positionInBlocks: 0x8807060504030201n, qpcPosition: 0x900f0e0d0c0b0a09n });
    expect(d.seen.map((r) => r.outputLength)).toEqual([16]);
  });

  it('PACKETCOUNT: one ULONG, asked for with a 4-byte buffer', () => {
    using d = scripted(PACKETCOUNT, () => ({ data: Buffer.from([0x78, 0x56, 0x34, 0x12]) }));
    expect(readPacketCount(d.filter)).toBe(0x12345678);
    expect(d.seen.map((r) => r.outputLength)).toEqual([4]);
  });

  it('refuses a reply shorter than the structure, naming the structure and both sizes', () => {
    {
      using d = scripted(HWLATENCY, () => ({ data: Buffer.alloc(8) }));
      expectMalformedReply(() => readHwLatency(d.filter), 'get KSRTAUDIO_HWLATENCY', 'KSRTAUDIO_HWLATENCY needs 12 bytes, got 8');
    }
    {
      using d = scripted(PRESENTATION_POSITION, () => ({ data: Buffer.alloc(15) }));
      expectMalformedReply(
        () => readPresentationPosition(d.filter),
        'get KSAUDIO_PRESENTATION_POSITION',
        'KSAUDIO_PRESENTATION_POSITION needs 16 bytes, got 15',
      );
    }
    {
      using d = scripted(PACKETCOUNT, () => ({ data: Buffer.alloc(3) }));
      expectMalformedReply(() => readPacketCount(d.filter), 'get PACKETCOUNT', 'PACKETCOUNT needs 4 bytes, got 3');
    }
  });
});
