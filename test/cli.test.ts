import { describe, expect, it } from 'vitest';
import { main } from '../lib/cli/main';

function run(args: string[]): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('kernel-streaming CLI', () => {
  it('lists the emulated devices and says they are emulated', () => {
    const { code, out } = run(['list', '--backend', 'emulator']);
    expect(code).toBe(0);
    expect(out).toContain('these devices are emulated');
    expect(out).toMatch(/\d+\s+KS Emulator Audio Capture\s+AUDIO,CAPTURE/);
  });

  it('prints JSON for machines', () => {
    const { code, out } = run(['list', '--json', '--backend', 'emulator']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toContainEqual(expect.objectContaining({ friendlyName: 'KS Emulator Audio Capture', emulated: true }));
  });

  it('inspects a device by name: pins and each pin\'s allocator framing', () => {
    const { code, out } = run(['inspect', 'Audio Capture', '--backend', 'emulator']);
    expect(code).toBe(0);
    expect(out).toContain('pin 0: Capture');
    expect(out).toContain('allocator framing: 8 frames × 1920 bytes, NonPagedPool, alignment LONG (4 B), requirements SYSTEM_MEMORY|PREFERENCES_ONLY');
    expect(out).toContain('allocator framing: 4 frames × 16384 bytes');
  });

  it('inspects by name, as JSON', () => {
    const { code, out } = run(['inspect', 'audio capture', '--json', '--backend', 'emulator']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.pins[0].allocatorFraming).toMatchObject({ frames: 8, frameSize: 1920, flagNames: ['SYSTEM_MEMORY', 'PREFERENCES_ONLY'] });
  });

  it('inspects the render device: per-pin instances, interfaces, mediums and the topology', () => {
    const { code, out } = run(['inspect', 'audio render', '--backend', 'emulator']);
    expect(code).toBe(0);
    expect(out).toContain('instances 0/1, global 0/2, necessary 0');
    expect(out).toContain('interfaces: standard #0; mediums: standard #0');
    expect(out).toContain('node 0: KSNODETYPE_VOLUME "Speaker Volume"');
    expect(out).toContain('node 2.0 → pin 1');
  });

  it('puts the topology and the new pin properties in --json', () => {
    const { code, out } = run(['inspect', 'video capture', '--json', '--backend', 'emulator']);
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.topology.categories).toHaveLength(3);
    // SETSUPPORT per known set: the camera answers Pin and Topology, and no audio or general set.
    expect(report.propertySets).toEqual(['Pin', 'Topology']);
    expect(report.pins[0]).toMatchObject({ necessaryInstances: 1, globalInstances: { possible: 1, current: 0 }, interfaces: [{ id: 0 }] });
    expect(report.pins[0].allocatorFraming).toMatchObject({ frames: 4, frameSize: 1843200 });
  });

  it('fails clearly on an unknown device and bad usage', () => {
    const missing = run(['inspect', 'nothing-like-this', '--backend', 'emulator']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no device "nothing-like-this"');
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['list', '--bogus']).code).toBe(2);
  });
});
