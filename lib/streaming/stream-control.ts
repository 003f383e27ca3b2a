/**
 * The memory a stream shares with the native engine (native/stream_engine.h):
 * a control block of uint32 words used with Atomics, completion records of
 * RECORD doubles, and for render a descriptor of DESCRIPTOR doubles per slot.
 */

/**
 * Doubles per completion record: slot, status, statusKind, dataUsed, optionsFlags, presentationTime, numerator,
 * denominator, duration, completedAtNs, then KS_FRAME_INFO's pictureNumber, dropCount and dwFrameFlags (0 without one).
 */
export const RECORD = 13;
/** Doubles per render slot descriptor: DataUsed, OptionsFlags, PresentationTime, reserved. */
export const DESCRIPTOR = 4;

// Control words (stream_control in native/stream_engine.h).
export const RECORD_TAIL = 0; // engine: records published
export const IN_FLIGHT = 1; // engine: packets with the device
export const FREE_HEAD = 2; // engine: free-ring entries taken
export const RECORD_HEAD = 16; // JS: records consumed
export const ARMED = 17; // JS sets 1 when it waits for a wake-up
export const FREE_TAIL = 18; // JS: free-ring entries written
export const FREE_RING = 32; // then one word per slot

/** KSSTREAM_HEADER_OPTIONSF_* */
export const KSSTREAM_HEADER_OPTIONSF = {
  SPLICEPOINT: 0x1,
  PREROLL: 0x2,
  DATADISCONTINUITY: 0x4,
  TYPECHANGED: 0x8,
  TIMEVALID: 0x10,
  TIMEDISCONTINUITY: 0x40,
  FLUSHONPAUSE: 0x80,
  DURATIONVALID: 0x100,
  ENDOFSTREAM: 0x200,
} as const;
