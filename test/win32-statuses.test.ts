// The emulator reporting statuses as a program on Windows meets them
// (setEmulatorStatusReporting('win32')): DeviceIoControl's and KsCreatePin's
// Win32 codes instead of the driver's NTSTATUS. This runs the library's
// Win32 branches on Linux -- size answers (ERROR_MORE_DATA,
// ERROR_INSUFFICIENT_BUFFER), "not supported" (ERROR_SET_NOT_FOUND, ...),
// cancellation (ERROR_OPERATION_ABORTED), a stopped pin's refusal
// (ERROR_BAD_COMMAND), error names -- which otherwise run only under Wine.
// The whole suite can run in the mode too: KS_EMULATOR_STATUSES=win32 (docs/emulator.md).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IOCTL_KS,
  KSPROPERTY_PIN,
  KSPROPERTY_TYPE,
  KSPROPSETID,
  KsError,
  PROPSETID_VIDCAP,
  StatusKind,
  defineVirtualDevice,
  encodeAudioRange,
  encodeIdentifier,
  encodePinProperty,
  openFilter,
  openHandleCount,
  pcmFormat,
  setEmulatorPacing,
  setEmulatorStatusReporting,
  type VirtualDevice,
} from '../lib/index';
import { NTSTATUS_TO_WIN32, statusName } from '../lib/base/errors';
import { expectKsRejection, openCapture, stereo48k } from './helpers';

/** The status kind a refused request comes back with now. */
function reportedKind(): StatusKind {
  using filter = openCapture();
  return filter.ioctl(IOCTL_KS.PROPERTY, encodeIdentifier('{5eb1c0de-0000-4000-8000-0000000000fe}', 0, KSPROPERTY_TYPE.GET), Buffer.alloc(4))[0];
}
// Before any test sets the mode: what the package chose as it loaded.
const kindAtLoad = reportedKind();

const devices: VirtualDevice[] = [];
beforeEach(() => setEmulatorStatusReporting('win32'));
afterEach(() => {
  setEmulatorStatusReporting('ntstatus');
  for (const device of devices.splice(0)) device.remove();
  expect(openHandleCount()).toBe(0);
});

/** A virtual device whose filter answers (custom set, id 0) GETs with whatever status `answer()` gives. */
function deviceAnswering(answer: () => { status: number; information?: number }): { device: VirtualDevice; set: string } {
  const set = '{5eb1c0de-0000-4000-8000-000000000016}';
  const device = defineVirtualDevice({
    name: 'Status Echo',
    categories: ['AUDIO'],
    pins: [{ dataFlow: 'out', dataRanges: [encodeAudioRange({ maximumChannels: 2, minimumSampleFrequency: 48000, maximumSampleFrequency: 48000 })] }],
    properties: [{ set, id: 0, onGet: () => answer() }],
  });
  devices.push(device);
  return { device, set };
}

describe("the emulator's win32 status reporting", () => {
  it('reports every NTSTATUS of the library\'s table as that table\'s Win32 code, and one without an entry as ERROR_MR_MID_NOT_FOUND', () => {
    // The native table (native/emulator/win32_statuses.cpp) against lib/base/errors.ts's, which the Windows lane checks
    // against ntdll's RtlNtStatusToDosError: every entry, through a driver (a virtual device) answering with it.
    let status = 0;
    const { device, set } = deviceAnswering(() => ({ status, information: 4 }));
    using filter = openFilter(device.path);
    const request = encodeIdentifier(set, 0, KSPROPERTY_TYPE.GET);
    const entries = Object.entries(NTSTATUS_TO_WIN32).map(([nt, win32]) => [Number(nt), win32] as const);
    expect(entries.length).toBeGreaterThan(20);
    // RtlNtStatusToDosError's answer for a code it cannot map (learn.microsoft.com: ERROR_MR_MID_NOT_FOUND, 317).
    const unmapped = 0xc0de0016;
    for (const [nt, win32] of [...entries, [unmapped, 317] as const]) {
      status = nt;
      const [kind, value, bytes] = filter.ioctl(IOCTL_KS.PROPERTY, request, Buffer.alloc(8));
      expect([kind, value], statusName(StatusKind.NtStatus, nt)).toEqual([StatusKind.Win32, win32]);
      // A warning (0x8…) carries the driver's Information, as DeviceIoControl's lpBytesReturned does; an error none.
      expect(bytes, statusName(StatusKind.NtStatus, nt)).toBe(nt >>> 30 === 2 ? 4 : 0);
    }
    status = 0;
    expect(filter.ioctl(IOCTL_KS.PROPERTY, request, Buffer.alloc(8))).toEqual([StatusKind.Win32, 0, 4]);
    // And the default mode passes the driver's NTSTATUS on untouched.
    setEmulatorStatusReporting('ntstatus');
    status = 0xc0000230;
    expect(filter.ioctl(IOCTL_KS.PROPERTY, request, Buffer.alloc(8))).toEqual([StatusKind.NtStatus, 0xc0000230, 0]);
  });

  it.runIf(process.env.KS_EMULATOR_STATUSES === 'win32')('is on from the start with KS_EMULATOR_STATUSES=win32', () => {
    expect(kindAtLoad).toBe(StatusKind.Win32);
  });

  it.runIf(!process.env.KS_EMULATOR_STATUSES)('is off by default: NTSTATUS, as the driver models answer', () => {
    expect(kindAtLoad).toBe(StatusKind.NtStatus);
  });

  it('refuses a mode it does not know, naming the allowed ones', () => {
    expect(() => setEmulatorStatusReporting('hresult' as never)).toThrow('mode must be "ntstatus" or "win32", got "hresult"');
  });
});

describe('the library on Win32 statuses', () => {
  it('reads a variable-size property through the size answer DeviceIoControl gives (ERROR_MORE_DATA)', () => {
    using filter = openCapture();
    const request = encodePinProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.DATARANGES, KSPROPERTY_TYPE.GET, 0);
    const [kind, value, size] = filter.ioctl(IOCTL_KS.PROPERTY, request, null);
    expect([kind, value]).toEqual([StatusKind.Win32, 234]); // STATUS_BUFFER_OVERFLOW → ERROR_MORE_DATA, with the size
    expect(size).toBeGreaterThan(8);
    const withWin32 = filter.getProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.DATARANGES, { instance: request.subarray(24) });
    setEmulatorStatusReporting('ntstatus');
    const withNt = filter.getProperty(KSPROPSETID.Pin, KSPROPERTY_PIN.DATARANGES, { instance: request.subarray(24) });
    expect(withWin32.length).toBe(size);
    expect(withWin32.equals(withNt)).toBe(true);
  });

  it('takes ERROR_SET_NOT_FOUND and ERROR_NOT_FOUND as "not supported"', () => {
    using filter = openCapture();
    const absentSet = '{5eb1c0de-0000-4000-8000-0000000000ff}';
    expect(filter.ioctl(IOCTL_KS.PROPERTY, encodeIdentifier(absentSet, 0, KSPROPERTY_TYPE.GET), Buffer.alloc(4)).slice(0, 2)).toEqual([StatusKind.Win32, 1170]);
    expect(filter.supportsSet(absentSet)).toBe(false);
    expect(filter.supports(absentSet, 0)).toBeNull();
    // A known set, an id it lacks: STATUS_NOT_FOUND → ERROR_NOT_FOUND (1168).
    expect(filter.ioctl(IOCTL_KS.PROPERTY, encodeIdentifier(KSPROPSETID.Pin, 999, KSPROPERTY_TYPE.GET), Buffer.alloc(4)).slice(0, 2)).toEqual([StatusKind.Win32, 1168]);
    expect(filter.supports(KSPROPSETID.Pin, 999)).toBeNull();
  });

  it('names a failed create by its Win32 code, as KsCreatePin returns it, with no NTSTATUS', () => {
    using filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    let busy: unknown;
    try {
      filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    } catch (e) {
      busy = e;
    }
    expect(busy).toBeInstanceOf(KsError);
    expect((busy as KsError).code).toBe('ERROR_BUSY'); // STATUS_DEVICE_BUSY → ERROR_BUSY (170)
    expect((busy as KsError).win32).toBe(170);
    expect((busy as KsError).status).toBeUndefined();
    pin.close();
    let refused: unknown;
    try {
      filter.createPin({ pinId: 0, dataFormat: pcmFormat({ channels: 2, sampleRate: 96000, bitsPerSample: 16 }) });
    } catch (e) {
      refused = e;
    }
    expect((refused as KsError).code).toBe('ERROR_NO_MATCH'); // STATUS_NO_MATCH → ERROR_NO_MATCH (1169)
    expect((refused as KsError).win32).toBe(1169);
  });

  it('names a missing device as CreateFile does (ERROR_FILE_NOT_FOUND)', () => {
    let caught: unknown;
    try {
      openFilter('\\\\?\\ROOT#KSEMULATOR#0000#{00000000-0000-0000-0000-000000000000}\\absent', { backend: 'emulator' });
    } catch (e) {
      caught = e;
    }
    expect((caught as KsError).code).toBe('ERROR_FILE_NOT_FOUND');
    expect((caught as KsError).win32).toBe(2);
  });

  it('rejects a request pending at close with ERR_CANCELED, keeping ERROR_OPERATION_ABORTED', async () => {
    using filter = openCapture();
    const allocator = filter.createPin({ pinId: 1, dataFormat: stereo48k() }).createAllocator({ frames: 1, frameSize: 64 });
    await allocator.allocFrame();
    const pending = allocator.allocFrame();
    allocator.close();
    const error = await expectKsRejection(pending, 'ERR_CANCELED');
    expect(error.win32).toBe(995);
  });

  it('captures, and a pin stopped under a running stream ends it without an error (ERROR_BAD_COMMAND is the stop\'s refusal)', async () => {
    using filter = openCapture();
    const pin = filter.createPin({ pinId: 0, dataFormat: stereo48k() });
    setEmulatorPacing(pin, 'unthrottled');
    const stream = pin.frames({ packets: 4, frameSize: 1920 });
    let frames = 0;
    let stoppedAt = -1;
    // An error would be thrown out of this loop.
    for await (const frame of stream) {
      expect(frame.data.length).toBe(1920);
      // Frame n's first sample frame is its index in the stream (the emulator's index signal): n·480.
      expect(Buffer.from(frame.data.buffer, frame.data.byteOffset, 4).readUInt32LE(0)).toBe(frames * 480);
      if (++frames === 20) {
        // Stopped from outside the stream: reads in flight are cancelled (ERROR_OPERATION_ABORTED), and the reads
        // the engine sends after it are refused as a stopped pin refuses them (STATUS_INVALID_DEVICE_STATE →
        // ERROR_BAD_COMMAND). Either ends the stream; neither is an error.
        pin.setState('stop');
        stoppedAt = frames;
      }
    }
    expect(stoppedAt).toBe(20);
    expect(frames).toBeGreaterThanOrEqual(20);
    expect(stream.ended).toBe(true);
  });

  it('lists the camera controls of a device that refuses one with ERROR_INVALID_FUNCTION, leaving that one out', () => {
    // STATUS_INVALID_DEVICE_REQUEST from a driver that has no such control reaches a Windows program as
    // ERROR_INVALID_FUNCTION; the list used to skip only the NTSTATUS name and threw on Windows.
    const refuse = () => ({ status: 0xc0000010 });
    const device = defineVirtualDevice({
      name: 'Refusing Camera',
      categories: ['VIDEO', 'CAPTURE'],
      pins: [{ name: 'Capture', dataFlow: 'out', dataRanges: [] }],
      properties: [{ set: PROPSETID_VIDCAP.VIDEOPROCAMP, id: 0, onGet: refuse, onBasicSupport: refuse }],
    });
    devices.push(device);
    using filter = openFilter(device.path);
    expect(filter.ioctl(IOCTL_KS.PROPERTY, encodeIdentifier(PROPSETID_VIDCAP.VIDEOPROCAMP, 0, KSPROPERTY_TYPE.BASICSUPPORT), null).slice(0, 2)).toEqual([StatusKind.Win32, 1]);
    expect(filter.cameraControls()).toEqual([]);
  });
});
