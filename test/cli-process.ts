// Runs the kernel-streaming command as a user does: `node bin/kernel-streaming.js …` in a child process, against the
// built dist/ (npm test builds it first), with the emulator as the backend.
//
// Under StrykerJS (vitest.stryker.config.mts sets KS_CLI_IN_PROCESS=1) `cli()` calls `run()` from lib/cli/main.ts in
// this vitest worker instead: Stryker mutates lib/ in its sandbox, never dist/, so only an in-process run can kill a
// CLI mutant. It gives the same result a child gives: the lines written to standard output and standard error, the
// exit code run() resolves with (what bin/kernel-streaming.js sets as process.exitCode), and the bytes of `--out -`,
// which go through a pipe of the test's own (a FIFO drained by `cat`, another process, so a full pipe never blocks
// the worker for good), so the CLI meets an unseekable output as it
// does under `| …`. Tests that need the process itself (a closed stdout pipe, signals, an environment of their own)
// run only as a child.
import { afterAll } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const root = path.join(__dirname, '..');
export const bin = path.join(root, 'bin', 'kernel-streaming.js');

/** A budget, not a measure: a CLI test starts node several times (seconds each under Wine or at high load). */
export const CLI_BUDGET = { timeout: 180_000 };

/** A folder of the calling test file's own for the files a CLI run reads or writes, removed after its tests. */
export function temporaryFolder(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-cli-'));
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** Whether `cli()` runs the CLI in this process (under StrykerJS) rather than as a child process. */
export const inProcess = process.env.KS_CLI_IN_PROCESS === '1';

if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build:ts` (npm test does) before the CLI tests');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
  /** Standard output as bytes (for --out -). */
  stdout: Buffer;
}

/** Starts the CLI as a child process; `done` settles when it exits. */
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

/** `run(args)` in this process, with standard output and error captured as a child's would be. */
async function runInProcess(args: string[]): Promise<CliResult> {
  // Loaded here, not at the top: the child-process mode must not load lib/ (and the addon) into the test just for this.
  const { run } = await import('../lib/cli/main');
  const out: string[] = [];
  const err: string[] = [];
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ks-cli-stdout-'));
  try {
    const fifo = path.join(folder, 'stdout');
    const drained = path.join(folder, 'stdout.bytes');
    execFileSync('mkfifo', [fifo]);
    const sink = fs.openSync(drained, 'w');
    const cat = spawn('cat', [fifo], { stdio: ['ignore', sink, 'inherit'] });
    fs.closeSync(sink); // the child has its own
    const catDone = new Promise<number | null>((resolve, reject) => {
      cat.on('error', reject);
      cat.on('close', resolve);
    });
    // Opening the write end waits for `cat` to open the read end (a FIFO opens only in pairs); closing it is the end
    // of file `cat` reads to. A `cat` that cannot start ends the wait with its error.
    const pipe = await Promise.race([fs.promises.open(fifo, 'w'), catDone.then(() => Promise.reject(new Error('cat ended before opening the pipe')))]);
    let code: number;
    try {
      code = await run(args, { out: (line) => out.push(line + '\n'), err: (line) => err.push(line + '\n'), standardOutput: pipe.fd });
    } finally {
      await pipe.close();
    }
    if ((await catDone) !== 0) throw new Error('cat could not drain the standard output pipe');
    const stdout = Buffer.concat([Buffer.from(out.join(''), 'utf8'), fs.readFileSync(drained)]);
    return { code, signal: null, out: stdout.toString('utf8').replace(/\n$/, ''), err: err.join('').replace(/\n$/, ''), stdout };
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

export function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  // A run with an environment or folder of its own (KS_EMULATOR_PROFILES, read when a process first enumerates) stays
  // a child process: in process it would share the worker's.
  if (inProcess && options.cwd === undefined && options.env === undefined) return runInProcess(args);
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
