// explainPinFailure (lib/objects/pin-create-failure.ts), the reading of a failed pin create, against a pin factory
// scripted in the test: the reader answers KSPROPSETID_Pin GETs with bytes laid out here (KSPROPERTY_PIN_CINSTANCES
// and _GLOBALCINSTANCES are KSPIN_CINSTANCES { ULONG PossibleCount; ULONG CurrentCount; }, ks.h) or fails. The first
// Stryker run over lib/objects left its branches unchecked: the emulator's pins give only some of these answers.
import { describe, expect, it } from 'vitest';
import { KsError, pcmFormat, StatusKind } from '../lib/index';
import { describeFormat } from '../lib/formats/format-fit';
import { explainPinFailure, type PinPropertyReader } from '../lib/objects/pin-create-failure';

// ks.h, enum KSPROPERTY_PIN: CINSTANCES 0, ..., DATARANGES 3, ..., GLOBALCINSTANCES 8.
const CINSTANCES = 0;
const DATARANGES = 3;
const GLOBALCINSTANCES = 8;
const PIN = 3;
const format = pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });

function instances(possible: number, current: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(possible, 0);
  b.writeUInt32LE(current, 4);
  return b;
}

/** A reader answering `answers[id]` (a Buffer, or an Error to throw); records each id and size asked for. */
function pinFactory(answers: Record<number, Buffer | Error>) {
  const asked: [number, number | undefined][] = [];
  const read: PinPropertyReader = (id, size) => {
    asked.push([id, size]);
    const a = answers[id];
    if (a === undefined || a instanceof Error) throw a ?? KsError.fromStatus(StatusKind.NtStatus, 0xc0000225, 'get pin property');
    return a;
  };
  return { read, asked };
}

const failure = (kind: StatusKind, value: number) => KsError.fromStatus(kind, value, 'create pin');

describe('explainPinFailure', () => {
  it('passes through what is not a KsError, and a KsError with no platform status, unchanged', () => {
    const { read, asked } = pinFactory({});
    const plain = new Error('x');
    expect(explainPinFailure(plain, PIN, format, read)).toBe(plain);
    const closed = KsError.closed('create pin', 'filter');
    expect(explainPinFailure(closed, PIN, format, read)).toBe(closed);
    expect(asked).toEqual([]);
  });

  it('a status only (NTSTATUS, Win32 or HRESULT alone) is enough to be read', () => {
    for (const details of [{ status: 0xc0000184 }, { win32: 22 }, { hresult: 0x80070016 }]) {
      const e = new KsError('STATUS_INVALID_DEVICE_STATE', 'create pin', 'refused', details);
      const { read } = pinFactory({ [GLOBALCINSTANCES]: instances(1, 1) });
      expect((explainPinFailure(e, PIN, format, read) as KsError).details.reason).toBe('in-use');
    }
  });

  it('STATUS_INVALID_DEVICE_STATE in each scheme: in use, with GLOBALCINSTANCES when the pin gives it', () => {
    // STATUS_INVALID_DEVICE_STATE 0xC0000184; ERROR_BAD_COMMAND 22 (what DeviceIoControl reports for it);
    // HRESULT_FROM_WIN32(22) = 0x80070000 | 0x16.
    for (const [kind, value, code] of [
      [StatusKind.NtStatus, 0xc0000184, 'STATUS_INVALID_DEVICE_STATE (0xC0000184)'],
      [StatusKind.Win32, 22, 'ERROR_BAD_COMMAND (0x00000016)'],
      [StatusKind.HResult, 0x80070016, 'ERROR_BAD_COMMAND (0x80070016)'],
    ] as const) {
      const { read, asked } = pinFactory({ [GLOBALCINSTANCES]: instances(1, 1) });
      const e = explainPinFailure(failure(kind, value), PIN, format, read) as KsError;
      expect(asked).toEqual([[GLOBALCINSTANCES, 8]]);
      expect(e.message).toBe(
        `create pin: ${code}: pin 3 is in use by the Windows audio engine (audiodg.exe) or another application (KSPROPERTY_PIN_GLOBALCINSTANCES 1/1 in use)`,
      );
      expect(e.details).toMatchObject({ reason: 'in-use', pinId: 3, globalInstances: { possible: 1, current: 1 } });
    }
  });

  it('in use: held when CurrentCount reaches PossibleCount (or passes it); otherwise the device refused in its state', () => {
    const tail = '; the device refused the create in its current state';
    const text = (possible: number, current: number) => {
      const { read } = pinFactory({ [GLOBALCINSTANCES]: instances(possible, current) });
      return (explainPinFailure(failure(StatusKind.NtStatus, 0xc0000184), PIN, format, read) as KsError).message;
    };
    expect(text(2, 2).endsWith('(KSPROPERTY_PIN_GLOBALCINSTANCES 2/2 in use)')).toBe(true);
    expect(text(2, 3).endsWith('(KSPROPERTY_PIN_GLOBALCINSTANCES 3/2 in use)')).toBe(true);
    expect(text(2, 1).endsWith(`(KSPROPERTY_PIN_GLOBALCINSTANCES 1/2 in use)${tail}`)).toBe(true);
    // No answer, or one shorter than KSPIN_CINSTANCES: no count, and not known to be held.
    for (const answer of [new Error('no'), Buffer.alloc(7)]) {
      const { read } = pinFactory({ [GLOBALCINSTANCES]: answer });
      const e = explainPinFailure(failure(StatusKind.NtStatus, 0xc0000184), PIN, format, read) as KsError;
      expect(e.message).toBe(
        `create pin: STATUS_INVALID_DEVICE_STATE (0xC0000184): pin 3 is in use by the Windows audio engine (audiodg.exe) or another application${tail}`,
      );
      expect(e.details.globalInstances).toBeUndefined();
    }
  });

  it('no instance left: CINSTANCES full, whatever the status', () => {
    const { read, asked } = pinFactory({ [CINSTANCES]: instances(1, 1) });
    const e = explainPinFailure(failure(StatusKind.NtStatus, 0xc000009a), PIN, format, read) as KsError;
    expect(asked).toEqual([[CINSTANCES, 8]]);
    expect(e.message).toBe('create pin: STATUS_INSUFFICIENT_RESOURCES (0xC000009A): pin 3 has no instance left (KSPROPERTY_PIN_CINSTANCES 1/1 in use)');
    expect(e.details).toMatchObject({ reason: 'no-instance', status: 0xc000009a, pinId: 3, instances: { possible: 1, current: 1 } });
  });

  it('the format refused: STATUS_NO_MATCH or ERROR_NO_MATCH, with the ranges unreadable said so', () => {
    for (const [kind, value, code] of [
      [StatusKind.NtStatus, 0xc0000272, 'STATUS_NO_MATCH (0xC0000272)'],
      [StatusKind.Win32, 0x491, 'ERROR_NO_MATCH (0x00000491)'],
    ] as const) {
      const { read, asked } = pinFactory({ [CINSTANCES]: instances(4, 1), [DATARANGES]: new Error('unreadable') });
      const e = explainPinFailure(failure(kind, value), PIN, format, read) as KsError;
      expect(asked).toEqual([
        [CINSTANCES, 8],
        [DATARANGES, undefined],
      ]);
      expect(e.message).toBe(`create pin: ${code}: pin 3 does not accept this format (${describeFormat(format)}): its data ranges could not be read`);
      expect(e.details.reason).toBe('format-refused');
    }
  });

  it('any other status with instances left passes through unchanged', () => {
    const { read } = pinFactory({ [CINSTANCES]: instances(4, 3) });
    const e = failure(StatusKind.NtStatus, 0xc0000001);
    expect(explainPinFailure(e, PIN, format, read)).toBe(e);
  });
});
