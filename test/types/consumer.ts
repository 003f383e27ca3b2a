// A user's program against the built package's types (dist/index.d.ts, what npm ships). Each `@ts-expect-error`
// line is a mistake the types must catch: if one stops being an error, tsc reports the unused directive and
// test/types.test.ts fails. The other lines are correct uses that must keep compiling.
import {
  extensibleFormat,
  findDevice,
  KSCATEGORY,
  KSDATAFORMAT,
  KsError,
  listDevices,
  openFilter,
  pcmFormat,
  record,
  videoFormat,
  watchDevices,
  WavWriter,
  type KsErrorCode,
} from '../../dist/index';

// Names and GUIDs both work where a known constant is taken.
videoFormat({ width: 640, height: 480, subtype: 'NV12', fps: 30 });
videoFormat({ width: 640, height: 480, subtype: KSDATAFORMAT.SUBTYPE_YUY2, fps: 30 });
videoFormat({ width: 640, height: 480, subtype: '{32595559-0000-0010-8000-00AA00389B71}', fps: 30 });
// @ts-expect-error a misspelt subtype name
videoFormat({ width: 640, height: 480, subtype: 'NV21', fps: 30 });
// @ts-expect-error subtype names are the SDK's (upper case)
videoFormat({ width: 640, height: 480, subtype: 'nv12x', fps: 30 });

listDevices({ category: 'CAPTURE' });
listDevices({ category: KSCATEGORY.AUDIO });
// @ts-expect-error a misspelt category name
listDevices({ category: 'CAPTUER' });
// @ts-expect-error a misspelt category name
findDevice('mic', { category: 'AUDIOO' });
watchDevices(() => undefined, { categories: ['AUDIO', 'VIDEO_CAMERA'] }).close();
// @ts-expect-error a misspelt category name in a list
watchDevices(() => undefined, { categories: ['AUDIO', 'CAMERA'] });

extensibleFormat({ channels: 6, sampleRate: 48000, bitsPerSample: 32, subFormat: 'IEEE_FLOAT' });
// @ts-expect-error a misspelt sample type
extensibleFormat({ channels: 6, sampleRate: 48000, bitsPerSample: 32, subFormat: 'FLOAT' });
// @ts-expect-error a misspelt option name
pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16, flaot: true });
// @ts-expect-error the sample rate is a number of Hz, not text
pcmFormat({ channels: 2, sampleRate: '48000', bitsPerSample: 16 });

// A pin without a format: the pin chooses, and says how.
const filter = openFilter('Audio Capture');
const pin = filter.createPin({ pinId: 0 });
const how: 'DATAINTERSECTION' | 'first data range' | undefined = pin.negotiation?.by;
void how;
// @ts-expect-error createPin needs a pin id
filter.createPin({ dataFormat: pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
// @ts-expect-error the benchmark hook is not part of the API
pin.measureNativeLoop({ packets: 4, frameSize: 1920, milliseconds: 10 });
filter.close();

// KsError.code is a union of the known codes.
function handle(e: unknown): string {
  if (e instanceof KsError) {
    const code: KsErrorCode = e.code;
    if (code === 'STATUS_NO_MATCH' || code === 'ERR_DEVICE_AMBIGUOUS') return code;
    // @ts-expect-error not a status name this package has
    if (code === 'STATUS_NO_MACH') return code;
  }
  return 'other';
}
void handle;

void record('Audio Capture', { seconds: 1, out: 'a.wav' });
// @ts-expect-error record needs a length
void record('Audio Capture', { out: 'a.wav' });
new WavWriter({ fd: 1 }, { channels: 2, sampleRate: 48000, bitsPerSample: 24 }).close();
