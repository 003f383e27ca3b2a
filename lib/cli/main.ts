/**
 * The kernel-streaming command line: `list` and `inspect`, as tables or --json.
 */
import { parseArgs } from 'util';
import { capabilities, type BackendName } from '../addon/backend';
import { listDevices, type DeviceInfo } from '../objects/devices';
import { formatForRange, type DataRange } from '../formats/data-range';
import { KsError } from '../base/errors';
import { openFilter, type PinFactoryInfo } from '../objects/filter';
import { flagNames, KSALLOCATOR_REQUIREMENTF, POOL_TYPE, FILE_ALIGNMENT, type AllocatorFraming } from '../structs/framing';
import { KSDATAFORMAT, KSFILTER_NODE, KSINTERFACESETID_Standard, KSMEDIUMSETID_Standard, PINNAME } from '../structs/constants';
import { isAbsent, type Topology } from '../objects/topology';
import { KSPROPSETID } from '../structs/constants';
import { capture, render } from './stream-commands';

const USAGE = `usage:
  kernel-streaming list [--category NAME|GUID] [--backend windows|emulator] [--json]
  kernel-streaming inspect <device> [--backend windows|emulator] [--json]
  kernel-streaming capture <device> --out file.wav|file.y4m|file.raw [--raw] [--pin N] [--format F] [--frames N | --seconds S] [--unthrottled]
  kernel-streaming render <device> file.wav [--pin N] [--unthrottled]
      <device> is a path from \`list\`, its number in that list, or part of its name
      --format: RATE:CHANNELS:BITS for audio (48000:2:16), WIDTHxHEIGHT[@FPS][:yuy2|nv12|rgb24|rgb32] for video (640x480@30:nv12)
      --out: .wav for audio, .y4m for YUY2/NV12 video (planar 4:2:2 / 4:2:0), .raw (or --raw) for frames as delivered
      --unthrottled: emulated devices stream as fast as possible instead of in real time`;

interface Output {
  out(line: string): void;
  err(line: string): void;
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
}

function backendNote(backend: BackendName): string {
  if (backend === 'emulator') {
    const where = process.platform === 'win32' ? 'chosen with KS_BACKEND=emulator or --backend' : `Windows KS is not available on ${process.platform}`;
    return `backend: emulator — these devices are emulated (${where})`;
  }
  return 'backend: windows (ksuser.dll)';
}

export function findDevice(spec: string, backend: BackendName | undefined): DeviceInfo {
  const devices = listDevices({ backend });
  if (/^\d+$/.test(spec)) {
    const index = Number(spec);
    if (index >= 1 && index <= devices.length) return devices[index - 1];
  }
  const exact = devices.find((d) => d.path.toLowerCase() === spec.toLowerCase());
  if (exact) return exact;
  const byName = devices.filter((d) => d.friendlyName.toLowerCase().includes(spec.toLowerCase()));
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) throw new Error(`"${spec}" matches ${byName.length} devices; give its number or path`);
  // An unlisted path may still open (a device without a category this lists).
  if (spec.startsWith('\\\\')) return { path: spec, friendlyName: spec, instanceId: '', categories: [], backend: backend ?? capabilities().backend, emulated: false };
  throw new Error(`no device "${spec}": run \`kernel-streaming list\` to see the devices (numbered from 1)`);
}

function describeRange(r: DataRange): string {
  if (r.audio) {
    const a = r.audio;
    const sub = r.subFormat === KSDATAFORMAT.SUBTYPE_PCM ? 'PCM' : r.subFormat;
    return `audio ${sub} ≤${a.maximumChannels} ch, ${a.minimumBitsPerSample}-${a.maximumBitsPerSample} bit, ${a.minimumSampleFrequency}-${a.maximumSampleFrequency} Hz`;
  }
  if (r.video) {
    const v = r.video.videoInfoHeader;
    const sub = Object.entries(KSDATAFORMAT).find(([name, guid]) => guid === r.subFormat && name.startsWith('SUBTYPE_'))?.[0].slice(8) ?? r.subFormat;
    const fps = v.avgTimePerFrame > 0n ? Math.round((1e7 / Number(v.avgTimePerFrame)) * 100) / 100 : 0;
    return `video ${sub} ${v.bitmap.width}×${Math.abs(v.bitmap.height)} @ ${fps} fps`;
  }
  return `${r.majorFormat} / ${r.subFormat} / ${r.specifier} (${r.formatSize} bytes)`;
}

function describeIdentifiers(list: { set: string; id: number }[] | null, standard: string): string {
  if (!list) return 'not reported';
  return list.map((i) => (i.set === standard ? `standard #${i.id}` : `${i.set} #${i.id}`)).join(', ') || 'none';
}

/** The topology, or null where the filter does not support KSPROPSETID_Topology. */
function topologyOf(filter: ReturnType<typeof openFilter>): Topology | null {
  try {
    return filter.topology();
  } catch (e) {
    if (isAbsent(e)) return null;
    throw e;
  }
}

function describeEnd(node: number, pin: number): string {
  return node === KSFILTER_NODE ? `pin ${pin}` : `node ${node}.${pin}`;
}

function describeFraming(f: AllocatorFraming): string {
  const flags = flagNames(f.flags, KSALLOCATOR_REQUIREMENTF).join('|') || 'none';
  const pool = Object.entries(POOL_TYPE).find(([, v]) => v === f.poolType)?.[0] ?? String(f.poolType);
  const align = Object.entries(FILE_ALIGNMENT).find(([, v]) => v === f.fileAlignment)?.[0] ?? `0x${f.fileAlignment.toString(16)}`;
  return `${f.frames} frames × ${f.frameSize} bytes, ${pool}, alignment ${align} (${f.alignmentBytes} B), requirements ${flags}`;
}

interface PinReport extends Omit<PinFactoryInfo, 'dataRanges' | 'constrainedDataRanges'> {
  dataRanges: Omit<DataRange, 'raw' | 'attributes'>[];
  constrainedDataRanges: Omit<DataRange, 'raw' | 'attributes'>[] | null;
  allocatorFraming: ReturnType<AllocatorFraming['toJSON']> | null;
  allocatorFramingError: string | null;
}

/** Reads a pin's framing by opening an instance of it in a format from its first range. */
function framingOf(filter: ReturnType<typeof openFilter>, pin: PinFactoryInfo): { framing?: AllocatorFraming; error?: string } {
  if (pin.communication === 'none' || pin.communication === 'bridge') return { error: 'not instantiable (bridge or no communication)' };
  const format = pin.dataRanges.map(formatForRange).find((f) => f !== undefined);
  if (!format) return { error: 'no data range this tool can build a format for' };
  try {
    using instance = filter.createPin({ pinId: pin.pinId, dataFormat: format });
    return { framing: instance.allocatorFraming() };
  } catch (e) {
    return { error: e instanceof KsError ? `${e.code}: ${e.message}` : String(e) };
  }
}

function inspect(spec: string, backend: BackendName | undefined, json: boolean, io: Output): void {
  const device = findDevice(spec, backend);
  using filter = openFilter(device.path, { backend: device.backend });
  const pins = filter.pins().map((pin) => ({ pin, ...framingOf(filter, pin) }));
  const topology = topologyOf(filter);
  // KsStudio lists the sets a filter answers; SETSUPPORT asks for each set this package names.
  const propertySets = Object.entries(KSPROPSETID)
    .filter(([, set]) => filter.supportsSet(set))
    .map(([name]) => name);
  if (json) {
    const strip = (ranges: DataRange[]) => ranges.map(({ raw: _raw, attributes: _attributes, ...rest }) => rest);
    const report: PinReport[] = pins.map(({ pin, framing, error }) => ({
      ...pin,
      dataRanges: strip(pin.dataRanges),
      constrainedDataRanges: pin.constrainedDataRanges ? strip(pin.constrainedDataRanges) : null,
      allocatorFraming: framing ? framing.toJSON() : null,
      allocatorFramingError: error ?? null,
    }));
    // bigints (100 ns times in video ranges) as decimal strings.
    const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
    io.out(JSON.stringify({ device, backend: filter.backend, propertySets, topology, pins: report }, replacer, 2));
    return;
  }
  io.out(`${device.friendlyName}`);
  io.out(`  path: ${device.path}`);
  io.out(`  ${backendNote(filter.backend)}`);
  io.out(`  categories: ${device.categories.join(', ') || '(not listed)'}`);
  io.out(`  property sets: ${propertySets.join(', ') || '(none of the known ones)'}`);
  io.out(`  pin factories: ${pins.length}`);
  for (const { pin, framing, error } of pins) {
    const category = pin.category === PINNAME.CAPTURE ? 'PINNAME_CAPTURE' : pin.category ?? 'none';
    io.out('');
    io.out(`  pin ${pin.pinId}: ${pin.name ?? '(unnamed)'}`);
    io.out(`    dataflow ${pin.dataFlow}, communication ${pin.communication}, category ${category}`);
    const global = pin.globalInstances ? `, global ${pin.globalInstances.current}/${pin.globalInstances.possible}` : '';
    const necessary = pin.necessaryInstances !== null ? `, necessary ${pin.necessaryInstances}` : '';
    io.out(`    instances ${pin.instances.current}/${pin.instances.possible}${global}${necessary}`);
    io.out(`    interfaces: ${describeIdentifiers(pin.interfaces, KSINTERFACESETID_Standard)}; mediums: ${describeIdentifiers(pin.mediums, KSMEDIUMSETID_Standard)}`);
    if (pin.physicalConnection) io.out(`    physical connection: pin ${pin.physicalConnection.pinId} of ${pin.physicalConnection.path}`);
    pin.dataRanges.forEach((r, i) => io.out(`    range ${i}: ${describeRange(r)}`));
    io.out(`    allocator framing: ${framing ? describeFraming(framing) : `unavailable (${error})`}`);
  }
  io.out('');
  if (!topology) {
    io.out('  topology: not reported');
    return;
  }
  io.out(`  topology: ${topology.nodes.length} nodes, ${topology.connections.length} connections`);
  for (const node of topology.nodes) io.out(`    node ${node.id}: ${node.typeName ?? node.type}${node.name ? ` "${node.name}"` : ''}`);
  for (const c of topology.connections) io.out(`    ${describeEnd(c.fromNode, c.fromNodePin)} → ${describeEnd(c.toNode, c.toNodePin)}`);
}

function list(category: string | undefined, backend: BackendName | undefined, json: boolean, io: Output): void {
  const devices = listDevices({ category: category as never, backend });
  if (json) {
    io.out(JSON.stringify(devices, null, 2));
    return;
  }
  const active = backend ?? capabilities().backend;
  io.out(backendNote(active));
  if (devices.length === 0) {
    io.out(category ? `no KS device interfaces in category ${category}` : 'no KS device interfaces');
    return;
  }
  const rows = [['#', 'name', 'categories', 'path']];
  devices.forEach((d, i) => rows.push([String(i + 1), d.friendlyName, d.categories.join(','), d.path]));
  for (const line of table(rows)) io.out(line);
}

/** Runs the CLI, including the streaming commands; resolves with the exit code. */
export async function run(argv: string[], io: Output = { out: (l) => console.log(l), err: (l) => console.error(l) }): Promise<number> {
  const [command] = argv;
  if (command !== 'capture' && command !== 'render') return main(argv, io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      allowPositionals: true,
      options: {
        backend: { type: 'string' },
        pin: { type: 'string' },
        format: { type: 'string' },
        frames: { type: 'string' },
        seconds: { type: 'string' },
        out: { type: 'string' },
        raw: { type: 'boolean', default: false },
        unthrottled: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  const positionals = parsed.positionals;
  const needed = command === 'capture' ? 1 : 2;
  if (positionals.length !== needed || (command === 'capture' && !v.out)) {
    io.err(USAGE);
    return 2;
  }
  const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
  const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : undefined;
  try {
    const device = findDevice(positionals[0], v.backend as BackendName | undefined);
    if (command === 'capture') {
      await capture(device, { pin: number(v.pin), format: v.format, frames: number(v.frames), seconds: number(v.seconds), out: v.out!, raw: v.raw, unthrottled: v.unthrottled }, { ...io, progress });
    } else {
      await render(device, positionals[1], { pin: number(v.pin), unthrottled: v.unthrottled }, { ...io, progress });
    }
    return 0;
  } catch (e) {
    const err = e as Error;
    io.err(`kernel-streaming: ${err instanceof KsError ? `${err.code}: ` : ''}${err.message}`);
    return 1;
  }
}

/** Runs the CLI; returns the exit code. */
export function main(argv: string[], io: Output = { out: (l) => console.log(l), err: (l) => console.error(l) }): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        category: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const { json, category, help } = parsed.values;
  const backend = parsed.values.backend as BackendName | undefined;
  if (help || !command) {
    (help ? io.out : io.err)(USAGE);
    return help ? 0 : 2;
  }
  try {
    if (command === 'list' && rest.length === 0) {
      list(category, backend, json ?? false, io);
      return 0;
    }
    if (command === 'inspect' && rest.length === 1) {
      inspect(rest[0], backend, json ?? false, io);
      return 0;
    }
    io.err(USAGE);
    return 2;
  } catch (e) {
    const err = e as Error;
    io.err(`kernel-streaming: ${err instanceof KsError ? `${err.code}: ` : ''}${err.message}`);
    return 1;
  }
}
