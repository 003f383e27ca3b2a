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
//   is counted too (on Windows that work is the hardware's), so the row also
//   splits it by thread (Linux /proc/self/task/*/schedstat): the library's
//   WaveRT thread, the emulated DMA, and the rest (JavaScript, libuv). What a
//   Windows user would see is the process less the emulated DMA (the
//   "library" figure). Baseline in the same run: the floor, a real-time
//   thread that does nothing but wait on the backend's event while another
//   signals it at the rate the engine's thread was woken in the run (its
//   voluntary context switches; nominally 200/s in event and packet mode, 2
//   notifications per 10 ms buffer, and up to 1,000/s polled), so the
//   engine thread's figure reads as a multiple of what any thread woken that
//   often costs on the machine. Polled mode's floor is a thread whose waits
//   time out every millisecond (nobody signals it), as the polled engine's do.
//   And the engine thread's CPU inside its passes alone (its own work:
//   position, copy, waking JavaScript), from ThreadCpuNs around each pass:
//   what is left of the thread's figure is waiting and being woken.
// - position-to-JavaScript latency: from the engine publishing a slot (just
//   after it read the position or packet and copied the audio out) to the
//   frame reaching the `for await` loop, p50 and p99, in the CPU run.
'use strict';
const fs = require('fs');
const ks = require('../dist');
const { native } = require('../dist/addon/binding');
const { nativeIdOf } = require('../dist/objects/handle');

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

/**
 * CPU time (ns) and voluntary context switches (each one a wait that ended
 * in a wake-up) per thread name of this process, from /proc (Linux only; {}
 * elsewhere): the library's WaveRT thread is "ks-wavert", the emulator's
 * modelled DMA "ks-emu-dma" (native/realtime_thread.h names them).
 */
function threadStats() {
  const out = {};
  let tids = [];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const name = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const ns = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const waits = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(fs.readFileSync(`/proc/self/task/${tid}/status`, 'utf8'))?.[1] ?? 0);
      const entry = (out[name] ??= { ns: 0, waits: 0 });
      entry.ns += ns;
      entry.waits += waits;
    } catch {
      // the thread ended while we looked
    }
  }
  return out;
}

async function captureFor(pin, mode, seconds, onFrame, beforeClose) {
  const stream = pin.frames({ ...DEVICE, mode, packets: 32, frameSize: 1920 });
  const deadline = performance.now() + seconds * 1000;
  let frames = 0;
  for await (const frame of stream) {
    frames++;
    if (onFrame) onFrame(frame);
    if (performance.now() >= deadline) {
      // Leaving the loop ends the stream and its thread: look at the threads first.
      if (beforeClose) beforeClose(stream);
      break;
    }
  }
  const result = { frames, overruns: stream.overruns, dropped: stream.dropped, mode: pin.streamingKind, timing: stream.engineTiming };
  stream.close();
  result.dma = jsonSafe(ks.emulatorWaveRtStats(pin));
  return result;
}

/** The stats with the checksum (a bigint, which bench/results.json cannot hold) as hex. */
function jsonSafe(stats) {
  return { ...stats, checksum: stats.checksum.toString(16) };
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
  return { written, played: stats.bytes, glitches: stats.glitches, mode: pin.streamingKind, dma: jsonSafe(stats), engine: pin.waveRtRenderStats };
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
    const threadsBefore = threadStats();
    let threadsAfter = {};
    let passCpuMs = NaN;
    const started = performance.now();
    const capture = await captureFor(
      mic.pin,
      mode,
      seconds,
      (frame) => {
        samples.push((Number(process.hrtime.bigint()) - frame.completedAtNs) / 1000);
      },
      (stream) => {
        threadsAfter = threadStats();
        passCpuMs = stream.enginePassCpuMs;
      },
    );
    const wall = (performance.now() - started) / 1000;
    const used = process.cpuUsage(before);
    const audioSeconds = (capture.frames * 1920) / 192000;
    const threadPercent = (name) => (threadsAfter[name] === undefined ? NaN : ((threadsAfter[name].ns - (threadsBefore[name]?.ns ?? 0)) / 1e9 / audioSeconds) * 100);
    // How often the engine's thread was woken (its waits), measured: the floor runs at that rate.
    const engineWaits = threadsAfter['ks-wavert'] === undefined ? NaN : threadsAfter['ks-wavert'].waits - (threadsBefore['ks-wavert']?.waits ?? 0);
    // The floor, at the rate the engine's thread was woken (else the mode's nominal rate).
    const wakesPerSecond = Number.isFinite(engineWaits) && engineWaits > 0 ? engineWaits / wall : mode === 'polled' ? 1000 : 200;
    const [wakes, waiterNs, , floorSeconds] = native.measureWakeCost(nativeIdOf(mic.pin, 'measure wake cost'), Math.max(100, Math.round(1e6 / wakesPerSecond)), Math.round(seconds * 1000), mode !== 'polled');
    samples.splice(0, 10); // start-up
    samples.sort((a, b) => a - b);
    const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
    return {
      mode,
      audioSeconds,
      wallSeconds: wall,
      cpuPercentOfCore: ((used.user + used.system) / 1e6 / audioSeconds) * 100,
      // What would run on Windows, where the DMA is the hardware's: the process less the emulated DMA.
      libraryPercent: ((used.user + used.system) / 1e6 / audioSeconds) * 100 - threadPercent('ks-emu-dma'),
      floor: { wakesPerSecond, wakes, percent: (waiterNs / 1e9 / floorSeconds) * 100 },
      // Of that: the library's WaveRT thread, and the emulator's DMA (hardware on Windows).
      engineThreadPercent: threadPercent('ks-wavert'),
      // Of the engine thread's time, its passes alone (the engine's own work; the rest is waiting and being woken).
      enginePassPercent: (passCpuMs / 1000 / audioSeconds) * 100,
      emulatedDmaPercent: threadPercent('ks-emu-dma'),
      latency: { p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1], frames: samples.length },
      overruns: capture.overruns,
      timing: capture.timing,
      dma: capture.dma,
    };
  } finally {
    mic.pin.close();
    mic.filter.close();
  }
}

/**
 * Who was late when a glitch came (docs/benchmarks.md, "WaveRT"): the
 * engine's thread (passes after a stall longer than the buffer's headroom,
 * CaptureStream.engineTiming) or the emulated DMA's (steps more than 2 ms
 * apart, emulatorWaveRtStats). A glitch in an on-time pass of the engine
 * with the DMA on time would be the library's own.
 */
function timingLine(capture, label) {
  const t = capture.timing;
  return `${label}: ${t.overrunsAfterStall} of ${capture.overruns} overruns after a stall of the engine's thread (${t.stalls} stalls, longest gap ${t.longestGapMs.toFixed(1)} ms); emulated DMA ${capture.dma.lateSteps} late steps, longest ${capture.dma.longestStepMs.toFixed(1)} ms`;
}
function dmaLine(dma, label) {
  return `${label}: ${dma.glitchesInLateSteps} of ${dma.glitches} glitches in late steps of the emulated DMA (${dma.lateSteps} late steps, longest ${dma.longestStepMs.toFixed(1)} ms)`;
}

function renderEngineLine(e) {
  return `the engine saw ${e.underruns} underruns, ${e.underrunsAfterStall} after a stall of its thread (${e.stalls} stalls, longest gap ${e.longestGapMs.toFixed(1)} ms)`;
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
    console.log(`         ${timingLine(r.capture, 'capture')}`);
    console.log(`         ${dmaLine(r.render.dma, 'render')}; ${renderEngineLine(r.render.engine)}`);
  }
  for (const mode of ['event', 'polled', 'packet']) {
    const r = await cpuAndLatency(mode, cpuSeconds);
    results.cpu.push(r);
    console.log(
      `  ${mode.padEnd(6)} capture alone, ${fmt(r.audioSeconds, 1)} s: library CPU ${fmt(r.libraryPercent, 2)} % of a core per second of audio ` +
        `(process ${fmt(r.cpuPercentOfCore, 2)} % less the emulated DMA ${fmt(r.emulatedDmaPercent, 2)} %; of it the WaveRT thread ${fmt(r.engineThreadPercent, 2)} % = ` +
        `${fmt(r.engineThreadPercent / r.floor.percent, 1)}× the floor, a thread woken ${fmt(r.floor.wakesPerSecond)}/s doing nothing: ${fmt(r.floor.percent, 2)} %, ` +
        `and inside its passes, waits left out, ${fmt(r.enginePassPercent, 2)} %; JavaScript and the rest the remainder); ` +
        `publish-to-JavaScript latency p50 ${fmt(r.latency.p50, 1)} µs, p99 ${fmt(r.latency.p99, 1)} µs, max ${fmt(r.latency.max, 1)} µs (${r.latency.frames} frames); ${r.overruns} overruns`,
    );
    console.log(`         ${timingLine(r, 'capture')}`);
  }
  return results;
}

module.exports = { runWaveRt };
