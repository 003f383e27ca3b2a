/**
 * Formats against ranges, in words: what a data range offers, what a data
 * format is, and — for a format a pin refused — which of its fields lies
 * outside what every one of the pin's ranges offers.
 */
import { KSDATAFORMAT } from '../structs/constants';
import { guidName } from '../structs/names';
import type { DataFormat } from './data-format';
import type { DataRange } from './data-range';

/** A subtype or other format GUID as a short name: PCM, IEEE_FLOAT, YUY2, … (else the GUID). */
export function subtypeLabel(guid: string): string {
  const name = guidName(guid);
  return name ? name.replace(/^KSDATAFORMAT_(SUBTYPE_|TYPE_|SPECIFIER_)/, '') : guid;
}

/** A data range in one line: "audio PCM ≤2 ch, 16-24 bit, 8000-48000 Hz", "video YUY2 640×480 @ 30 fps". */
export function describeRange(r: DataRange): string {
  if (r.audio) {
    const a = r.audio;
    return `audio ${subtypeLabel(r.subFormat)} ≤${a.maximumChannels} ch, ${a.minimumBitsPerSample}-${a.maximumBitsPerSample} bit, ${a.minimumSampleFrequency}-${a.maximumSampleFrequency} Hz`;
  }
  if (r.video) {
    const v = r.video.videoInfoHeader;
    const fps = v.avgTimePerFrame > 0n ? Math.round((1e7 / Number(v.avgTimePerFrame)) * 100) / 100 : 0;
    return `video ${subtypeLabel(r.subFormat)} ${v.bitmap.width}×${Math.abs(v.bitmap.height)} @ ${fps} fps`;
  }
  return `${subtypeLabel(r.majorFormat)} / ${subtypeLabel(r.subFormat)} / ${subtypeLabel(r.specifier)} (${r.formatSize} bytes)`;
}

/** A data format in one line: "48000 Hz 2-channel 16-bit PCM", "640×480 YUY2 video". */
export function describeFormat(f: DataFormat): string {
  if (f.wave) return `${f.wave.sampleRate} Hz ${f.wave.channels}-channel ${f.wave.bitsPerSample}-bit ${subtypeLabel(f.subFormat)}`;
  if (f.video) return `${f.video.bitmap.width}×${Math.abs(f.video.bitmap.height)} ${subtypeLabel(f.subFormat)} video`;
  return `${subtypeLabel(f.majorFormat)} / ${subtypeLabel(f.subFormat)} / ${subtypeLabel(f.specifier)}`;
}

/** Why `format` fits no audio range, field by field: the fields outside every range, with what the ranges allow. */
function audioMisfit(format: DataFormat, ranges: DataRange[]): string[] {
  const wave = format.wave!;
  const audio = ranges.filter((r) => r.audio && r.majorFormat === format.majorFormat);
  if (audio.length === 0) return ['the pin has no audio (KSDATARANGE_AUDIO) range'];
  const reasons: string[] = [];
  const sameSubtype = audio.filter((r) => r.subFormat === format.subFormat || r.subFormat === KSDATAFORMAT.TYPE_WILDCARD) // SUBTYPE_WILDCARD is GUID_NULL too;
  if (sameSubtype.length === 0) {
    reasons.push(`the subtype ${subtypeLabel(format.subFormat)} is in none of them (they offer ${[...new Set(audio.map((r) => subtypeLabel(r.subFormat)))].join(', ')})`);
    return reasons;
  }
  const join = (values: string[]) => [...new Set(values)].join(', ');
  if (!sameSubtype.some((r) => wave.channels <= r.audio!.maximumChannels)) {
    reasons.push(`channels ${wave.channels} is above every range's maximum (${join(sameSubtype.map((r) => `≤${r.audio!.maximumChannels}`))})`);
  }
  if (!sameSubtype.some((r) => wave.bitsPerSample >= r.audio!.minimumBitsPerSample && wave.bitsPerSample <= r.audio!.maximumBitsPerSample)) {
    reasons.push(`bitsPerSample ${wave.bitsPerSample} is outside every range (${join(sameSubtype.map((r) => `${r.audio!.minimumBitsPerSample}-${r.audio!.maximumBitsPerSample}`))} bits)`);
  }
  if (!sameSubtype.some((r) => wave.sampleRate >= r.audio!.minimumSampleFrequency && wave.sampleRate <= r.audio!.maximumSampleFrequency)) {
    reasons.push(`sampleRate ${wave.sampleRate} is outside every range (${join(sameSubtype.map((r) => `${r.audio!.minimumSampleFrequency}-${r.audio!.maximumSampleFrequency}`))} Hz)`);
  }
  if (reasons.length === 0) reasons.push('each field lies in some range, but no one range has them all');
  return reasons;
}

/**
 * Why a pin refused `format`, for a message: the formats its ranges offer,
 * and for audio the fields outside all of them.
 */
export function explainMisfit(format: DataFormat, ranges: DataRange[]): string {
  const offered = ranges.length ? `its data ranges offer ${ranges.map(describeRange).join('; ')}` : 'it reports no data ranges';
  if (format.wave) return `${offered}; ${audioMisfit(format, ranges).join('; ')}`;
  return offered;
}
