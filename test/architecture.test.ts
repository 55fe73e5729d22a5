/**
 * The ownership rules of src/, checked on the source text so they stay true: only src/git/ runs
 * git or reads .git internals, only src/proc/ reads /proc or signals process groups.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ROOT } from './support/repo.js';

const SRC = join(ROOT, 'src');

function sources(dir = SRC): { file: string; code: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    if (!entry.name.endsWith('.ts')) return [];
    return [{ file: relative(SRC, path), code: withoutComments(readFileSync(path, 'utf8')) }];
  });
}

/** Comments may name git's files; only code counts. */
const withoutComments = (text: string) =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

/** `file: line` for every line of the files outside `owners` that matches. */
function offenders(pattern: RegExp, owners: string[]): string[] {
  return sources()
    .filter(({ file }) => !owners.some((owner) => file.startsWith(owner)))
    .flatMap(({ file, code }) =>
      code
        .split('\n')
        .map((line, i) => (pattern.test(line) ? `${file}:${i + 1}: ${line.trim()}` : undefined))
        .filter((hit): hit is string => hit !== undefined),
    );
}

describe('only src/git/ runs git and reads .git internals', () => {
  test('nothing else imports the git runner', () => {
    expect(offenders(/from '[./]*\/?git\/run\.js'/, ['git/'])).toEqual([]);
  });

  test('nothing else starts a git process', () => {
    expect(
      offenders(/(spawn|spawnSync|execFile|execFileSync|execa|exec)\(\s*['"`]git['"`]/, ['git/']),
    ).toEqual([]);
  });

  test("nothing else names a path inside .git (admin dirs, reflogs, a worktree's .git file)", () => {
    const gitPaths =
      /['"`/]\.git['"`/]|commonDir\b.*['"`](logs|worktrees)['"`]|['"`](gitdir|commondir)['"`]|['"`]logs['"`],\s*['"`](HEAD|refs)['"`]/;
    expect(offenders(gitPaths, ['git/'])).toEqual([]);
  });
});

describe('only src/proc/ deals with processes at the OS level', () => {
  test('nothing else reads /proc', () => {
    expect(offenders(/['"`]\/proc\//, ['proc/'])).toEqual([]);
  });

  test('nothing else signals a process group', () => {
    expect(offenders(/process\.kill\(\s*-/, ['proc/'])).toEqual([]);
  });

  test('child processes start only in src/git/, src/proc/ and the multiplexer drivers', () => {
    // deps/link.ts runs cp with reflink flags; judge/run-agent.ts feeds an agent its prompt and logs it.
    // Not yet moved into proc/: the attention hooks' spawns (attention/wiring.ts, hook/effects.ts, commands/watch.ts).
    const owners = [
      'git/',
      'proc/',
      'mux/',
      'deps/link.ts',
      'judge/run-agent.ts',
      'attention/wiring.ts',
      'hook/effects.ts',
      'commands/watch.ts',
    ];
    expect(offenders(/from 'node:child_process'|from 'execa'/, owners)).toEqual([]);
  });
});

describe('only src/mux/ (and the config that names them) knows the multiplexers by name', () => {
  test('no code elsewhere names zellij or tmux, or compares a multiplexer with none', () => {
    const names = /['"`](zellij|tmux)['"`]|mux\b[^;]*[!=]==?\s*['"`]none['"`]/;
    expect(offenders(names, ['mux/', 'config/'])).toEqual([]);
  });

  test('the tmux driver does not borrow from the headless one', () => {
    const tmux = sources().find(({ file }) => file === join('mux', 'tmux.ts'))!;
    expect(tmux.code).not.toMatch(/from '\.\/none\.js'/);
  });
});

describe('the programs run on a host over ssh (src/remote/)', () => {
  test('reach git and the multiplexer there only through src/git/host.ts and src/mux/host-tmux.ts', () => {
    const direct = /(^|[\s;(|&{`])(git|tmux|zellij)\s+(-C|-S|\w+-\w+|init|worktree|status|diff|rev-)/;
    const hits = sources()
      .filter(({ file }) => file.startsWith('remote/'))
      .flatMap(({ file, code }) =>
        code
          .split('\n')
          .map((line, i) => (direct.test(line) ? `${file}:${i + 1}: ${line.trim()}` : undefined))
          .filter((hit): hit is string => hit !== undefined),
      );
    expect(hits).toEqual([]);
  });
});
