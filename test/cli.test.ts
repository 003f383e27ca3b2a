// `kernel-streaming` as a user runs it (a child process of bin/kernel-streaming.js): list, inspect, help, --version,
// and every usage mistake with its message and exit code (0 done, 1 failed, 2 usage).
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli, inProcess, root, startCli } from './cli-process';

// A budget, not a measure: each test starts node several times (seconds each under Wine or at high load).
const CHILD_PROCESS_BUDGET = { timeout: 180_000 };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('kernel-streaming list / inspect', CHILD_PROCESS_BUDGET, () => {
  it('lists the emulated devices, says they are emulated, and prints JSON for machines', async () => {
    const table = await cli(['list']);
    expect(table.code).toBe(0);
    expect(table.out).toContain('these devices are emulated');
    expect(table.out).toMatch(/\d+\s+KS Emulator Audio Capture\s+AUDIO,CAPTURE/);
    const json = await cli(['list', '--json', '--category', 'RENDER']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ friendlyName: 'KS Emulator Audio Render', emulated: true }),
      expect.objectContaining({ friendlyName: 'KS Emulator WaveRT Speakers', emulated: true }),
    ]);
  });

  // The process's own standard output: only a child has one to close (in process, under StrykerJS, it is skipped).
  it.skipIf(inProcess)('ends quietly with exit 0 when its reader closes the pipe first (as `| head -1` or `| grep -q` do)', async () => {
    // The read end closes before node has started, so the first line written meets EPIPE.
    const { child, done } = startCli(['list']);
    child.stdout!.destroy();
    const result = await done;
    expect(result.err).toBe('');
    expect([result.code, result.signal]).toEqual([0, null]);
  });

  it('inspects a device by name: pins, each pin\'s allocator framing, the topology', async () => {
    const { code, out } = await cli(['inspect', 'Audio Capture']);
    expect(code).toBe(0);
    expect(out).toContain('pin 0: Capture');
    expect(out).toContain('allocator framing: 8 frames × 1920 bytes, NonPagedPool, alignment LONG (4 B), requirements SYSTEM_MEMORY|PREFERENCES_ONLY');
    expect(out).toContain('allocator framing: 4 frames × 16384 bytes');
    expect(out).toContain('streaming: 8 frames × 1920 bytes, alignment 4 B (from ALLOCATORFRAMING); 56-byte stream headers');
    const render = await cli(['inspect', 'audio render']);
    expect(render.out).toContain('instances 0/1, global 0/2, necessary 0');
    expect(render.out).toContain('interfaces: standard #0 (STREAMING); mediums: standard #0');
    expect(render.out).toContain('node 0: KSNODETYPE_VOLUME "Speaker Volume"');
    expect(render.out).toContain('node 2.0 → pin 1');
  });

  it('inspects by number, as JSON, with the topology and the pin properties', async () => {
    const list = JSON.parse((await cli(['list', '--json'])).out) as { friendlyName: string }[];
    const number = list.findIndex((d) => d.friendlyName === 'KS Emulator Video Capture') + 1;
    const { code, out } = await cli(['inspect', String(number), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.device.friendlyName).toBe('KS Emulator Video Capture');
    expect(report.topology.categories).toHaveLength(3);
    // SETSUPPORT per known set: the camera answers Pin and Topology, and no audio or general set.
    // Pin and Topology, and the emulator's own diagnostics set (the camera's NOT_READY_AFTER_PLUG control).
    expect(report.propertySets).toEqual(['Pin', 'Topology', 'EmulatorDiagnostics']);
    expect(report.pins[0]).toMatchObject({ necessaryInstances: 1, globalInstances: { possible: 1, current: 0 }, interfaces: [{ id: 0 }] });
    // An AVStream pin (usbvideo.sys): no legacy framing; frames() takes ALLOCATORFRAMING_EX and 128-byte headers.
    expect(report.pins[0].allocatorFraming).toBeNull();
    expect(report.pins[0].allocatorFramingError).toContain('STATUS_NOT_FOUND');
    expect(report.pins[0].captureDefaults).toEqual({ source: 'framing-ex', frames: 4, frameSize: 1843200, alignment: 8, headerSize: 128 });
    expect(report.pins[0].waveRt).toBeNull();
  });

  it('says which pins are WaveRT, the modes they stream in and their hardware latency (text and JSON)', async () => {
    const { code, out } = await cli(['inspect', 'KS Emulator WaveRT Microphone']);
    expect(code).toBe(0);
    expect(out).toContain('interfaces: standard #1 (LOOPED_STREAMING); mediums: standard #0');
    expect(out).toContain('    WaveRT: modes event, packet, polled; FIFO 256 bytes, chipset delay 0 µs, codec delay 1000 µs');
    const json = JSON.parse((await cli(['inspect', 'KS Emulator WaveRT Speakers', '--json'])).out);
    expect(json.pins[0].waveRt).toEqual({ hwLatency: { fifoSize: 256, chipsetDelay: 0, codecDelay: 10000 }, modes: ['event', 'packet', 'polled'] });
    expect(json.pins[1].waveRt).toBeNull(); // the bridge pin
  });
});

describe('kernel-streaming inspect: the text and --json tell the same facts', CHILD_PROCESS_BUDGET, () => {
  /** Each device's report read from --json, and the text `inspect` prints for it, line by line. */
  async function reports(): Promise<{ json: any; text: string[] }[]> {
    const devices = JSON.parse((await cli(['list', '--json'])).out) as { path: string }[];
    expect(devices.length).toBeGreaterThan(5);
    return Promise.all(
      devices.map(async (d, i) => {
        const [json, text] = await Promise.all([cli(['inspect', String(i + 1), '--json']), cli(['inspect', String(i + 1)])]);
        expect([json.code, text.code], d.path).toEqual([0, 0]);
        return { json: JSON.parse(json.out), text: text.out.split('\n') };
      }),
    );
  }

  it('names the device, its path, backend, categories, the property sets it answers and its pins', async () => {
    // Why the emulator: off Windows because KS is not there; on Windows (the Wine lane) because it was chosen.
    const why = process.platform === 'win32' ? 'chosen with KS_BACKEND=emulator or --backend' : `Windows KS is not available on ${process.platform}`;
    for (const { json, text } of await reports()) {
      const named = (guids: string[], names: (string | null)[] | undefined) => guids.map((g, i) => names?.[i] ?? g);
      expect(text.slice(0, 6), json.device.path).toEqual([
        json.device.friendlyName,
        `  path: ${json.device.path}`,
        `  backend: emulator — these devices are emulated (${why})`,
        `  categories: ${json.device.categories.length ? json.device.categories.join(', ') : '(not listed)'}`,
        `  property sets: ${json.propertySets.length ? json.propertySets.join(', ') : '(none of the known ones)'}`,
        `  pin factories: ${json.pins.length}`,
      ]);
      expect(json.backend).toBe('emulator');
      // Each pin's block: a blank line, then its lines until the next blank one.
      let at = 6;
      for (const pin of json.pins) {
        expect(text[at++]).toBe('');
        const block: string[] = [];
        while (text[at] !== '') block.push(text[at++]);
        const where = `${json.device.friendlyName} pin ${pin.pinId}`;
        expect(block[0], where).toBe(`  pin ${pin.pinId}: ${pin.name ?? '(unnamed)'}`);
        expect(block[1], where).toBe(`    dataflow ${pin.dataFlow}, communication ${pin.communication}, category ${pin.category ? pin.categoryName ?? pin.category : 'none'}`);
        const global = pin.globalInstances ? `, global ${pin.globalInstances.current}/${pin.globalInstances.possible}` : '';
        const necessary = pin.necessaryInstances === null ? '' : `, necessary ${pin.necessaryInstances}`;
        expect(block[2], where).toBe(`    instances ${pin.instances.current}/${pin.instances.possible}${global}${necessary}`);
        const ids = (list: any[] | null, standard: string, names: string[]) =>
          list === null ? 'not reported' : list.map((x) => (x.setName === standard ? `standard #${x.id}${names[x.id] ? ` (${names[x.id]})` : ''}` : `${x.setName ?? x.set} #${x.id}`)).join(', ') || 'none';
        expect(block[3], where).toBe(`    interfaces: ${ids(pin.interfaces, 'KSINTERFACESETID_Standard', ['STREAMING', 'LOOPED_STREAMING', 'CONTROL'])}; mediums: ${ids(pin.mediums, 'KSMEDIUMSETID_Standard', [])}`);
        let line = 4;
        if (pin.physicalConnection) expect(block[line++], where).toBe(`    physical connection: pin ${pin.physicalConnection.pinId} of ${pin.physicalConnection.path}`);
        pin.dataRanges.forEach((_: unknown, i: number) => expect(block[line++], where).toMatch(new RegExp(`^    range ${i}: \\S`)));
        const f = pin.allocatorFraming;
        // FILE_*_ALIGNMENT is the alignment in bytes less one (wdm.h: FILE_LONG_ALIGNMENT 0x3 is 4 bytes).
        expect(block[line++], where).toBe(
          f
            ? `    allocator framing: ${f.frames} frames × ${f.frameSize} bytes, ${f.poolTypeName ?? f.poolType}, alignment ${f.alignmentName} (${f.fileAlignment + 1} B), requirements ${f.flagNames.join('|') || 'none'}`
            : `    allocator framing: unavailable (${pin.allocatorFramingError})`,
        );
        const rt = pin.waveRt;
        if (rt) {
          // HWLATENCY's delays are in 100 ns units (ksmedia.h KSRTAUDIO_HWLATENCY); the text gives microseconds.
          const latency = rt.hwLatency ? `FIFO ${rt.hwLatency.fifoSize} bytes, chipset delay ${rt.hwLatency.chipsetDelay / 10} µs, codec delay ${rt.hwLatency.codecDelay / 10} µs` : 'hardware latency not reported';
          expect(block[line++], where).toBe(`    WaveRT: ${rt.error ? `not probed: ${rt.error}` : `modes ${rt.modes.join(', ')}; ${latency}`}`);
        }
        const c = pin.captureDefaults;
        if (c) {
          const from = ({ 'framing-ex': 'ALLOCATORFRAMING_EX', framing: 'ALLOCATORFRAMING', documented: 'documented defaults' } as Record<string, string>)[c.source];
          expect(block[line++], where).toBe(`    streaming: ${c.frames || 'any number of'} frames × ${c.frameSize || 'unstated'} bytes, alignment ${c.alignment} B (from ${from}); ${c.headerSize}-byte stream headers`);
        }
        expect(block.slice(line), where).toEqual([]);
      }
      expect(text[at++]).toBe('');
      const t = json.topology;
      if (!t) {
        expect(text.slice(at)).toEqual(['  topology: not reported']);
        continue;
      }
      // KSFILTER_NODE (0xFFFFFFFF, ks.h) as a connection's end is the filter's own pin.
      const end = (node: number, pin: number) => (node === 0xffffffff ? `pin ${pin}` : `node ${node}.${pin}`);
      expect(text.slice(at), json.device.friendlyName).toEqual([
        `  topology: ${t.nodes.length} nodes, ${t.connections.length} connections; categories ${named(t.categories, t.categoriesNames).join(', ') || 'none'}`,
        ...t.nodes.map((n: any) => `    node ${n.id}: ${n.typeName ?? n.type}${n.name ? ` "${n.name}"` : ''}`),
        ...t.connections.map((c: any) => `    ${end(c.fromNode, c.fromNodePin)} → ${end(c.toNode, c.toNodePin)}`),
      ]);
    }
  });
});

describe('kernel-streaming help, --version and usage mistakes', CHILD_PROCESS_BUDGET, () => {
  it('prints help on `help`, `--help`, `help COMMAND` and `COMMAND --help`, exit 0, on standard output', async () => {
    for (const args of [['help'], ['--help'], ['-h']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(/^Usage: kernel-streaming \[options\] \[command\]/);
      for (const command of ['list', 'inspect', 'capture', 'render']) expect(r.out).toContain(`  ${command} `);
    }
    for (const args of [['help', 'capture'], ['capture', '--help']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(/^Usage: kernel-streaming capture \[options\] <device>/);
      expect(r.out).toContain('--seconds <s>');
      expect(r.out).toContain('records until Ctrl-C (SIGINT) or SIGTERM');
    }
  });

  it('documents every command, argument and option it takes in its help (a line of description each)', async () => {
    /** The help's sections (Arguments, Options, Commands) as entries: the term and its description, wrapped lines joined. */
    const entries = (help: string) => {
      const found: { section: string; term: string; description: string }[] = [];
      let section = '';
      for (const line of help.split('\n')) {
        if (/^\w[\w ]*:$/.test(line)) section = line.slice(0, -1);
        else if (line.trim() === '') section = '';
        else if (section && /^ {2}\S/.test(line)) {
          const [, term, description = ''] = /^ {2}(\S+(?: \S+)*?)(?: {2,}(.*))?$/.exec(line)!;
          found.push({ section, term, description });
        } else if (section && /^ {3,}\S/.test(line) && found.length) found[found.length - 1].description += ' ' + line.trim();
      }
      return found;
    };
    const top = await cli(['help']);
    const commands = entries(top.out).filter((e) => e.section === 'Commands').map((e) => e.term.split(' ')[0]);
    expect(commands).toEqual(['list', 'inspect', 'capture', 'render', 'profile', 'controls', 'help']);
    // The exit codes the tests in this file see, as the help states them.
    expect(top.out).toMatch(/Exit status: 0 done, 1 the operation failed, 2 a usage error, 130\/143 a capture of a set length stopped by SIGINT\/SIGTERM\.$/);
    const options: Record<string, string[]> = {};
    for (const [name, help] of [['', top.out], ...(await Promise.all(commands.slice(0, -1).map(async (c) => [c, (await cli(['help', c])).out])))]) {
      const [usage, blank, summary] = help.split('\n');
      expect([usage.startsWith(`Usage: kernel-streaming ${name}`.trimEnd()), blank, summary.length > 0], name).toEqual([true, '', true]);
      for (const e of entries(help)) {
        // Commander adds "(choices: …)" and "(default: …)" after a description: an entry with only those has none.
        expect(e.description.replace(/\((choices|default): [^)]*\)/g, '').trim(), `${name} ${e.section} ${e.term}`).not.toBe('');
      }
      options[name] = entries(help).filter((e) => e.section === 'Options').map((e) => e.term);
      // Commander lists an argument only when it has a description.
      if (name) options[`${name} arguments`] = entries(help).filter((e) => e.section === 'Arguments').map((e) => e.term);
    }
    expect(options).toEqual({
      '': ['-V, --version', '-h, --help'],
      list: ['--category <name>', '--backend <name>', '--json', '-h, --help'],
      inspect: ['--backend <name>', '--json', '-h, --help'],
      capture: ['-o, --out <file>', '--format <format>', '--seconds <s>', '--frames <n>', '--packets <n>', '--pin <id>', '--raw', '--unthrottled', '--tone', '--mode <mode>', '--latency <ms>', '--backend <name>', '-h, --help'],
      render: ['--pin <id>', '--unthrottled', '--mode <mode>', '--latency <ms>', '--backend <name>', '-h, --help'],
      profile: ['-o, --out <file>', '--anonymize', '--no-follow', '--no-open-pins', '--backend <name>', '-h, --help'],
      controls: ['--node <id>', '--backend <name>', '--json', '-h, --help'],
      'list arguments': [],
      'inspect arguments': ['device'],
      'capture arguments': ['device'],
      'render arguments': ['device', 'file'],
      'profile arguments': ['device'],
      'controls arguments': ['device', 'settings'],
    });
    // What a command's help says after its options is how to use what it made: replay a profile, and the rule the
    // controls command keeps (camera-controls.test.ts checks it).
    expect((await cli(['help', 'profile'])).out).toMatch(/Replay: KS_EMULATOR_PROFILES=<folder> kernel-streaming list, or loadProfile\(json\) in code\.$/);
    expect((await cli(['help', 'controls'])).out).toMatch(/Every setting is checked against the device's ranges before the first one is sent\.$/);
  });

  it('prints the package version on --version and -V', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: version });
    expect(await cli(['-V'])).toMatchObject({ code: 0, out: version });
  });

  it('exits 2 with the usage when run with no command', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^Usage: kernel-streaming/);
  });

  it('refuses unknown commands and options, naming them (exit 2)', async () => {
    expect(await cli(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining("error: unknown command 'frobnicate'") });
    expect(await cli(['lsit'])).toMatchObject({ code: 2, err: expect.stringContaining('(Did you mean list?)') });
    expect(await cli(['list', '--bogus'])).toMatchObject({ code: 2, err: expect.stringContaining("error: unknown option '--bogus'") });
    expect(await cli(['list', '--backend', 'linux'])).toMatchObject({ code: 2, err: expect.stringContaining('Allowed choices are windows, emulator') });
    expect(await cli(['inspect'])).toMatchObject({ code: 2, err: expect.stringContaining("error: missing required argument 'device'") });
    expect(await cli(['inspect', 'Audio Capture', 'extra'])).toMatchObject({ code: 2, err: expect.stringContaining('too many arguments') });
  });

  it('refuses bad numbers and conflicting lengths before opening anything (exit 2)', async () => {
    const capture = (...args: string[]) => cli(['capture', 'Audio Capture', '--out', path.join(tmp, 'x.wav'), ...args]);
    expect(await capture('--frames', '-5')).toMatchObject({ code: 2, err: expect.stringContaining("option '--frames <n>' argument '-5' is invalid. must be a whole number of at least 1") });
    expect(await capture('--frames', 'abc')).toMatchObject({ code: 2, err: expect.stringContaining('must be a whole number of at least 1, got "abc"') });
    expect(await capture('--frames', '1.5')).toMatchObject({ code: 2, err: expect.stringContaining('got "1.5"') });
    expect(await capture('--seconds', '0')).toMatchObject({ code: 2, err: expect.stringContaining('must be a number of seconds above 0, got "0"') });
    expect(await capture('--pin', 'first')).toMatchObject({ code: 2, err: expect.stringContaining('must be a pin id (0, 1, ...), got "first"') });
    expect(await capture('--seconds', '1', '--frames', '10')).toMatchObject({ code: 2, err: expect.stringContaining("option '--seconds <s>' cannot be used with option '--frames <n>'") });
    expect(await capture('--frames', '10', '--packets', '2')).toMatchObject({ code: 2, err: expect.stringContaining('cannot be used with') });
    expect(fs.existsSync(path.join(tmp, 'x.wav'))).toBe(false);
  });

  it('needs --out for capture, an existing folder, and a file rather than a folder (exit 2)', async () => {
    expect(await cli(['capture', 'Audio Capture'])).toMatchObject({ code: 2, err: expect.stringContaining("error: required option '-o, --out <file>' not specified") });
    const missing = path.join(tmp, 'no-such-folder', 'a.wav');
    expect(await cli(['capture', 'Audio Capture', '--out', missing, '--seconds', '0.1'])).toMatchObject({
      code: 2,
      err: `kernel-streaming: --out ${missing}: the folder ${path.dirname(missing)} does not exist`,
    });
    expect(await cli(['capture', 'Audio Capture', '--out', tmp, '--seconds', '0.1'])).toMatchObject({ code: 2, err: expect.stringContaining(`--out ${tmp} is a folder; give a file name`) });
    expect(await cli(['render', 'Audio Render', path.join(tmp, 'nothing.wav')])).toMatchObject({ code: 2, err: expect.stringContaining('no file') });
    expect(await cli(['render', 'Audio Render', tmp])).toMatchObject({ code: 2, err: expect.stringContaining('is a folder; give a WAV file') });
  });

  it('names every device a name matches, and says what exists when it matches none (exit 1)', async () => {
    const both = await cli(['inspect', 'Audio']);
    expect(both.code).toBe(1);
    expect(both.err).toContain('"Audio" matches 2 devices: "KS Emulator Audio Capture" (');
    expect(both.err).toContain('"KS Emulator Audio Render" (');
    const none = await cli(['inspect', 'nothing-like-this']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('no device named "nothing-like-this" (the emulator backend has: "KS Emulator Audio Capture", ');
    expect(await cli(['inspect', '99'])).toMatchObject({ code: 1, err: expect.stringContaining('no device number 99') });
  });
});
