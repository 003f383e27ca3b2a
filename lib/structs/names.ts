/**
 * Names for the GUIDs and ids this package knows, for messages and `inspect`:
 * KSCATEGORY_*, KSNODETYPE_*, KSDATAFORMAT_* subtypes and specifiers, property
 * sets (KSPROPSETID_*) and their properties (KSPROPERTY_PIN_CINSTANCES, ...),
 * interface and medium sets. An unknown GUID stays a GUID.
 */
import {
  KSCATEGORY,
  KSDATAFORMAT,
  KSEVENTSETID,
  KSINTERFACESETID_Standard,
  KSMEDIUMSETID_Standard,
  KSMETHODSETID,
  KSNODETYPE,
  KSPROPERTY_AUDIO,
  KSPROPERTY_CLOCK,
  KSPROPERTY_CONNECTION,
  KSPROPERTY_GENERAL,
  KSPROPERTY_JACK,
  KSPROPERTY_PIN,
  KSPROPERTY_RTAUDIO,
  KSPROPERTY_STREAM,
  KSPROPERTY_STREAMALLOCATOR,
  KSPROPERTY_TOPOLOGY,
  KSPROPSETID,
  PINNAME,
} from './constants';
import type { Guid } from './guid';

/** A GUID with the SDK name this package knows for it (null when it knows none). */
export interface NamedGuid {
  guid: Guid;
  name: string | null;
}

const GUID_NAMES = new Map<string, string>();
const add = (prefix: string, table: Record<string, string>) => {
  for (const [name, guid] of Object.entries(table)) if (!GUID_NAMES.has(guid.toUpperCase())) GUID_NAMES.set(guid.toUpperCase(), `${prefix}${name}`);
};
add('KSCATEGORY_', KSCATEGORY);
add('KSNODETYPE_', KSNODETYPE);
add('KSDATAFORMAT_', KSDATAFORMAT);
add('KSPROPSETID_', KSPROPSETID);
add('KSMETHODSETID_', KSMETHODSETID);
add('KSEVENTSETID_', KSEVENTSETID);
add('PINNAME_', PINNAME);
GUID_NAMES.set(KSINTERFACESETID_Standard, 'KSINTERFACESETID_Standard');
GUID_NAMES.set(KSMEDIUMSETID_Standard, 'KSMEDIUMSETID_Standard');
// The camera control sets (ksmedia.h spells them PROPSETID_VIDCAP_*).
GUID_NAMES.set('{C6E13360-30AC-11D0-A18C-00A0C9118956}', 'PROPSETID_VIDCAP_VIDEOPROCAMP');
GUID_NAMES.set('{C6E13370-30AC-11D0-A18C-00A0C9118956}', 'PROPSETID_VIDCAP_CAMERACONTROL');

/** The SDK name of a GUID this package knows (KSCATEGORY_AUDIO, KSNODETYPE_VOLUME, KSDATAFORMAT_SUBTYPE_PCM, ...), else null. */
export function guidName(guid: string): string | null {
  return typeof guid === 'string' ? GUID_NAMES.get(guid.toUpperCase()) ?? null : null;
}

/** `{ guid, name }` for a GUID, for JSON that keeps both. */
export function namedGuid(guid: Guid): NamedGuid {
  return { guid, name: guidName(guid) };
}

/** The name of a GUID where known, else the GUID itself. */
export function guidLabel(guid: string): string {
  return guidName(guid) ?? guid;
}

/** Property ids per set, as the SDK spells them after the set's prefix. */
const PROPERTY_IDS: Record<string, [string, Record<string, number>]> = {
  [KSPROPSETID.Pin]: ['KSPROPERTY_PIN_', KSPROPERTY_PIN],
  [KSPROPSETID.Connection]: ['KSPROPERTY_CONNECTION_', KSPROPERTY_CONNECTION],
  [KSPROPSETID.Stream]: ['KSPROPERTY_STREAM_', KSPROPERTY_STREAM],
  [KSPROPSETID.StreamAllocator]: ['KSPROPERTY_STREAMALLOCATOR_', KSPROPERTY_STREAMALLOCATOR],
  [KSPROPSETID.Topology]: ['KSPROPERTY_TOPOLOGY_', KSPROPERTY_TOPOLOGY],
  [KSPROPSETID.General]: ['KSPROPERTY_GENERAL_', KSPROPERTY_GENERAL],
  [KSPROPSETID.Clock]: ['KSPROPERTY_CLOCK_', KSPROPERTY_CLOCK],
  [KSPROPSETID.Audio]: ['KSPROPERTY_AUDIO_', KSPROPERTY_AUDIO],
  [KSPROPSETID.RtAudio]: ['KSPROPERTY_RTAUDIO_', KSPROPERTY_RTAUDIO],
  [KSPROPSETID.Jack]: ['KSPROPERTY_JACK_', KSPROPERTY_JACK],
};

/**
 * A property as the SDK names it: KSPROPERTY_PIN_CINSTANCES; a known set with
 * an id this package has no name for gives "KSPROPSETID_Pin id 99"; an unknown
 * set gives "{GUID} id 2".
 */
export function propertyName(set: Guid | string, id: number): string {
  const known = PROPERTY_IDS[typeof set === 'string' ? set.toUpperCase() : ''];
  const name = known && Object.entries(known[1]).find(([, value]) => value === id)?.[0];
  if (name) return `${known[0]}${name}`;
  return `${guidLabel(set)} id ${id}`;
}
