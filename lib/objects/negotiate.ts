/**
 * Choosing a format for a pin when the caller gives none: the pin's own
 * choice through KSPROPERTY_PIN_DATAINTERSECTION (what ksproxy and PortAudio
 * ask first), else the format the pin's first usable data range stands for.
 */
import { KsError } from '../base/errors';
import type { DataFormat } from '../formats/data-format';
import { formatForRange, parseDataRanges } from '../formats/data-range';
import { describeFormat } from '../formats/format-fit';
import { KSPROPERTY_PIN, KSPROPSETID } from '../structs/constants';
import type { Guid } from '../structs/guid';
import { pinInstance } from '../structs/request';

/** How createPin() chose a format it was not given. */
export interface FormatNegotiation {
  /** 'DATAINTERSECTION': the pin picked it from its own ranges; 'first data range': the first range this package can build a format for. */
  by: 'DATAINTERSECTION' | 'first data range';
  /** The format in words, e.g. "48000 Hz 2-channel 24-bit PCM". */
  description: string;
}

/** What negotiation needs of a filter (KsFilter has both). */
interface FilterForNegotiation {
  intersect(pinId: number): DataFormat;
  getProperty(set: Guid, id: number, options?: { instance?: Buffer }): Buffer;
}

export function negotiateFormat(filter: FilterForNegotiation, pinId: number): { format: DataFormat; negotiation: FormatNegotiation } {
  try {
    const format = filter.intersect(pinId);
    return { format, negotiation: { by: 'DATAINTERSECTION', description: describeFormat(format) } };
  } catch (e) {
    // A driver without an intersection handler (NOT_SUPPORTED, NO_MATCH): fall back to the ranges.
    if (!(e instanceof KsError) || e.code.startsWith('ERR_CLOSED')) throw e;
  }
  const ranges = parseDataRanges(filter.getProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.DATARANGES, { instance: pinInstance(pinId) }), 'get pin data ranges');
  for (const range of ranges) {
    const format = formatForRange(range);
    if (format) return { format, negotiation: { by: 'first data range', description: describeFormat(format) } };
  }
  throw new TypeError(`pin ${pinId} gave no format through DATAINTERSECTION and has no data range this package can build a format for: pass dataFormat (pcmFormat(), videoFormat())`);
}
