// `kernel-streaming help` as a user reads it: docs/cli.md shows each command's help verbatim, and this file requires
// that to be exactly what the CLI prints (docs that cannot drift from the CLI); the help on standard error when no
// command is given; commander's own messages for a mistyped command or option, exactly as printed.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { cli, CLI_BUDGET, root } from './cli-process';

/** The help blocks of docs/cli.md: a fenced block whose first line is `$ kernel-streaming help[ COMMAND]`, by command ('' for the program). */
function documentedHelp(): Map<string, string> {
  const docs = fs.readFileSync(path.join(root, 'docs', 'cli.md'), 'utf8').replace(/\r\n/g, '\n');
  const blocks = new Map<string, string>();
  for (const [, command, text] of docs.matchAll(/^```\n\$ kernel-streaming help(?: (\w+))?\n([\s\S]*?)\n```$/gm)) {
    expect(blocks.has(command ?? ''), `docs/cli.md shows the help of "${command ?? ''}" twice`).toBe(false);
    blocks.set(command ?? '', text);
  }
  return blocks;
}

/** The commands the program's help lists (its "Commands:" section), without `help` itself. */
function listedCommands(help: string): string[] {
  const section = help.split('\nCommands:\n')[1].split('\n\n')[0];
  return section
    .split('\n')
    .map((line) => /^ {2}(\w+)/.exec(line)![1])
    .filter((name) => name !== 'help');
}

describe('kernel-streaming help, as docs/cli.md shows it', CLI_BUDGET, () => {
  it('prints for `help` and `help COMMAND`, for every command, exactly the text docs/cli.md shows (exit 0, standard output)', async () => {
    const documented = documentedHelp();
    const top = await cli(['help']);
    const commands = listedCommands(top.out);
    expect(commands).toEqual(['list', 'inspect', 'capture', 'render', 'profile', 'controls']);
    // Every command has its block, and no block is left over from a command that is gone.
    expect([...documented.keys()].sort()).toEqual(['', ...commands].sort());
    for (const command of ['', ...commands]) {
      const printed = command === '' ? top : await cli(['help', command]);
      expect({ code: printed.code, err: printed.err }, `help ${command}`).toEqual({ code: 0, err: '' });
      expect(printed.out, `docs/cli.md's block for \`kernel-streaming help ${command}\``).toBe(documented.get(command));
    }
  });

  it('prints the same help for --help, -h and COMMAND --help as for `help` and `help COMMAND`', async () => {
    const documented = documentedHelp();
    for (const args of [['--help'], ['-h']]) expect(await cli(args), args.join(' ')).toMatchObject({ code: 0, out: documented.get(''), err: '' });
    for (const command of ['list', 'capture', 'controls']) {
      expect(await cli([command, '--help']), `${command} --help`).toMatchObject({ code: 0, out: documented.get(command), err: '' });
      expect(await cli([command, '-h']), `${command} -h`).toMatchObject({ code: 0, out: documented.get(command), err: '' });
    }
  });

  it('prints the help on standard error and exits 2 when no command is given', async () => {
    expect(await cli([])).toMatchObject({ code: 2, out: '', err: documentedHelp().get('') });
  });

  it('prints commander\'s message for a mistyped command or option exactly, on standard error (exit 2)', async () => {
    // The program's own errors and a command's: each line once, with no line break lost or added.
    expect(await cli(['lsit'])).toMatchObject({ code: 2, out: '', err: "error: unknown command 'lsit'\n(Did you mean list?)" });
    expect(await cli(['frobnicate'])).toMatchObject({ code: 2, out: '', err: "error: unknown command 'frobnicate'" });
    expect(await cli(['--bogus'])).toMatchObject({ code: 2, out: '', err: "error: unknown option '--bogus'" });
    expect(await cli(['list', '--jsn'])).toMatchObject({ code: 2, out: '', err: "error: unknown option '--jsn'\n(Did you mean --json?)" });
    expect(await cli(['inspect'])).toMatchObject({ code: 2, out: '', err: "error: missing required argument 'device'" });
  });
});
