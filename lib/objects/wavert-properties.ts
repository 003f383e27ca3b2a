/**
 * Typed readers of a WaveRT pin's KSPROPSETID_RtAudio properties (ksmedia.h
 * layouts, x64): HWLATENCY, PRESENTATION_POSITION and PACKETCOUNT. Replies
 * are checked as untrusted input.
 */
import { KsError } from '../base/errors';
import { KSPROPERTY_RTAUDIO, KSPROPSETID } from '../structs/constants';
import type { KsHandle } from './handle';

/** KSRTAUDIO_HWLATENCY */
export interface HwLatency {
  /** FifoSize: bytes the DMA engine holds between the buffer and the codec. */
  fifoSize: number;
  /** ChipsetDelay, 100 ns units. */
  chipsetDelay: number;
  /** CodecDelay, 100 ns units. */
  codecDelay: number;
}

/** KSAUDIO_PRESENTATION_POSITION */
export interface PresentationPosition {
  /** u64PositionInBlocks: sample frames presented since the stream left STOP. */
  positionInBlocks: bigint;
  /** u64QPCPosition: the performance counter at that position. */
  qpcPosition: bigint;
}

function read(pin: KsHandle, id: number, size: number, what: string): Buffer {
  const reply = pin.getProperty(KSPROPSETID.RtAudio, id, { size });
  if (reply.length < size) throw new KsError('ERR_MALFORMED_REPLY', `get ${what}`, `${what} needs ${size} bytes, got ${reply.length}`);
  return reply;
}

export function readHwLatency(pin: KsHandle): HwLatency {
  const b = read(pin, KSPROPERTY_RTAUDIO.HWLATENCY, 12, 'KSRTAUDIO_HWLATENCY');
  return { fifoSize: b.readUInt32LE(0), chipsetDelay: b.readUInt32LE(4), codecDelay: b.readUInt32LE(8) };
}

export function readPresentationPosition(pin: KsHandle): PresentationPosition {
  const b = read(pin, KSPROPERTY_RTAUDIO.PRESENTATION_POSITION, 16, 'KSAUDIO_PRESENTATION_POSITION');
  return { positionInBlocks: b.readBigUInt64LE(0), qpcPosition: b.readBigUInt64LE(8) };
}

export function readPacketCount(pin: KsHandle): number {
  return read(pin, KSPROPERTY_RTAUDIO.PACKETCOUNT, 4, 'PACKETCOUNT').readUInt32LE(0);
}
