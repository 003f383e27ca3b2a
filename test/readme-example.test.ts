// The README's example, run exactly as written (against the emulator, in a
// child process, from the package's built entry): what a newcomer copies
// must work. The WAV it writes is read back and every sample compared with
// the emulator's capture signal.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import ts from 'typescript';
import { readWav } from '../lib/media/wav';
import { expectIndexSignal } from './helpers';

const root = path.join(__dirname, '..');

function readmeExample(): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split('## Record two seconds of audio to a WAV file')[1];
  const block = /```ts\n([\s\S]*?)```/.exec(section ?? '');
  if (!block) throw new Error('the README has no example block under its heading');
  return block[1];
}

describe("the README's example", () => {
  // A budget, not a measure: a child node and two seconds of real-time capture (slow under Wine).
  it('records two seconds of the emulated capture signal to mic.wav', { timeout: 120_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-readme-'));
    try {
      const source = readmeExample().replace("from 'kernel-streaming'", `from ${JSON.stringify(pathToFileURL(path.join(root, 'dist', 'index.js')).href)}`);
      const js = ts.transpileModule(`${source}\nexport {};`, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      fs.writeFileSync(path.join(dir, 'example.mjs'), js);
      const out = execFileSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, KS_BACKEND: 'emulator' } });
      const wav = readWav(path.join(dir, 'mic.wav'));
      expect(wav.wave).toEqual({ channels: 2, sampleRate: 48000, bitsPerSample: 16 });
      expect(wav.data.length).toBeGreaterThanOrEqual(2 * 48000 * 4);
      expect(out.trim()).toBe(`${wav.data.length} bytes of audio in mic.wav`);
      expectIndexSignal(wav.data, 0, 4, 'mic.wav');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
