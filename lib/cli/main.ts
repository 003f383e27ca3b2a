/**
 * The kernel-streaming command line, on commander: per-command help,
 * --version, typed option parsing, and the same exit codes everywhere —
 * 0 done, 1 the operation failed, 2 the command line is wrong, 130/143 a
 * capture of a set length cut short by SIGINT/SIGTERM (the file is still
 * finalized).
 */
import type { WaveRtMode } from '../streaming/wavert-options';
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { BackendName } from '../addon/backend';
import { KsError } from '../base/errors';
import { findDevice, listDevices, type DeviceInfo } from '../objects/devices';
import { capabilities } from '../addon/backend';
import { inspect, list } from './inspect-command';
import { capture, type StreamOutput } from './capture-command';
import { render } from './render-command';
import { profile } from './profile-command';
import { controls, parseControlSetting, type ControlSetting } from './controls-command';
import '../profiles/replay-profile'; // KS_EMULATOR_PROFILES: loads the named profiles before the first enumeration
import { FORMAT_HELP } from './format-option';

export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

/** A usage error found after commander's own checks (exit code 2). */
class UsageError extends Error {}

function positiveInteger(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError(`must be a whole number of at least 1, got "${text}"`);
  return Number(text);
}

/** A parser for a pin or node id: a whole number from 0. */
const idNumber = (what: 'pin' | 'node') => (text: string): number => {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new InvalidArgumentError(`must be a ${what} id (0, 1, ...), got "${text}"`);
  return Number(text);
};

function positiveSeconds(text: string): number {
  // Number('') and Number(' ') are 0: an empty or blank text is refused as not above 0.
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError(`must be a number of seconds above 0, got "${text}"`);
  return value;
}

const backendOption = () => new Option('--backend <name>', 'which backend to use (default: windows where ksuser.dll loads, else the emulator)').choices(['windows', 'emulator']);

const DEVICE_HELP = 'a device path from `list`, its number in that list, or (part of) its name';

/**
 * The device a command names: its number in `list`, its path, or its name;
 * a name that matches several devices lists them. `capture` and `render` look
 * for a name among CAPTURE or RENDER filters first: an audio device is a wave
 * filter beside a topology filter of much the same name (portcls), and only
 * the wave filter streams.
 */
function resolveDevice(spec: string, backend: BackendName | undefined, streaming?: 'CAPTURE' | 'RENDER'): DeviceInfo {
  if (streaming && !/^\d+$/.test(spec)) {
    try {
      return findDevice(spec, { backend, category: streaming });
    } catch (e) {
      if (!(e instanceof KsError && e.code === 'ERR_DEVICE_NOT_FOUND')) throw e;
      // Not among them: the search over every device below says what there is.
    }
  }
  if (/^\d+$/.test(spec)) {
    const devices = listDevices({ backend });
    const index = Number(spec);
    if (index >= 1 && index <= devices.length) return devices[index - 1];
    throw new KsError('ERR_DEVICE_NOT_FOUND', 'find device', `no device number ${spec}: \`kernel-streaming list\` numbers ${devices.length} devices from 1`);
  }
  try {
    return findDevice(spec, { backend });
  } catch (e) {
    // An unlisted path may still open (a device in a category `list` does not search).
    if (e instanceof KsError && e.code === 'ERR_DEVICE_NOT_FOUND' && spec.startsWith('\\\\')) {
      const active = backend ?? capabilities().backend;
      return { path: spec, friendlyName: spec, instanceId: '', categories: [], backend: active, emulated: active === 'emulator' };
    }
    throw e;
  }
}

/** Refuses an output path whose folder is missing or that is a folder, before any device is opened. */
function checkOutputPath(out: string): void {
  if (out === '-') return;
  const folder = path.dirname(path.resolve(out));
  if (!fs.existsSync(folder)) throw new UsageError(`--out ${out}: the folder ${folder} does not exist`);
  if (fs.existsSync(out) && fs.statSync(out).isDirectory()) throw new UsageError(`--out ${out} is a folder; give a file name (e.g. ${path.join(out, 'capture.wav')})`);
}

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function program(io: StreamOutput, result: { code: number }): Command {
  const cli = new Command('kernel-streaming')
    .description('Windows Kernel Streaming devices from the command line: list them, inspect their pins and topology, capture and render audio and video.\nOff Windows (or with --backend emulator) the devices are the embedded emulator\'s.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'print help (kernel-streaming help COMMAND for a command\'s options)')
    .addHelpText('after', '\nExit status: 0 done, 1 the operation failed, 2 a usage error, 130/143 a capture of a set length stopped by SIGINT/SIGTERM.')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.replace(/\n$/, '')), writeErr: (s) => io.err(s.replace(/\n$/, '')) });

  // A command made by cli.command() shares the program's output configuration (the same object: a command's own
  // configureOutput would change the program's too), its exit override and its help settings (commands listed in the
  // order they are made), so it needs none of its own.
  const command = (name: string) => cli.command(name);

  command('list')
    .description('list the KS devices (numbered from 1 for the other commands)')
    .option('--category <name>', 'only one KSCATEGORY: a name (AUDIO, CAPTURE, RENDER, VIDEO, ...) or a GUID')
    .addOption(backendOption())
    .option('--json', 'print JSON for machines')
    .action((options: { category?: string; backend?: BackendName; json?: boolean }) => {
      list(options.category, options.backend, options.json ?? false, io);
    });

  command('inspect')
    .description('print a device\'s pins (data ranges, instances, framing), property sets and topology')
    .argument('<device>', DEVICE_HELP)
    .addOption(backendOption())
    .option('--json', 'print JSON for machines')
    .action((spec: string, options: { backend?: BackendName; json?: boolean }) => {
      inspect(resolveDevice(spec, options.backend), options.json ?? false, io);
    });

  command('capture')
    .description('record from a capture pin: audio to .wav, YUY2/NV12 video to .y4m, anything to .raw; until Ctrl-C without a length')
    .argument('<device>', DEVICE_HELP)
    .requiredOption('-o, --out <file>', 'where to write: file.wav, file.y4m, file.raw, or - for standard output (WAV or Y4M)')
    .option('--format <format>', FORMAT_HELP + ' (default: the pin\'s first range)')
    .addOption(new Option('--seconds <s>', 'record this many seconds').argParser(positiveSeconds).conflicts(['frames', 'packets']))
    .addOption(new Option('--frames <n>', 'record this many sample frames (audio: one sample per channel) or pictures (video)').argParser(positiveInteger).conflicts(['packets']))
    .addOption(new Option('--packets <n>', 'record this many KS packets (buffers of IOCTL_KS_READ_STREAM)').argParser(positiveInteger))
    .addOption(new Option('--pin <id>', 'the pin id (default: the first capture pin)').argParser(idNumber('pin')))
    .option('--raw', 'write packets exactly as delivered, whatever --out ends with')
    .option('--unthrottled', 'emulated devices stream as fast as possible instead of in real time')
    .option('--tone', 'emulated audio devices deliver a 1 kHz tone, for listening, instead of each sample frame\'s index')
    .addOption(new Option('--mode <mode>', 'WaveRT pins: how the engine follows the device').choices(['event', 'polled', 'packet']))
    .addOption(new Option('--latency <ms>', 'WaveRT pins: the device buffer in milliseconds (default 10)').argParser(positiveInteger))
    .addOption(backendOption())
    .addHelpText('after', '\nWithout --seconds, --frames or --packets it records until Ctrl-C (SIGINT) or SIGTERM, then finalizes the file.\nThe summary goes to standard error, so --out - can be piped.')
    .action(async (spec: string, options: { out: string; format?: string; seconds?: number; frames?: number; packets?: number; pin?: number; raw?: boolean; unthrottled?: boolean; tone?: boolean; mode?: WaveRtMode; latency?: number; backend?: BackendName }) => {
      checkOutputPath(options.out);
      const device = resolveDevice(spec, options.backend, 'CAPTURE');
      const waveRt = { mode: options.mode, latencyMs: options.latency };
      result.code = await capture(device, { ...options, raw: options.raw ?? false, unthrottled: options.unthrottled ?? false, tone: options.tone ?? false, waveRt }, io);
    });

  command('render')
    .description('play a WAV file (PCM 8/16/24/32-bit or float, plain or WAVE_FORMAT_EXTENSIBLE) to a render pin')
    .argument('<device>', DEVICE_HELP)
    .argument('<file>', 'the WAV file')
    .addOption(new Option('--pin <id>', 'the pin id (default: the first render pin)').argParser(idNumber('pin')))
    .option('--unthrottled', 'emulated devices play as fast as possible instead of in real time')
    .addOption(new Option('--mode <mode>', 'WaveRT pins: how the engine follows the device').choices(['event', 'polled', 'packet']))
    .addOption(new Option('--latency <ms>', 'WaveRT pins: the device buffer in milliseconds (default 10)').argParser(positiveInteger))
    .addOption(backendOption())
    .action(async (spec: string, file: string, options: { pin?: number; unthrottled?: boolean; mode?: WaveRtMode; latency?: number; backend?: BackendName }) => {
      if (!fs.existsSync(file)) throw new UsageError(`no file ${file}`);
      if (fs.statSync(file).isDirectory()) throw new UsageError(`${file} is a folder; give a WAV file`);
      const device = resolveDevice(spec, options.backend, 'RENDER');
      result.code = await render(device, file, { ...options, waveRt: { mode: options.mode, latencyMs: options.latency } }, io);
    });

  command('profile')
    .description('record a device\'s KS surface (pins, ranges, topology, property answers; no streaming, no SET) into a JSON profile that loadProfile() or KS_EMULATOR_PROFILES replays on the emulator')
    .argument('<device>', DEVICE_HELP)
    .requiredOption('-o, --out <file>', 'the profile file, or - for standard output')
    .option('--anonymize', 'leave out device paths and instance ids (they can hold serial numbers)')
    .option('--no-follow', 'do not also record the filters its pins are physically connected to')
    .option('--no-open-pins', 'do not open pin instances (in STOP) to read their framing and stream properties')
    .addOption(backendOption())
    .addHelpText('after', '\nReplay: KS_EMULATOR_PROFILES=<folder> kernel-streaming list, or loadProfile(json) in code.')
    .action((spec: string, options: { out: string; anonymize?: boolean; follow?: boolean; openPins?: boolean; backend?: BackendName }) => {
      checkOutputPath(options.out);
      profile(resolveDevice(spec, options.backend), options, io);
    });

  command('controls')
    .description('list a camera\'s controls (brightness, contrast, ..., zoom, exposure, focus) with range, step, default and mode; name=value pairs set them first')
    .argument('<device>', DEVICE_HELP)
    .argument('[settings...]', 'name=value (an integer) or name=auto, e.g. brightness=20 focus=auto')
    .addOption(new Option('--node <id>', 'address a topology node (processing unit, camera terminal) through KSP_NODE').argParser(idNumber('node')))
    .addOption(backendOption())
    .option('--json', 'print JSON for machines')
    .addHelpText('after', '\nEvery setting is checked against the device\'s ranges before the first one is sent.')
    .action((spec: string, texts: string[], options: { node?: number; backend?: BackendName; json?: boolean }) => {
      let settings: ControlSetting[];
      try {
        settings = texts.map(parseControlSetting);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const device = resolveDevice(spec, options.backend);
      try {
        controls(device, settings, options, io);
      } catch (e) {
        // A value outside the device's range is a mistake on the command line.
        if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(e.message);
        throw e;
      }
    });

  return cli;
}

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function run(argv: string[], io: StreamOutput = defaultOutput()): Promise<number> {
  const result = { code: EXIT.OK as number };
  const cli = program(io, result);
  try {
    // No command at all: commander prints the help to standard error and exits 1 (a usage error, below).
    await cli.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (e) {
    // Commander's exit code is 0 for help and --version asked for (`help`, `help COMMAND`, `--help`, `-V`) and 1 for
    // every usage error it printed, help shown because the command was missing included.
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (e instanceof UsageError) {
      io.err(`kernel-streaming: ${e.message}`);
      return EXIT.USAGE;
    }
    io.err(`kernel-streaming: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.FAILED;
  }
}

function defaultOutput(): StreamOutput {
  // A reader that closes the pipe early (`| head -1`, `| grep -q`) is no failure of the command: stop writing and end
  // as usual. Node ignores SIGPIPE, so the closed pipe arrives as an EPIPE 'error' on process.stdout, which with no
  // listener ended the process with a stack trace and exit code 1 (`list | grep -q` failed under `set -o pipefail`).
  let readerGone = false;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    readerGone = true;
  });
  return {
    out: (line) => {
      if (!readerGone) process.stdout.write(line + '\n');
    },
    err: (line) => process.stderr.write(line + '\n'),
    progress: process.stderr.isTTY ? (line) => process.stderr.write(`\r\x1b[K${line}`) : undefined,
  };
}
