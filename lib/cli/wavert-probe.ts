/**
 * What `inspect` says of a WaveRT pin: its hardware latency and the modes
 * the library's engine can stream it in, found the way the engine finds
 * them (PortAudio's order): an instance in STOP, KSPROPERTY_RTAUDIO_HWLATENCY,
 * then a buffer with notifications (event mode; a driver that refuses it
 * streams polled only), then KSPROPERTY_RTAUDIO_PACKETCOUNT on that buffer
 * (packet mode, Windows 10 drivers). Polled mode needs only a buffer. The
 * instance is closed again; on Windows an endpoint the audio engine holds
 * cannot be probed, and the report says so.
 */
import { KsError } from '../base/errors';
import { isAbsent } from '../objects/topology';
import { KSPROPERTY_RTAUDIO, KSPROPSETID } from '../structs/constants';
import type { DataFormat } from '../formats/data-format';
import type { KsFilter, PinFactoryInfo } from '../objects/filter';
import type { HwLatency } from '../objects/wavert-properties';
import type { WaveRtMode } from '../streaming/wavert-options';

export interface WaveRtProbe {
  hwLatency: HwLatency | null;
  modes: WaveRtMode[];
  /** Why the pin could not be probed (in use, a refused format), when it could not. */
  error?: string;
}

/** KSRTAUDIO_BUFFER_PROPERTY(_WITH_NOTIFICATION) past its KSPROPERTY: BaseAddress 0, RequestedBufferSize, NotificationCount. */
function bufferRequest(bytes: number, notificationCount: number): Buffer {
  const request = Buffer.alloc(16);
  request.writeUInt32LE(bytes, 8);
  request.writeUInt32LE(notificationCount, 12);
  return request;
}

export function probeWaveRt(filter: KsFilter, pin: PinFactoryInfo, format: DataFormat): WaveRtProbe {
  const wave = format.wave;
  let instance;
  try {
    instance = filter.createPin({ pinId: pin.pinId, dataFormat: format });
  } catch (e) {
    const inUse = e instanceof KsError && e.details?.reason === 'in-use';
    return { hwLatency: null, modes: [], error: inUse ? `in use (${e.message})` : e instanceof KsError ? `${e.code}: ${e.message}` : String(e) };
  }
  try {
    let hwLatency: HwLatency | null = null;
    try {
      hwLatency = instance.hwLatency();
    } catch (e) {
      if (!isAbsent(e)) throw e;
    }
    // 10 ms, as the engine's default latency.
    const bytes = wave ? Math.round(wave.sampleRate / 100) * wave.blockAlign : 1920;
    const modes: WaveRtMode[] = [];
    try {
      instance.getProperty(KSPROPSETID.RtAudio, KSPROPERTY_RTAUDIO.BUFFER_WITH_NOTIFICATION, { instance: bufferRequest(bytes, 2), size: 16 });
      modes.push('event');
      try {
        instance.packetCount();
        modes.push('packet');
      } catch (e) {
        if (!(e instanceof KsError)) throw e;
      }
    } catch (e) {
      if (!(e instanceof KsError)) throw e;
    }
    modes.push('polled');
    return { hwLatency, modes };
  } catch (e) {
    return { hwLatency: null, modes: [], error: e instanceof KsError ? `${e.code}: ${e.message}` : String(e) };
  } finally {
    instance.close();
  }
}
