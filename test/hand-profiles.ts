// Profile documents written by hand for the replay tests (replay-profile-answers, replay-profile-edges): one recorded
// request with the size query KS answers for it, a document of filters, and a raw property request to a replayed
// filter as a client's DeviceIoControl sends it.
import { KSPROPSETID, loadProfile, openFilter, type LoadedProfile, type ProfileDocument } from '../lib/index';
import { guidToBuffer } from '../lib/structs/guid';
import { encodeIdentifier } from '../lib/structs/request';
import type { StatusTriple } from '../lib/base/errors';

export const PROPERTY = 0x2f0003; // IOCTL_KS_PROPERTY
export const PIN = KSPROPSETID.Pin.toUpperCase();
export const TOPOLOGY = KSPROPSETID.Topology.toUpperCase();
export const SET = '{5A5A5A5A-1111-2222-3333-444455556666}';
export const STANDARD_INTERFACES = '{1A8766A0-62CE-11CF-A5D6-28DB04C10000}'; // KSINTERFACESETID_Standard
export const GET = 1;
export const BASICSUPPORT = 0x200;
export const DEFAULTVALUES = 0x10000;
export const NODE = 0x10000000;

export type Status = { scheme: 'ntstatus' | 'win32' | 'hresult'; value: number; name: string };
export const nt = (value: number): Status => ({ scheme: 'ntstatus', value, name: '' });
export const win32 = (value: number): Status => ({ scheme: 'win32', value, name: '' });
export const hresult = (value: number): Status => ({ scheme: 'hresult', value, name: '' });
export const u32s = (...values: number[]) => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
};
export const ksp = (id: number) => u32s(id, 0);
export const guidBytes = (guid: string) => guidToBuffer(guid);
/** A KSMULTIPLE_ITEM of `items`, each the same size. */
export const multiple = (items: Buffer[]) => Buffer.concat([u32s(8 + items.reduce((n, i) => n + i.length, 0), items.length), ...items]);
export const wide = (text: string) => Buffer.from(`${text}\0`, 'utf16le');

export interface Answer {
  status?: Status;
  data?: Buffer;
  information?: number;
  sizeQuery?: { status: Status; information: number };
}
/** One recorded request; a GET that succeeded with data gets the size query KS answers for it unless told otherwise. */
export function req(set: string, id: number, kind: 'get' | 'basicSupport' | 'setSupport' | 'defaultValues', instance: Buffer, a: Answer = {}, extra: { target?: 'filter' | 'pin-instance'; pinId?: number; flags?: number } = {}) {
  const data = a.data ?? Buffer.alloc(0);
  const status = a.status ?? nt(0);
  const flags = extra.flags ?? { get: GET, basicSupport: BASICSUPPORT, setSupport: 0x100, defaultValues: DEFAULTVALUES }[kind];
  const out: Record<string, unknown> = { target: extra.target ?? 'filter', set: set.toUpperCase(), id, kind, flags, instance: instance.toString('base64') };
  if (extra.pinId !== undefined) out.pinId = extra.pinId;
  if (kind !== 'setSupport') out.sizeQuery = a.sizeQuery ?? (data.length > 0 && status.value === 0 ? { status: nt(0x80000005), information: data.length } : { status, information: a.information ?? 0 });
  out.reply = { status, information: a.information ?? data.length, data: data.toString('base64') };
  return out;
}

export function doc(filters: { key?: string; name?: string; requests: unknown[]; physicalConnections?: unknown[] }[]): ProfileDocument {
  return {
    format: 'kernel-streaming-profile',
    version: 1,
    recordedAt: '',
    recordedWith: { package: '', backend: 'windows', platform: 'win32' },
    anonymized: true,
    contains: [],
    filters: filters.map((f, i) => ({
      key: f.key ?? `filter${i}`,
      friendlyName: f.name ?? `Replay Answers ${i}`,
      path: null,
      categories: ['{6994AD04-93EF-11D0-A3CC-00A0C9223196}'],
      requests: f.requests,
      pinCreates: [],
      physicalConnections: f.physicalConnections ?? [],
    })),
  } as unknown as ProfileDocument;
}

/** One raw property request to the replayed filter, as a client's DeviceIoControl would send it. */
export function ask(filter: ReturnType<typeof openFilter>, set: string, id: number, flags: number, instance: Buffer, size: number): { triple: StatusTriple; data: Buffer } {
  const output = size > 0 ? Buffer.alloc(size) : null;
  const triple = filter.ioctl(PROPERTY, encodeIdentifier(set, id, flags, instance), output);
  return { triple, data: output ? output.subarray(0, Math.min(triple[2] >>> 0, size)) : Buffer.alloc(0) };
}
export const statusOf = (r: { triple: StatusTriple }) => r.triple[1] >>> 0;

/** Profiles loaded by a test file, removed by its afterEach (`for (const l of loaded.splice(0)) l.remove()`). */
export const loaded: LoadedProfile[] = [];
export function load(document: ProfileDocument): LoadedProfile {
  const l = loadProfile(document);
  loaded.push(l);
  return l;
}
