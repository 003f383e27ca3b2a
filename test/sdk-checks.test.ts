// native/windows/sdk_lib_checks.cpp asserts, against the Windows SDK
// headers (mingw-w64's in the cross build), the GUIDs and sizes lib/ keeps as
// text. Those assertions are only worth anything if the text in them is
// lib/'s: this reads the KS_TS_GUID / KS_TS_SIZE lines back and holds them
// to what lib/ exports, in both directions.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import * as constants from '../lib/structs/constants';
import * as video from '../lib/formats/video-info';

const root = path.join(__dirname, '..');
const checks = fs.readFileSync(path.join(root, 'native', 'windows', 'sdk_lib_checks.cpp'), 'utf8');

function tsGuidLines(): Map<string, string> {
  const lines = new Map<string, string>();
  for (const m of checks.matchAll(/^KS_TS_GUID\("([\w.]+)", "([^"]*)",/gm)) {
    expect(lines.has(m[1]), `${m[1]} is checked twice`).toBe(false);
    lines.set(m[1], m[2]);
  }
  return lines;
}

/** Every Microsoft GUID lib/structs/constants.ts exports, by its TypeScript path. */
function exportedGuids(): Map<string, string> {
  const out = new Map<string, string>();
  const tables = ['KSCATEGORY', 'KSNAME', 'KSPROPSETID', 'KSMETHODSETID', 'KSDATAFORMAT', 'KSNODETYPE', 'PINNAME', 'KSEVENTSETID'] as const;
  for (const table of tables) {
    for (const [key, value] of Object.entries(constants[table] as Record<string, string>)) {
      if (table === 'KSPROPSETID' && key === 'EmulatorDiagnostics') continue; // the emulator's own, in no SDK
      if (table === 'KSCATEGORY' && key === 'SENSOR_CAMERA') continue; // Windows SDK only: not in mingw-w64's headers
      if (table === 'KSPROPSETID' && key === 'Jack') continue; // Windows SDK only: not in mingw-w64's ksmedia.h
      out.set(`${table}.${key}`, value);
    }
  }
  out.set('KSINTERFACESETID_Standard', constants.KSINTERFACESETID_Standard);
  out.set('KSMEDIUMSETID_Standard', constants.KSMEDIUMSETID_Standard);
  out.set('KSPROPTYPESETID_General', constants.KSPROPTYPESETID_General);
  return out;
}

describe('SDK checks of lib/ (native/windows/sdk_lib_checks.cpp)', () => {
  it('checks every Microsoft GUID lib/structs/constants.ts exports, with exactly its value', () => {
    const lines = tsGuidLines();
    const exported = exportedGuids();
    expect(exported.size).toBeGreaterThan(50);
    for (const [name, value] of exported) {
      expect(lines.get(name), `${name} has no KS_TS_GUID line`).toBe(value);
    }
    for (const name of lines.keys()) expect(exported.has(name), `${name} is checked but not exported`).toBe(true);
  });

  it('checks the video struct sizes and offsets lib/formats/video-info.ts uses, with exactly its values', () => {
    const source = fs.readFileSync(path.join(root, 'lib', 'formats', 'video-info.ts'), 'utf8');
    const sizes = [...checks.matchAll(/^KS_TS_SIZE\("(\w+)", (\d+),/gm)].map((m) => [m[1], Number(m[2])] as const);
    const names = new Set(sizes.map(([name]) => name));
    for (const name of Object.keys(video).filter((k) => /^KS_\w+_SIZE$/.test(k))) expect(names.has(name), `${name} has no KS_TS_SIZE line`).toBe(true);
    for (const name of ['CONFIG_CAPS_OFFSET', 'RANGE_HEADER_OFFSET']) expect(names.has(name), `${name} has no KS_TS_SIZE line`).toBe(true);
    for (const [name, value] of sizes) {
      const exported = (video as Record<string, unknown>)[name];
      if (exported !== undefined) {
        expect(exported, name).toBe(value);
      } else {
        const declared = new RegExp(`^const ${name} = (\\d+);`, 'm').exec(source);
        expect(declared, `${name} is neither exported nor declared in lib/formats/video-info.ts`).not.toBeNull();
        expect(Number(declared![1]), name).toBe(value);
      }
    }
  });
});

describe('native/windows/sdk_status_checks.cpp', () => {
  it('checks every NTSTATUS constant native/ks_status.h names against ntstatus.h', () => {
    const header = fs.readFileSync(path.join(root, 'native', 'ks_status.h'), 'utf8');
    const statusChecks = fs.readFileSync(path.join(root, 'native', 'windows', 'sdk_status_checks.cpp'), 'utf8');
    const named = [...header.matchAll(/^constexpr uint32_t (STATUS_\w+) = /gm)].map((m) => m[1]).sort();
    const checked = [...statusChecks.matchAll(/^ {2}X\((STATUS_\w+)\)/gm)].map((m) => m[1]).sort();
    expect(named.length).toBeGreaterThan(20);
    expect(checked).toEqual(named);
  });
});
