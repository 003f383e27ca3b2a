// Every call on a closed handle is ERR_CLOSED, and its message names the call as the device's own errors do (the
// property, method or operation) and the kind of handle: "get KSPROPERTY_CONNECTION_STATE: the pin is closed", not the
// generic "ioctl" the request would have gone through. Closing is the user's act; the error should point at the line
// that used the handle after it.
import { afterEach, describe, expect, it } from 'vitest';
import { KsError, extensibleFormat, openFilter, openHandleCount, type KsFilter } from '../lib/index';
import { openCapture, stereo48k } from './helpers';
import { emulatedDevicePath, openCamera, openRender, MUTE_NODE, RENDER_PIN, VOLUME_NODE } from './emulated-devices';
import { testBackend } from './test-backend';

const SET = '{5A5A5A5A-1111-2222-3333-666666666666}';
const open: KsFilter[] = [];
const keep = (f: KsFilter): KsFilter => (open.push(f), f);
afterEach(() => {
  for (const f of open.splice(0)) f.close();
  expect(openHandleCount()).toBe(0);
});

/** Each call throws (or rejects with) ERR_CLOSED, whose message is exactly `message`. */
async function expectClosed(calls: Record<string, [() => unknown, string]>): Promise<void> {
  const wrong: string[] = [];
  for (const [name, [call, message]] of Object.entries(calls)) {
    let caught: unknown;
    try {
      await call();
    } catch (e) {
      caught = e;
    }
    if (!(caught instanceof KsError) || caught.code !== 'ERR_CLOSED' || caught.message !== message) {
      wrong.push(`${name}: ${caught instanceof Error ? `${(caught as KsError).code} ${caught.message}` : 'no error'}, expected "${message}"`);
    }
  }
  expect(wrong).toEqual([]);
}

describe('a closed handle names the call that used it', () => {
  it('filters', async () => {
    const capture = keep(openCapture());
    const render = keep(openRender());
    const camera = keep(openCamera());
    for (const f of [capture, render, camera]) f.close();
    await expectClosed({
      pinCount: [() => capture.pinCount(), 'get KSPROPERTY_PIN_CTYPES: the filter is closed'],
      pins: [() => capture.pins(), 'get KSPROPERTY_PIN_CTYPES: the filter is closed'],
      pinInfo: [() => capture.pinInfo(0), 'get KSPROPERTY_PIN_DATAFLOW of pin 0: the filter is closed'],
      intersect: [() => capture.intersect(0), 'get KSPROPERTY_PIN_DATARANGES of pin 0: the filter is closed'],
      'intersect with ranges': [() => capture.intersect(0, []), 'get KSPROPERTY_PIN_DATAINTERSECTION: the filter is closed'],
      proposeDataFormat: [() => capture.proposeDataFormat(0, stereo48k()), 'set KSPROPERTY_PIN_PROPOSEDATAFORMAT: the filter is closed'],
      topology: [() => capture.topology(), 'get topology: the filter is closed'],
      componentId: [() => capture.componentId(), 'get KSPROPERTY_GENERAL_COMPONENTID: the filter is closed'],
      createClock: [() => capture.createClock(), 'create clock: the filter is closed'],
      createNode: [() => render.createNode(VOLUME_NODE), 'create topology node: the filter is closed'],
      createPin: [() => capture.createPin({ pinId: 0, dataFormat: stereo48k() }), 'create pin: the filter is closed'],
      'createPin without a format': [() => capture.createPin({ pinId: 0 }), 'create pin: the filter is closed'],
      nodeVolume: [() => render.nodeVolume(VOLUME_NODE, 0), 'get KSPROPERTY_AUDIO_VOLUMELEVEL on node 0 channel 0: the filter is closed'],
      setNodeVolume: [() => render.setNodeVolume(VOLUME_NODE, 0, -6), 'set node volume: the filter is closed'],
      nodeMute: [() => render.nodeMute(MUTE_NODE, 0), 'get KSPROPERTY_AUDIO_MUTE on node 1 channel 0: the filter is closed'],
      setNodeMute: [() => render.setNodeMute(MUTE_NODE, 0, true), 'set node mute: the filter is closed'],
      cameraControls: [() => camera.cameraControls(), 'list camera controls: the filter is closed'],
      cameraControl: [() => camera.cameraControl('brightness'), 'get camera control: the filter is closed'],
      setCameraControl: [() => camera.setCameraControl('brightness', 1), 'set camera control: the filter is closed'],
      getProperty: [() => capture.getProperty(SET, 1), `get ${SET} id 1: the filter is closed`],
      setProperty: [() => capture.setProperty(SET, 1, Buffer.alloc(4)), `set ${SET} id 1: the filter is closed`],
      supportsSet: [() => capture.supportsSet(SET), `query support of property set ${SET}: the filter is closed`],
      supports: [() => capture.supports(SET, 1), `query support of ${SET} id 1: the filter is closed`],
      invokeMethod: [() => capture.invokeMethod(SET, 1, null), `invoke method ${SET} id 1: the filter is closed`],
    });
  });

  it('pins, their clocks, allocators and nodes', async () => {
    const capture = keep(openCapture());
    const render = keep(openRender());
    const pin = capture.createPin({ pinId: 0, dataFormat: stereo48k() });
    const clock = pin.createClock();
    const allocator = pin.createAllocator({ frames: 2, frameSize: 64 });
    const renderPin = render.createPin({ pinId: RENDER_PIN, dataFormat: stereo48k() });
    const node = render.createNode(VOLUME_NODE);
    for (const h of [allocator, clock, node, pin, renderPin]) h.close();
    await expectClosed({
      allocatorFraming: [() => pin.allocatorFraming(), 'get KSPROPERTY_CONNECTION_ALLOCATORFRAMING: the pin is closed'],
      allocatorFramingEx: [() => pin.allocatorFramingEx(), 'get KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX: the pin is closed'],
      captureFraming: [() => pin.captureFraming(), 'get KSPROPERTY_CONNECTION_ALLOCATORFRAMING_EX: the pin is closed'],
      currentDataFormat: [() => pin.currentDataFormat(), 'get KSPROPERTY_CONNECTION_DATAFORMAT: the pin is closed'],
      streamHeaderSize: [() => pin.streamHeaderSize(), 'get KSPROPSETID_StreamInterface id 0: the pin is closed'],
      createAllocator: [() => pin.createAllocator({ frames: 1, frameSize: 1 }), 'create allocator: the pin is closed'],
      setAllocator: [() => pin.setAllocator(null), 'set allocator: the pin is closed'],
      createClock: [() => pin.createClock(), 'create clock: the pin is closed'],
      setMasterClock: [() => pin.setMasterClock(null), 'set master clock: the pin is closed'],
      onEndOfStream: [() => pin.onEndOfStream(() => {}), 'enable event: the pin is closed'],
      state: [() => pin.state(), 'get KSPROPERTY_CONNECTION_STATE: the pin is closed'],
      setState: [() => pin.setState('pause'), 'set pin state: the pin is closed'],
      start: [() => pin.start(), 'set pin state: the pin is closed'],
      stop: [() => pin.stop(), 'set pin state: the pin is closed'],
      frames: [() => pin.frames(), 'read frames: the pin is closed'],
      readable: [() => pin.readable(), 'read frames: the pin is closed'],
      write: [() => renderPin.write(Buffer.alloc(4)), 'write frame: the pin is closed'],
      'write, zero-copy': [() => renderPin.write(Buffer.alloc(4), { zeroCopy: true }), 'write frame: the pin is closed'],
      writer: [() => renderPin.writer(), 'write frames: the pin is closed'],
      'clock time': [() => clock.time(), 'get KSPROPERTY_CLOCK_TIME: the clock is closed'],
      'clock physicalTime': [() => clock.physicalTime(), 'get KSPROPERTY_CLOCK_PHYSICALTIME: the clock is closed'],
      'clock correlatedTime': [() => clock.correlatedTime(), 'get KSPROPERTY_CLOCK_CORRELATEDTIME: the clock is closed'],
      'clock correlatedPhysicalTime': [() => clock.correlatedPhysicalTime(), 'get KSPROPERTY_CLOCK_CORRELATEDPHYSICALTIME: the clock is closed'],
      'clock resolution': [() => clock.resolution(), 'get KSPROPERTY_CLOCK_RESOLUTION: the clock is closed'],
      'clock state': [() => clock.state(), 'get KSPROPERTY_CLOCK_STATE: the clock is closed'],
      'clock onIntervalMark': [() => clock.onIntervalMark(10n, () => {}), 'enable event: the clock is closed'],
      'clock onPositionMark': [() => clock.onPositionMark(10n, () => {}), 'enable event: the clock is closed'],
      'allocator status': [() => allocator.status(), 'get KSPROPERTY_STREAMALLOCATOR_STATUS: the allocator is closed'],
      'allocator allocFrame': [() => allocator.allocFrame(), 'invoke method KSMETHODSETID_StreamAllocator id 0: the allocator is closed'],
      'allocator freeFrame': [() => allocator.freeFrame(1n), 'invoke method KSMETHODSETID_StreamAllocator id 1: the allocator is closed'],
      'node getProperty': [() => node.getProperty(SET, 1), `get ${SET} id 1: the node is closed`],
    });
  });

  it('WaveRT pins', async () => {
    const speakers = keep(openFilter(emulatedDevicePath('KS Emulator WaveRT Speakers'), { backend: testBackend() }));
    const pin = speakers.createPin({ pinId: 0, dataFormat: extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 }) });
    pin.close();
    await expectClosed({
      hwLatency: [() => pin.hwLatency(), 'get hardware latency: the pin is closed'],
      presentationPosition: [() => pin.presentationPosition(), 'get presentation position: the pin is closed'],
      packetCount: [() => pin.packetCount(), 'get packet count: the pin is closed'],
      write: [() => pin.write(Buffer.alloc(4)), 'write frame: the pin is closed'],
    });
  });
});
