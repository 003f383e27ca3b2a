/** `kernel-streaming profile`: records a device's KS surface into a profile file that `loadProfile` replays. */
import * as fs from 'fs';
import type { DeviceInfo } from '../objects/devices';
import { recordProfile } from '../profiles/record-profile';
import type { Output } from './inspect-command';

export interface ProfileCommandOptions {
  out: string;
  anonymize?: boolean;
  /** --no-follow and --no-open-pins: commander sets each to true unless its --no- option is given. */
  follow: boolean;
  openPins: boolean;
}

export function profile(device: DeviceInfo, options: ProfileCommandOptions, io: Output): void {
  const document = recordProfile(device, {
    backend: device.backend,
    anonymize: options.anonymize ?? false,
    followPhysicalConnections: options.follow,
    openPins: options.openPins,
  });
  const text = JSON.stringify(document, null, 2) + '\n';
  if (options.out === '-') io.out(text.replace(/\n$/, ''));
  else fs.writeFileSync(options.out, text);
  const requests = document.filters.reduce((n, f) => n + f.requests.length, 0);
  const names = document.filters.map((f) => `"${f.friendlyName}"`).join(', ');
  io.err(`recorded ${document.filters.length} filter(s) (${names}), ${requests} requests${document.anonymized ? ', anonymized' : ''} → ${options.out === '-' ? 'standard output' : options.out}`);
}
