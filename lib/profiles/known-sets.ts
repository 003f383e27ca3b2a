/**
 * Property sets a profile asks about beyond those lib/structs names, with
 * their GUIDs from KS-NOTES (checked against ksmedia.h / Microsoft's docs).
 */
import type { Guid } from '../structs/guid';
import { KSPROPSETID } from '../structs/constants';
import { PROPSETID_VIDCAP } from '../objects/camera-controls';

/** KSPROPSETID_RtAudio (WaveRT pins). */
export const RT_AUDIO: Guid = '{A855A48C-2F78-4729-9051-1968746B9EEF}';
/** KSPROPSETID_Jack (portcls topology filters; the GUID is IKsJackDescription's). */
export const JACK: Guid = '{4509F757-2D46-4637-8E62-CE7DB944F57B}';

/** PROPSETID_VIDCAP_VIDEOPROCAMP (ids 0..13) and PROPSETID_VIDCAP_CAMERACONTROL (ids 0..19). */
export const VIDCAP_SETS: readonly { guid: Guid; lastId: number }[] = [
  { guid: PROPSETID_VIDCAP.VIDEOPROCAMP, lastId: 13 },
  { guid: PROPSETID_VIDCAP.CAMERACONTROL, lastId: 19 },
];

export const EXTRA_PROPERTY_SETS: readonly Guid[] = [...VIDCAP_SETS.map((s) => s.guid), KSPROPSETID.StreamInterface, RT_AUDIO, JACK];
