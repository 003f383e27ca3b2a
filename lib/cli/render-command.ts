/** `kernel-streaming render`: plays a PCM or float WAV file to a render pin. */
import { openFilter } from '../objects/filter';
import { pcmFormat } from '../formats/audio-format';
import { emulatorWaveRtStats, setEmulatorPacing } from '../emulator/controls';
import type { DeviceInfo } from '../objects/devices';
import { readWav } from '../media/wav';
import { asExtensible, isWaveRtPin, streamingPin, type StreamOutput } from './capture-command';
import type { WaveRtOptions } from '../streaming/wavert-options';

export async function render(device: DeviceInfo, file: string, options: { pin?: number; unthrottled?: boolean; waveRt?: WaveRtOptions }, io: StreamOutput): Promise<number> {
  const { wave, data } = readWav(file);
  using filter = openFilter(device.path, { backend: device.backend });
  const info = streamingPin(filter, 'in', options.pin);
  // More than 2 channels, more than 16 bits or float samples become WAVEFORMATEXTENSIBLE, as drivers expect;
  // WaveRT pins take nothing else.
  const format = isWaveRtPin(info) ? asExtensible(pcmFormat(wave)) : pcmFormat(wave);
  using pin = filter.createPin({ pinId: info.pinId, dataFormat: format });
  if (pin.waveRt) {
    // The WaveRT engine plays the file from its ring; end of stream waits until it is played.
    const started = process.hrtime.bigint();
    await pin.write(data, { endOfStream: true, waveRt: options.waveRt });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // What the engine saw, on any device: underruns are audio the device played before it was written.
    const engine = pin.waveRtRenderStats;
    const underruns = engine ? `, ${engine.underruns} underruns (the device reached audio not yet written)` : '';
    // An emulated endpoint counts what its DMA met unwritten: say it, as a real device cannot.
    const played = device.emulated ? emulatorWaveRtStats(pin) : undefined;
    const endpoint = played ? `; the emulated endpoint played ${played.bytes} bytes with ${played.glitches} glitches` : '';
    io.err(
      `rendered ${data.length / format.wave!.blockAlign} sample frames (${(data.length / format.wave!.avgBytesPerSec).toFixed(3)} s) to a WaveRT pin in ${pin.streamingKind.slice(7)} mode, in ${seconds.toFixed(3)} s${underruns}${endpoint}`,
    );
    return 0;
  }
  if (options.unthrottled && device.emulated) setEmulatorPacing(pin, 'unthrottled');
  const blockAlign = format.wave!.blockAlign;
  // 10 ms packets of whole sample frames, eight in flight.
  const packet = Math.max(1, Math.round(wave.sampleRate / 100)) * blockAlign;
  const started = process.hrtime.bigint();
  pin.start();
  const inFlight: Promise<void>[] = [];
  let packets = 0;
  for (let offset = 0; offset < data.length; offset += packet) {
    inFlight.push(pin.write(data.subarray(offset, Math.min(data.length, offset + packet))));
    packets++;
    if (inFlight.length >= 8) await inFlight.shift();
    if (packets % 10 === 0) io.progress?.(`rendering: ${packets} packets, ${Math.min(data.length, offset + packet)} of ${data.length} bytes`);
  }
  await Promise.all(inFlight);
  await pin.write(Buffer.alloc(0), { endOfStream: true });
  pin.stop();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  io.progress?.('');
  const kind = wave.float ? 'float' : 'PCM';
  io.err(
    `rendered ${data.length / blockAlign} sample frames (${(data.length / format.wave!.avgBytesPerSec).toFixed(3)} s of ${wave.sampleRate} Hz ${wave.channels}-channel ${wave.bitsPerSample}-bit ${kind} audio), ` +
      `${data.length} bytes in ${packets} packets, in ${seconds.toFixed(3)} s`,
  );
  return 0;
}
