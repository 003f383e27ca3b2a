/** `kernel-streaming list` and `inspect`, as tables or --json. */
import { capabilities, type BackendName } from '../addon/backend';
import { listDevices, type DeviceInfo } from '../objects/devices';
import type { CaptureFraming } from '../streaming/capture-defaults';
import { formatForRange, type DataRange } from '../formats/data-range';
import type { KsAttribute } from '../structs/attributes';
import { KsError } from '../base/errors';
import { openFilter, type PinFactoryInfo } from '../objects/filter';
import { flagNames, KSALLOCATOR_REQUIREMENTF, POOL_TYPE, FILE_ALIGNMENT, type AllocatorFraming } from '../structs/framing';
import { KSFILTER_NODE, KSINTERFACESETID_Standard, KSINTERFACE_STANDARD_LOOPED_STREAMING, KSINTERFACE_STANDARD_STREAMING, KSMEDIUMSETID_Standard } from '../structs/constants';
import { guidLabel, guidName } from '../structs/names';
import { isGuid } from '../structs/guid';
import { describeRange } from '../formats/format-fit';
import { isAbsent, type Topology } from '../objects/topology';
import { KSPROPSETID } from '../structs/constants';
import { asExtensible } from './capture-command';
import { probeWaveRt, type WaveRtProbe } from './wavert-probe';

export interface Output {
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

/**
 * The report with the SDK name of every GUID this package knows set beside
 * it: `subFormat` gets `subFormatName` ("KSDATAFORMAT_SUBTYPE_PCM"), an array
 * of GUIDs `categories` gets `categoriesNames` (null where unknown).
 */
function withGuidNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withGuidNames);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = withGuidNames(v);
    if (isGuid(v) && guidName(v)) out[`${key}Name`] = guidName(v);
    if (Array.isArray(v) && v.length > 0 && v.every(isGuid)) out[`${key}Names`] = v.map((g) => guidName(g));
  }
  return out;
}

function describeIdentifiers(list: { set: string; id: number }[] | null, standard: string, names: readonly string[] = []): string {
  if (!list) return 'not reported';
  const named = (id: number) => (names[id] ? ` (${names[id]})` : '');
  return list.map((i) => (i.set === standard ? `standard #${i.id}${named(i.id)}` : `${guidLabel(i.set)} #${i.id}`)).join(', ') || 'none';
}

/** KSINTERFACE_STANDARD_*: 0 STREAMING (IRPs), 1 LOOPED_STREAMING (WaveRT's cyclic buffer), 2 CONTROL. */
const STANDARD_INTERFACES = ['STREAMING', 'LOOPED_STREAMING', 'CONTROL'] as const;

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

/** A range without its bytes (raw, attributes, each attribute's raw). */
type RangeReport = Omit<DataRange, 'raw' | 'attributes' | 'attributeList'> & { attributeList?: Omit<KsAttribute, 'raw'>[] };

interface PinReport extends Omit<PinFactoryInfo, 'dataRanges' | 'constrainedDataRanges'> {
  dataRanges: RangeReport[];
  constrainedDataRanges: RangeReport[] | null;
  allocatorFraming: ReturnType<AllocatorFraming['toJSON']> | null;
  allocatorFramingError: string | null;
  captureDefaults: CaptureDefaults | null;
  /** WaveRT pins: hardware latency and the modes the engine can stream in (null: not a WaveRT pin). */
  waveRt: WaveRtProbe | null;
}

/** What frames() would take on this pin: the framing it reads (ALLOCATORFRAMING_EX, the legacy one, or documented defaults) and the stream header size. */
type CaptureDefaults = CaptureFraming & { headerSize: number };

/** Reads a pin's framing by opening an instance of it in a format from its first range. */
function framingOf(filter: ReturnType<typeof openFilter>, pin: PinFactoryInfo): { framing?: AllocatorFraming; error?: string; capture?: CaptureDefaults; waveRt?: WaveRtProbe } {
  if (pin.communication === 'none' || pin.communication === 'bridge') return { error: 'not instantiable (bridge or no communication)' };
  const format = pin.dataRanges.map(formatForRange).find((f) => f !== undefined);
  // A WaveRT pin (portcls) answers no ALLOCATORFRAMING: it streams through a mapped cyclic buffer.
  const looped = pin.interfaces?.some((i) => i.set === KSINTERFACESETID_Standard && i.id === KSINTERFACE_STANDARD_LOOPED_STREAMING);
  const standard = pin.interfaces === null || pin.interfaces.some((i) => i.set === KSINTERFACESETID_Standard && i.id === KSINTERFACE_STANDARD_STREAMING);
  if (looped && !standard) {
    const error = 'WaveRT pin (KSINTERFACE_STANDARD_LOOPED_STREAMING only): no allocator framing, it streams through a mapped cyclic buffer';
    return { error, ...(format ? { waveRt: probeWaveRt(filter, pin, asExtensible(format)) } : {}) };
  }
  if (!format) return { error: 'no data range this tool can build a format for' };
  try {
    using instance = filter.createPin({ pinId: pin.pinId, dataFormat: format });
    let capture: CaptureDefaults | undefined;
    try {
      capture = { ...instance.captureFraming(), headerSize: instance.streamHeaderSize() };
    } catch {
      capture = undefined; // a malformed framing answer: the framing line says why
    }
    try {
      return { framing: instance.allocatorFraming(), capture };
    } catch (e) {
      // AVStream pins answer only ALLOCATORFRAMING_EX.
      return { error: e instanceof KsError ? `${e.code}: ${e.message}` : String(e), capture };
    }
  } catch (e) {
    return { error: e instanceof KsError ? `${e.code}: ${e.message}` : String(e) };
  }
}

export function inspect(device: DeviceInfo, json: boolean, io: Output): void {
  using filter = openFilter(device.path, { backend: device.backend });
  const pins = filter.pins().map((pin) => ({ pin, ...framingOf(filter, pin) }));
  const topology = topologyOf(filter);
  // KsStudio lists the sets a filter answers; SETSUPPORT asks for each set this package names.
  const propertySets = Object.entries(KSPROPSETID)
    .filter(([, set]) => filter.supportsSet(set))
    .map(([name]) => name);
  if (json) {
    const strip = (ranges: DataRange[]) =>
      ranges.map(({ raw: _raw, attributes: _attributes, attributeList, ...rest }) => ({
        ...rest,
        ...(attributeList ? { attributeList: attributeList.map(({ raw: _bytes, ...attribute }) => attribute) } : {}),
      }));
    const report: PinReport[] = pins.map(({ pin, framing, error, capture, waveRt }) => ({
      ...pin,
      dataRanges: strip(pin.dataRanges),
      constrainedDataRanges: pin.constrainedDataRanges ? strip(pin.constrainedDataRanges) : null,
      allocatorFraming: framing ? framing.toJSON() : null,
      allocatorFramingError: error ?? null,
      captureDefaults: capture ?? null,
      waveRt: waveRt ?? null,
    }));
    // bigints (100 ns times in video ranges) as decimal strings.
    const replacer = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
    io.out(JSON.stringify(withGuidNames({ device, backend: filter.backend, propertySets, topology, pins: report }), replacer, 2));
    return;
  }
  io.out(`${device.friendlyName}`);
  io.out(`  path: ${device.path}`);
  io.out(`  ${backendNote(filter.backend)}`);
  io.out(`  categories: ${device.categories.join(', ') || '(not listed)'}`);
  io.out(`  property sets: ${propertySets.join(', ') || '(none of the known ones)'}`);
  io.out(`  pin factories: ${pins.length}`);
  for (const { pin, framing, error, capture, waveRt } of pins) {
    const category = pin.category ? guidLabel(pin.category) : 'none';
    io.out('');
    io.out(`  pin ${pin.pinId}: ${pin.name ?? '(unnamed)'}`);
    io.out(`    dataflow ${pin.dataFlow}, communication ${pin.communication}, category ${category}`);
    const global = pin.globalInstances ? `, global ${pin.globalInstances.current}/${pin.globalInstances.possible}` : '';
    const necessary = pin.necessaryInstances !== null ? `, necessary ${pin.necessaryInstances}` : '';
    io.out(`    instances ${pin.instances.current}/${pin.instances.possible}${global}${necessary}`);
    io.out(`    interfaces: ${describeIdentifiers(pin.interfaces, KSINTERFACESETID_Standard, STANDARD_INTERFACES)}; mediums: ${describeIdentifiers(pin.mediums, KSMEDIUMSETID_Standard)}`);
    if (pin.physicalConnection) io.out(`    physical connection: pin ${pin.physicalConnection.pinId} of ${pin.physicalConnection.path}`);
    pin.dataRanges.forEach((r, i) => io.out(`    range ${i}: ${describeRange(r)}${describeAttributes(r)}`));
    io.out(`    allocator framing: ${framing ? describeFraming(framing) : `unavailable (${error})`}`);
    if (waveRt) {
      const latency = waveRt.hwLatency
        ? `FIFO ${waveRt.hwLatency.fifoSize} bytes, chipset delay ${waveRt.hwLatency.chipsetDelay / 10} µs, codec delay ${waveRt.hwLatency.codecDelay / 10} µs`
        : 'hardware latency not reported';
      io.out(`    WaveRT: ${waveRt.error ? `not probed: ${waveRt.error}` : `modes ${waveRt.modes.join(', ')}; ${latency}`}`);
    }
    if (capture) {
      const from = { 'framing-ex': 'ALLOCATORFRAMING_EX', framing: 'ALLOCATORFRAMING', documented: 'documented defaults' }[capture.source];
      io.out(`    streaming: ${capture.frames || 'any number of'} frames × ${capture.frameSize || 'unstated'} bytes, alignment ${capture.alignment} B (from ${from}); ${capture.headerSize}-byte stream headers`);
    }
  }
  io.out('');
  if (!topology) {
    io.out('  topology: not reported');
    return;
  }
  io.out(`  topology: ${topology.nodes.length} nodes, ${topology.connections.length} connections; categories ${topology.categories.map(guidLabel).join(', ') || 'none'}`);
  for (const node of topology.nodes) io.out(`    node ${node.id}: ${node.typeName ?? node.type}${node.name ? ` "${node.name}"` : ''}`);
  for (const c of topology.connections) io.out(`    ${describeEnd(c.fromNode, c.fromNodePin)} → ${describeEnd(c.toNode, c.toNodePin)}`);
}

/** " (signal-processing modes DEFAULT, RAW)" for a range with an attribute list; "" without. */
function describeAttributes(range: DataRange): string {
  if (!range.attributeList) return '';
  const modes = range.signalProcessingModes ? `signal-processing modes ${range.signalProcessingModes.join(', ')}` : '';
  const others = range.attributeList.filter((a) => !a.name).map((a) => `attribute ${a.attribute}${a.required ? ' (required)' : ''}`);
  return ` (${[modes, ...others].filter(Boolean).join('; ') || 'empty attribute list'})`;
}

export function list(category: string | undefined, backend: BackendName | undefined, json: boolean, io: Output): void {
  // Numbered in the full list, whatever the filter: the numbers every other command takes. A device only in a
  // category the full list does not search (a GUID of its own) has no number: give its path.
  const all = listDevices({ backend });
  const devices = category === undefined ? all : listDevices({ category: category as never, backend });
  const numbers = new Map(all.map((device, i) => [device.path, String(i + 1)]));
  const numbered = devices.map((device) => ({ device, number: numbers.get(device.path) ?? '-' }));
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
  for (const { device: d, number } of numbered) rows.push([number, d.friendlyName, d.categories.join(','), d.path]);
  for (const line of table(rows)) io.out(line);
}
