// WaveRT rows of `npm run bench` (BENCH_ONLY=wavert for these alone), on the
// emulator's WaveRT endpoints, which run in real time (the modelled DMA
// follows the wall clock; there is no unthrottled WaveRT). 48 kHz stereo
// 16-bit, a 10 ms device buffer as 2 × 5 ms packets (latencyMs 10,
// notificationCount 2), in each mode:
//
// - glitches while JavaScript is blocked 20 ms every 100 ms, for
//   BENCH_WAVERT_SECONDS (default 60) with capture and render running at
//   once (full duplex). JavaScript's pauses are absorbed by the JavaScript-
//   side rings, sized by documented options: capture `packets` × `frameSize`
//   (here 32 × 10 ms = 320 ms), render `ringMs` (here the default 500 ms).
//   Counted: capture overruns (the device overwrote audio before the engine
//   read it: CaptureStream.overruns), capture packets dropped because
//   JavaScript held every slot (CaptureStream.dropped), and the render
//   endpoint's glitches (the modelled DMA met bytes nobody wrote:
//   emulatorWaveRtStats). Targets: 0 each.
// - process CPU per second of audio, capture alone with an idle JavaScript
//   loop consuming frames (no blocking, which itself burns a core while it
//   spins), for BENCH_WAVERT_CPU_SECONDS (default 10). Target ≤ 1 % of a core.
//   The emulator's own DMA thread (a 1 ms tick) runs in the same process and
//   is counted too: on Windows that work is the hardware's.
// - position-to-JavaScript latency: from the engine publishing a slot (just
//   after it read the position or packet and copied the audio out) to the
//   frame reaching the `for await` loop, p50 and p99, in the CPU run.
'use strict';
const ks = require('../dist');

const FORMAT = () => ks.extensibleFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
const BLOCK_MS = 20;
const EVERY_MS = 100;
const DEVICE = { latencyMs: 10, notificationCount: 2 };

function openEndpoint(name) {
  const device = ks.listDevices({ category: 'REALTIME', backend: 'emulator' }).find((d) => d.friendlyName === name);
  if (!device) throw new Error(`no emulated device named ${name}`);
  const filter = ks.openFilter(device.path, { backend: 'emulator' });
  const pin = filter.createPin({ pinId: 0, dataFormat: FORMAT() });
  return { filter, pin };
}

async function captureFor(pin, mode, seconds, onFrame) {
  const stream = pin.frames({ ...DEVICE, mode, packets: 32, frameSize: 1920 });
  const deadline = performance.now() + seconds * 1000;
  let frames = 0;
  for await (const frame of stream) {
    frames++;
    if (onFrame) onFrame(frame);
    if (performance.now() >= deadline) break;
  }
  // Read before the stream's end takes the counters with it.
  const result = { frames, overruns: stream.overruns, dropped: stream.dropped, mode: pin.streamingKind };
  stream.close();
  return result;
}

async function renderFor(pin, mode, seconds) {
  const chunk = Buffer.alloc(1920);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7) & 0xff;
  const deadline = performance.now() + seconds * 1000;
  let written = 0;
  while (performance.now() < deadline) {
    await pin.write(chunk, { waveRt: { ...DEVICE, mode } });
    written += chunk.length;
  }
  await pin.write(Buffer.alloc(0), { endOfStream: true, waveRt: { ...DEVICE, mode } });
  const stats = ks.emulatorWaveRtStats(pin);
  return { written, played: stats.bytes, glitches: stats.glitches, mode: pin.streamingKind };
}

/** Full duplex for `seconds` with the JavaScript thread blocked BLOCK_MS every EVERY_MS. */
async function glitchesWhileBlocked(mode, seconds) {
  const mic = openEndpoint('KS Emulator WaveRT Microphone');
  const speakers = openEndpoint('KS Emulator WaveRT Speakers');
  const blocker = setInterval(() => {
    const until = performance.now() + BLOCK_MS;
    while (performance.now() < until);
  }, EVERY_MS);
  try {
    const [capture, render] = await Promise.all([captureFor(mic.pin, mode, seconds), renderFor(speakers.pin, mode, seconds)]);
    return { mode, seconds, capture, render };
  } finally {
    clearInterval(blocker);
    for (const e of [mic, speakers]) {
      e.pin.close();
      e.filter.close();
    }
  }
}

/** Capture alone, idle loop: CPU per second of audio and publish-to-JavaScript latency. */
async function cpuAndLatency(mode, seconds) {
  const mic = openEndpoint('KS Emulator WaveRT Microphone');
  const samples = [];
  try {
    const before = process.cpuUsage();
    const started = performance.now();
    const capture = await captureFor(mic.pin, mode, seconds, (frame) => {
      samples.push((Number(process.hrtime.bigint()) - frame.completedAtNs) / 1000);
    });
    const wall = (performance.now() - started) / 1000;
    const used = process.cpuUsage(before);
    const audioSeconds = (capture.frames * 1920) / 192000;
    samples.splice(0, 10); // start-up
    samples.sort((a, b) => a - b);
    const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
    return {
      mode,
      audioSeconds,
      wallSeconds: wall,
      cpuPercentOfCore: ((used.user + used.system) / 1e6 / audioSeconds) * 100,
      latency: { p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1], frames: samples.length },
      overruns: capture.overruns,
    };
  } finally {
    mic.pin.close();
    mic.filter.close();
  }
}

async function runWaveRt(fmt) {
  const seconds = Number(process.env.BENCH_WAVERT_SECONDS || 60);
  const cpuSeconds = Number(process.env.BENCH_WAVERT_CPU_SECONDS || 10);
  const results = { blocked: [], cpu: [] };
  console.log('');
  console.log(
    `WaveRT (emulated endpoints, real time), 48 kHz stereo 16-bit, 10 ms buffer as 2 × 5 ms packets; JavaScript rings: capture 32 × 10 ms, render ringMs 500`,
  );
  for (const mode of ['event', 'polled', 'packet']) {
    const r = await glitchesWhileBlocked(mode, seconds);
    results.blocked.push(r);
    console.log(
      `  ${mode.padEnd(6)} ${fmt(seconds)} s full duplex, JavaScript blocked ${BLOCK_MS} ms every ${EVERY_MS} ms: ` +
        `capture ${r.capture.overruns} overruns, ${r.capture.dropped} packets dropped (${fmt(r.capture.frames)} packets, ${r.capture.mode}); ` +
        `render ${r.render.glitches} glitches (${fmt(r.render.written / 192000, 1)} s written, ${r.render.mode})`,
    );
  }
  for (const mode of ['event', 'polled', 'packet']) {
    const r = await cpuAndLatency(mode, cpuSeconds);
    results.cpu.push(r);
    console.log(
      `  ${mode.padEnd(6)} capture alone, ${fmt(r.audioSeconds, 1)} s: process CPU ${fmt(r.cpuPercentOfCore, 2)} % of a core per second of audio; ` +
        `publish-to-JavaScript latency p50 ${fmt(r.latency.p50, 1)} µs, p99 ${fmt(r.latency.p99, 1)} µs, max ${fmt(r.latency.max, 1)} µs (${r.latency.frames} frames); ${r.overruns} overruns`,
    );
  }
  return results;
}

module.exports = { runWaveRt };
