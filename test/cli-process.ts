// Runs the kernel-streaming command as a user does: `node bin/kernel-streaming.js …` in a child process, against the
// built dist/ (npm test builds it first), with the emulator as the backend.
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const root = path.join(__dirname, '..');
export const bin = path.join(root, 'bin', 'kernel-streaming.js');

if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build:ts` (npm test does) before the CLI tests');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** Standard output as bytes (for --out -). */
  stdout: Buffer;
}

/** Starts the CLI; `done` settles when it exits. */
export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): { child: ChildProcess; done: Promise<CliResult>; err: () => string } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    env: { ...process.env, KS_BACKEND: 'emulator', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => stdout.push(b));
  child.stderr!.on('data', (b: Buffer) => stderr.push(b));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const bytes = Buffer.concat(stdout);
      resolve({ code, signal, out: bytes.toString('utf8').replace(/\n$/, ''), err: Buffer.concat(stderr).toString('utf8').replace(/\n$/, ''), stdout: bytes });
    });
  });
  return { child, done, err: () => Buffer.concat(stderr).toString('utf8') };
}

export function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Resolves once `check()` holds, polling every 20 ms; rejects after `ms`. */
export async function until(check: () => boolean, what: string, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
