/**
 * A failed pin create, told apart for the caller (`details.reason`): the
 * endpoint in use elsewhere, no instance left, or the format refused, each
 * with what the pin says of itself. Other failures pass through unchanged.
 */
import { KsError } from '../base/errors';
import { KSPROPERTY_PIN } from '../structs/constants';
import type { DataFormat } from '../formats/data-format';
import { type DataRange, parseDataRanges } from '../formats/data-range';
import { describeFormat, explainMisfit } from '../formats/format-fit';

/** A KSPROPSETID_Pin GET on the pin factory (`size` for fixed-size answers). */
export type PinPropertyReader = (id: number, size?: number) => Buffer;

/** A { possible, current } pair (KSPROPERTY_PIN_CINSTANCES / GLOBALCINSTANCES), or undefined when the pin does not answer. */
function readInstances(read: PinPropertyReader, id: number): { possible: number; current: number } | undefined {
  try {
    const reply = read(id, 8);
    return reply.length >= 8 ? { possible: reply.readUInt32LE(0), current: reply.readUInt32LE(4) } : undefined;
  } catch {
    return undefined;
  }
}

export function explainPinFailure(e: unknown, pinId: number, format: DataFormat, read: PinPropertyReader): unknown {
  if (!(e instanceof KsError) || (e.status === undefined && e.win32 === undefined && e.hresult === undefined)) return e;
  const inner = e.message.startsWith(`${e.operation}: `) ? e.message.slice(e.operation.length + 2) : e.message;
  const base = { status: e.status, win32: e.win32, hresult: e.hresult, pinId };
  // STATUS_INVALID_DEVICE_STATE (ERROR_BAD_COMMAND from ksuser, as PortAudio
  // reads it): the endpoint is held elsewhere — by the Windows audio engine
  // (audiodg.exe) or another application — when GLOBALCINSTANCES is full.
  if (e.status === 0xc0000184 || e.win32 === 22 || e.hresult === 0x80070016) {
    const global = readInstances(read, KSPROPERTY_PIN.GLOBALCINSTANCES);
    const held = global !== undefined && global.current >= global.possible;
    const count = global ? ` (KSPROPERTY_PIN_GLOBALCINSTANCES ${global.current}/${global.possible} in use)` : '';
    return new KsError(e.code, e.operation, `${inner}: pin ${pinId} is in use by the Windows audio engine (audiodg.exe) or another application${count}${held ? '' : '; the device refused the create in its current state'}`, {
      ...base,
      reason: 'in-use',
      globalInstances: global,
    });
  }
  const instances = readInstances(read, KSPROPERTY_PIN.CINSTANCES);
  if (instances && instances.current >= instances.possible) {
    return new KsError(e.code, e.operation, `${inner}: pin ${pinId} has no instance left (KSPROPERTY_PIN_CINSTANCES ${instances.current}/${instances.possible} in use)`, {
      ...base,
      reason: 'no-instance',
      instances,
    });
  }
  if (e.code === 'STATUS_NO_MATCH' || e.code === 'ERROR_NO_MATCH') {
    let ranges: DataRange[] | undefined;
    try {
      ranges = parseDataRanges(read(KSPROPERTY_PIN.DATARANGES), 'get pin data ranges');
    } catch {
      ranges = undefined;
    }
    const why = ranges ? explainMisfit(format, ranges) : 'its data ranges could not be read';
    return new KsError(e.code, e.operation, `${inner}: pin ${pinId} does not accept this format (${describeFormat(format)}): ${why}`, {
      ...base,
      reason: 'format-refused',
    });
  }
  return e;
}
