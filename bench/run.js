#!/usr/bin/env node
// Streaming benchmarks on the unthrottled emulator (`npm run bench`). Every
// row is measured in this one run, against baselines measured in the same run:
//   - the same engine consumed by a C++ loop with no JavaScript (the limit);
//   - Node's own fs.read from /dev/zero (fs.write to /dev/null) of the same size.
// Prints a table and writes bench/results.json. Set BENCH_SECONDS to lengthen
// each measurement (default 1 s) and BENCH_RUNS for the repetitions (default 5).
//
// The machine is shared and small, so one measurement says little: each row
// first runs every lane once unmeasured (JIT, page faults in a fresh pool),
// then repeats the lanes alternately, JS then C++ then fs, so a burst of
// outside load hits all of them alike, and reports the median of each lane
// with the range. Both streaming lanes use the same pool and alignment.
// BENCH_ONLY=capture|render|underruns|latency|steady|wavert restricts the run to one part (bench/wavert.js
// says what the WaveRT rows measure; they run in real time, about four minutes).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { PerformanceObserver, constants: perfConstants } = require('perf_hooks');
const ks = require('../dist');
// The engine with no JavaScript in the loop: a benchmark hook, not part of the package's API.
const { measureNativeLoop } = require('../dist/streaming/native-loop');
const { runWaveRt } = require('./wavert');

const SECONDS = Number(process.env.BENCH_SECONDS || 1);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS || 5));
const WARMUP_SECONDS = 0.3;
// The capture option spinMicroseconds (default 0) for an extra JS lane and
// latency run: JavaScript polls for frames that long before it sleeps.
// BENCH_SPIN=0 leaves them out.
const SPIN = Number(process.env.BENCH_SPIN ?? 50);
const ONLY = process.env.BENCH_ONLY || '';
const wants = (part) => !ONLY || ONLY.split(',').includes(part);
const KiB = 1024;
const MiB = 1024 * KiB;

function openPins() {
  const capture = ks.listDevices({ category: 'CAPTURE', backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator Audio Capture');
  const render = ks.listDevices({ category: 'RENDER', backend: 'emulator' }).find((d) => d.friendlyName === 'KS Emulator Audio Render');
  const format = ks.pcmFormat({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
  const captureFilter = ks.openFilter(capture.path);
  const capturePin = captureFilter.createPin({ pinId: 0, dataFormat: format });
  // The tone, a copy from a table, rather than the index signal the tests
  // check bytes with (generated frame by frame): the throughput rows measure
  // the library against a device that costs as little as the emulator can
  // make it, as DMA hardware costs the CPU nothing.
  ks.setEmulatorCaptureSignal(capturePin, 'tone');
  let renderFilter = null;
  let renderPin = null;
  if (render) {
    renderFilter = ks.openFilter(render.path);
    const pinId = renderFilter.pins().findIndex((p) => p.dataFlow === 'in' && p.communication !== 'bridge' && p.communication !== 'none');
    renderPin = renderFilter.createPin({ pinId, dataFormat: format });
  }
  return { captureFilter, capturePin, renderFilter, renderPin };
}

// ---- Capture -----------------------------------------------------------------

async function captureJs(pin, frameSize, packets, seconds, spinMicroseconds = 0) {
  ks.setEmulatorPacing(pin, 'unthrottled');
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let frames = 0;
  let bytes = 0;
  const stream = pin.frames({ packets, frameSize, alignment: 64, spinMicroseconds });
  for await (const frame of stream) {
    bytes += frame.dataUsed;
    // Checking the clock every frame would dominate at 4 KiB.
    if ((++frames & 1023) === 0 && process.hrtime.bigint() >= deadline) break;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const stats = stream.engineStats;
  return { frames: frames / elapsed, bytes: bytes / elapsed, stats: { ...stats, perFrame: { wakeups: stats.wakeups / frames, kicks: stats.kicks / frames, starved: stats.starved / frames } } };
}

// The limit: the same engine with no JavaScript in the loop.
function nativeLoop(pin, write, frameSize, packets, seconds) {
  ks.setEmulatorPacing(pin, 'unthrottled');
  pin.setState('run');
  const r = measureNativeLoop(pin, { write, packets, frameSize, alignment: 64, milliseconds: Math.round(seconds * 1000) });
  pin.setState('stop');
  return { frames: r.frames / r.seconds, bytes: r.bytes / r.seconds };
}

function fsBaseline(file, flags, size, inFlight, seconds, write) {
  return new Promise((resolve) => {
    const fd = fs.openSync(file, flags);
    const buffers = Array.from({ length: inFlight }, () => Buffer.alloc(size));
    const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
    const start = process.hrtime.bigint();
    let frames = 0;
    let active = inFlight;
    const issue = (buffer) => {
      const done = (err, n) => {
        if (err) throw err;
        frames++;
        if ((frames & 255) === 0 && process.hrtime.bigint() >= deadline) {
          if (--active === 0) {
            const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
            fs.closeSync(fd);
            resolve({ frames: frames / elapsed, bytes: (frames * size) / elapsed });
          }
          return;
        }
        issue(buffer);
      };
      if (write) fs.write(fd, buffer, 0, size, null, done);
      else fs.read(fd, buffer, 0, size, null, done);
    };
    buffers.forEach(issue);
  });
}

// ---- Render ------------------------------------------------------------------

// The render engine, filling slots in place (pin.writer(), packet(), submit()):
// JavaScript touches each packet as a producer would, and the engine keeps
// them queued with the device.
async function renderJs(pin, frameSize, packets, seconds) {
  ks.setEmulatorPacing(pin, 'unthrottled');
  const stream = pin.writer({ packets, frameSize, alignment: 64, prime: 1 });
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let frames = 0;
  for (;;) {
    const packet = stream.tryPacket() ?? (await stream.packet());
    packet.data[0] = frames & 0xff;
    packet.submit(frameSize);
    if ((++frames & 1023) === 0 && process.hrtime.bigint() >= deadline) break;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const stats = stream.engineStats;
  stream.close();
  pin.setState('stop');
  return { frames: frames / elapsed, bytes: (frames * frameSize) / elapsed, stats: { ...stats, perFrame: { wakeups: stats.wakeups / frames, kicks: stats.kicks / frames, underruns: stats.underruns / frames } } };
}

// The same engine through write(): one copy per packet from the caller's buffer.
async function renderJsCopy(pin, frameSize, packets, seconds) {
  ks.setEmulatorPacing(pin, 'unthrottled');
  const stream = pin.writer({ packets, frameSize, alignment: 64, prime: 1 });
  const source = Buffer.alloc(frameSize, 1);
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let frames = 0;
  for (;;) {
    await stream.write(source);
    if ((++frames & 1023) === 0 && process.hrtime.bigint() >= deadline) break;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  stream.close();
  pin.setState('stop');
  return { frames: frames / elapsed, bytes: (frames * frameSize) / elapsed };
}

// Render at real-time pacing (48 kHz stereo 16-bit, 10 ms packets, 8 queued)
// for `seconds`, with the JavaScript thread blocked `blockMs` every
// `everyMs`: how often the device ran dry (the engine's underrun counter).
async function renderUnderruns(pin, seconds, blockMs, everyMs) {
  ks.setEmulatorPacing(pin, 'real-time');
  const stream = pin.writer({ packets: 8, frameSize: 1920 });
  const chunk = Buffer.alloc(1920, 3);
  const blocker = setInterval(() => {
    const until = performance.now() + blockMs;
    while (performance.now() < until);
  }, everyMs);
  const deadline = performance.now() + seconds * 1000;
  let packets = 0;
  while (performance.now() < deadline) {
    await stream.write(chunk);
    packets++;
  }
  clearInterval(blocker);
  const stats = stream.engineStats;
  await stream.end();
  return { packets, seconds, blockMs, everyMs, ...stats };
}

// ---- Latency, memory, GC -------------------------------------------------------

async function latency(pin, frames, spinMicroseconds = 0) {
  // 192-byte packets of 48 kHz stereo 16-bit: one every millisecond, in real time.
  ks.setEmulatorPacing(pin, 'real-time');
  const samples = [];
  let n = 0;
  for await (const frame of pin.frames({ packets: 32, frameSize: 192, spinMicroseconds })) {
    const now = Number(process.hrtime.bigint());
    if (n++ >= 50) samples.push((now - frame.completedAtNs) / 1000); // skip the start-up
    if (samples.length >= frames) break;
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5), p99: at(0.99), max: samples[samples.length - 1], frames: samples.length };
}

async function steadyState(pin, totalFrames) {
  ks.setEmulatorPacing(pin, 'unthrottled');
  const gc = { minor: 0, major: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = entry.detail ? entry.detail.kind : entry.kind;
      if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) gc.minor++;
      else if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  let rssAt10k = 0;
  let n = 0;
  for await (const frame of pin.frames({ packets: 32, frameSize: 4 * KiB, alignment: 64 })) {
    void frame;
    if (++n === 10000) rssAt10k = process.memoryUsage().rss;
    if (n === totalFrames) break;
  }
  const rssAtEnd = process.memoryUsage().rss;
  await new Promise((resolve) => setImmediate(resolve)); // let the observer see the last entries
  observer.disconnect();
  return { rssAt10k, rssAtEnd, ratio: rssAtEnd / rssAt10k, gc };
}

// ---- Report --------------------------------------------------------------------

const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (xs, d = 0) => `${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}`;

// Runs each lane once unmeasured, then RUNS times in turn; returns per lane
// the median and every run's frames/s and bytes/s.
async function measureLanes(lanes) {
  for (const run of Object.values(lanes)) await run(WARMUP_SECONDS);
  const runs = Object.fromEntries(Object.keys(lanes).map((k) => [k, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const [name, run] of Object.entries(lanes)) runs[name].push(await run(SECONDS));
  }
  const out = {};
  for (const [name, list] of Object.entries(runs)) {
    out[name] = { frames: median(list.map((r) => r.frames)), bytes: median(list.map((r) => r.bytes)), runs: list.map((r) => Math.round(r.frames)) };
    // The engine's counters (wake-ups, kicks, starved/underruns) of the last run, where the lane reports them.
    if (list[list.length - 1].stats) out[name].stats = list[list.length - 1].stats;
  }
  return out;
}

async function main() {
  const { captureFilter, capturePin, renderFilter, renderPin } = openPins();
  const rows = [];
  const results = { node: process.version, platform: `${process.platform}-${process.arch}`, seconds: SECONDS, runs: RUNS, loadavg: os.loadavg(), capture: [], render: [] };
  // Ratios: of the medians, and the range of the per-run ratios (JS run i against C++ run i).
  const ratios = (a, b) => a.runs.map((x, i) => x / b.runs[i]);

  if (wants('capture')) {
    for (const [size, packets] of [[4 * KiB, 32], [4 * KiB, 128], [64 * KiB, 32], [1 * MiB, 32]]) {
      const m = await measureLanes({
        js: (t) => captureJs(capturePin, size, packets, t),
        limit: (t) => nativeLoop(capturePin, false, size, packets, t),
        fsRead: (t) => fsBaseline('/dev/zero', 'r', size, 4, t, false),
        ...(SPIN ? { jsSpin: (t) => captureJs(capturePin, size, packets, t, SPIN) } : {}),
      });
      const row = { size, packets, ...m, jsVsLimit: m.js.frames / m.limit.frames, jsVsFsRead: m.js.frames / m.fsRead.frames };
      row.jsVsLimitRuns = ratios(m.js, m.limit);
      row.jsVsFsReadRuns = ratios(m.js, m.fsRead);
      results.capture.push(row);
      rows.push(['capture', `${size / KiB} KiB`, packets, fmt(m.js.frames), fmt(m.js.bytes / 1e6), fmt(m.limit.frames), fmt(m.fsRead.frames),
        `${fmt(row.jsVsLimit, 2)}× (${range(row.jsVsLimitRuns, 2)})`, `${fmt(row.jsVsFsRead, 1)}× (${range(row.jsVsFsReadRuns, 1)})`]);
      if (m.jsSpin) {
        row.jsSpinVsLimit = m.jsSpin.frames / m.limit.frames;
        row.jsSpinVsLimitRuns = ratios(m.jsSpin, m.limit);
        row.jsSpinVsFsRead = m.jsSpin.frames / m.fsRead.frames;
        row.jsSpinVsFsReadRuns = ratios(m.jsSpin, m.fsRead);
        rows.push([`  spin ${SPIN} µs`, `${size / KiB} KiB`, packets, fmt(m.jsSpin.frames), fmt(m.jsSpin.bytes / 1e6), '〃', '〃',
          `${fmt(row.jsSpinVsLimit, 2)}× (${range(row.jsSpinVsLimitRuns, 2)})`, `${fmt(row.jsSpinVsFsRead, 1)}× (${range(row.jsSpinVsFsReadRuns, 1)})`]);
      }
    }
  }
  if (renderPin && wants('render')) {
    for (const [size, packets] of [[4 * KiB, 32], [64 * KiB, 32], [1 * MiB, 32]]) {
      const m = await measureLanes({
        js: (t) => renderJs(renderPin, size, packets, t),
        limit: (t) => nativeLoop(renderPin, true, size, packets, t),
        fsWrite: (t) => fsBaseline('/dev/null', 'w', size, 4, t, true),
        jsCopy: (t) => renderJsCopy(renderPin, size, packets, t),
      });
      const row = { size, packets, ...m, jsVsLimit: m.js.frames / m.limit.frames, jsVsFsWrite: m.js.frames / m.fsWrite.frames };
      row.jsVsLimitRuns = ratios(m.js, m.limit);
      row.jsVsFsWriteRuns = ratios(m.js, m.fsWrite);
      row.jsCopyVsLimit = m.jsCopy.frames / m.limit.frames;
      row.jsCopyVsLimitRuns = ratios(m.jsCopy, m.limit);
      results.render.push(row);
      rows.push(['render', `${size / KiB} KiB`, packets, fmt(m.js.frames), fmt(m.js.bytes / 1e6), fmt(m.limit.frames), fmt(m.fsWrite.frames),
        `${fmt(row.jsVsLimit, 2)}× (${range(row.jsVsLimitRuns, 2)})`, `${fmt(row.jsVsFsWrite, 1)}× (${range(row.jsVsFsWriteRuns, 1)})`]);
      rows.push(['  write() copy', `${size / KiB} KiB`, packets, fmt(m.jsCopy.frames), fmt(m.jsCopy.bytes / 1e6), '〃', '〃',
        `${fmt(row.jsCopyVsLimit, 2)}× (${range(row.jsCopyVsLimitRuns, 2)})`, `${fmt(m.jsCopy.frames / m.fsWrite.frames, 1)}×`]);
    }
  }
  const header = ['path', 'frame', 'pool', 'JS frames/s', 'JS MB/s', 'C++ frames/s', 'fs frames/s', 'JS/C++ (runs)', 'JS/fs (runs)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
  console.log(`kernel-streaming benchmarks — ${results.platform}, Node ${results.node}, emulator unthrottled, median of ${RUNS} × ${SECONDS} s per lane, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (rows.length) {
    console.log(line(header));
    for (const r of rows) console.log(line(r));
  }

  if (renderPin && wants('underruns')) {
    const u = await renderUnderruns(renderPin, Number(process.env.BENCH_UNDERRUN_SECONDS || 10), 50, 200);
    results.renderUnderruns = u;
    console.log('');
    console.log(
      `render underruns at real time (48 kHz stereo 16-bit, 10 ms packets, 8 queued), ${fmt(u.seconds)} s with the JavaScript thread blocked ` +
        `${u.blockMs} ms every ${u.everyMs} ms: ${u.underruns} underruns, ${fmt(u.packets)} packets written, ${u.wakeups} wake-ups, ${u.kicks} kicks`,
    );
  }

  if (wants('latency')) {
    const runLatency = async (spin) => {
      const list = [];
      for (let i = 0; i < Math.min(RUNS, 3); i++) list.push(await latency(capturePin, 3000, spin));
      const p50s = list.map((l) => l.p50);
      const p99s = list.map((l) => l.p99);
      const r = { spinMicroseconds: spin, p50: median(p50s), p99: median(p99s), max: Math.max(...list.map((l) => l.max)), frames: list[0].frames, runs: list };
      console.log(
        `frame-ready-to-JS latency at 1,000 frames/s (idle loop${spin ? `, spinMicroseconds ${spin}` : ''}), median of ${list.length} × ${list[0].frames} frames: ` +
          `p50 ${fmt(r.p50, 1)} µs (${range(p50s, 1)}), p99 ${fmt(r.p99, 1)} µs (${range(p99s, 1)}), max ${fmt(r.max, 1)} µs`,
      );
      return r;
    };
    console.log('');
    results.latency = await runLatency(0);
    // Polling for a whole frame period (1 ms) is busy-polling: one core at 100%.
    if (SPIN) results.latencyBusyPoll = await runLatency(1000);
  }

  if (wants('steady')) {
    results.steady = await steadyState(capturePin, 1_000_000);
    const s = results.steady;
    console.log(`resident memory: ${fmt(s.rssAt10k / MiB, 1)} MiB after 10,000 frames, ${fmt(s.rssAtEnd / MiB, 1)} MiB after 1,000,000 (×${fmt(s.ratio, 3)})`);
    console.log(`garbage collections during 1,000,000 delivered frames: ${s.gc.minor} minor, ${s.gc.major} major`);
  }

  if (wants('wavert')) results.wavert = await runWaveRt(fmt);

  captureFilter.close();
  if (renderFilter) renderFilter.close();
  const out = path.join(__dirname, 'results.json');
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nJSON: ${path.relative(process.cwd(), out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
