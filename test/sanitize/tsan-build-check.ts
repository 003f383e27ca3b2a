// The ThreadSanitizer lane runs only against the TSan build of the addon: a
// normal build would pass every file without checking a thing, so refuse it.
import { native } from '../../lib/addon/binding';

if ((native as unknown as { __sanitizer?: string }).__sanitizer !== 'tsan') {
  throw new Error(
    'the ThreadSanitizer lane loaded an addon that is not the TSan build: run it through `npm run test:tsan` ' +
      '(KERNEL_STREAMING_PREBUILD must name build/sanitize/tsan)',
  );
}
