/**
 * Property sets a profile asks about beyond those lib/structs names, with
 * their GUIDs from KS-NOTES (checked against ksmedia.h / Microsoft's docs).
 */
import type { Guid } from '../structs/guid';

/** PROPSETID_VIDCAP_VIDEOPROCAMP (ids 0..13) and PROPSETID_VIDCAP_CAMERACONTROL (ids 0..19). */
export const VIDCAP_SETS: readonly { guid: Guid; lastId: number }[] = [
  { guid: '{C6E13360-30AC-11D0-A18C-00A0C9118956}', lastId: 13 },
  { guid: '{C6E13370-30AC-11D0-A18C-00A0C9118956}', lastId: 19 },
];

export const EXTRA_PROPERTY_SETS: readonly Guid[] = [
  ...VIDCAP_SETS.map((s) => s.guid),
  /** KSPROPSETID_StreamInterface (AVStream HEADERSIZE) */ '{1FDD8EE1-9CD3-11D0-82AA-0000F822FE8A}',
  /** KSPROPSETID_RtAudio (WaveRT) */ '{A855A48C-2F78-4729-9051-1968746B9EEF}',
  /** KSPROPSETID_Jack */ '{4509F757-2D46-4637-8E62-CE7DB944F57B}',
];
