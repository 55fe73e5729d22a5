/**
 * Task names become branches, directories and session names, so hostile ones are refused by
 * the CLI before anything is touched: exit 2, one clear paragraph, nothing created.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TASK_NAME_LENGTH, taskNameProblem } from '../src/plan/task-name.js';
import { FIXTURE_BIN, initEmptyRepo, isolatedEnv, runCli } from './support/repo.js';

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'gp-task-name-')));
const repo = join(scratch, 'repo');
const env = isolatedEnv();

beforeAll(() => initEmptyRepo(repo, env, ['-b', 'main']));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args, { cwd: repo, env });

/** [name, a fragment of the reason the message must give] */
const REFUSED: [string, string][] = [
  ['../x', 'starts with "."'],
  ['x/../../etc', 'contains ".."'],
  ['-rf', 'starts with "-"'],
  ['--help', 'starts with "-"'],
  ['$(touch pwned-dollar)', 'the character "$"'],
  ['`touch pwned-backtick`', 'the character "`"'],
  ['a;touch pwned-semicolon', 'the character ";"'],
  ['a\nb', 'whitespace'],
  ['a b', 'whitespace'],
  ['a\tb', 'whitespace'],
  ['a\u0001b', 'control character (U+0001)'],
  ['a\u007fb', 'control character (U+007f)'],
  ['a/b', 'a "/"'],
  ['a\\b', 'the character "\\\\"'],
  ['.hidden', 'starts with "."'],
  ['x..y', 'contains ".."'],
  ['a'.repeat(MAX_TASK_NAME_LENGTH + 1), `${MAX_TASK_NAME_LENGTH + 1} characters long`],
  ['tâche', 'non-ASCII character "â"'],
  ['😀', 'non-ASCII'],
  ['', 'it is empty'],
  ['archive', 'reserved'],
  ['HEAD', 'reserved'],
  ['x.lock', '".lock"'],
  ['x.', 'ends with "."'],
  ['~x', 'the character "~"'],
  ['a|b', 'the character "|"'],
  ['a&b', 'the character "&"'],
  ['a>b', 'the character ">"'],
  ["a'b", `the character "'"`],
  ['a"b', 'the character "\\""'],
  ['a*b', 'the character "*"'],
  ['a?b', 'the character "?"'],
  ['a[b]', 'the character "["'],
  ['a:b', 'the character ":"'],
  ['a^b', 'the character "^"'],
  ['@{-1}', 'the character "{"'],
];

const ACCEPTED = [
  'add-auth',
  'fix_bug.2',
  'a',
  '1st-try',
  'v1.2.3',
  'A-Z_09',
  'x'.repeat(MAX_TASK_NAME_LENGTH),
  'user@feature',
  'c++',
  'key=value',
];

function assertNothingCreated(): void {
  expect(existsSync(join(repo, '.git', 'parallel')), '.git/parallel').toBe(false);
  expect(readdirSync(scratch), 'no worktree directory beside the repository').toEqual(['repo']);
  expect(readdirSync(repo).sort(), 'no file in the repository').toEqual(['.git']);
  const branches = execFileSync('git', ['-C', repo, 'branch', '--format=%(refname:short)'], {
    env,
  }).toString();
  expect(branches.trim()).toBe('main');
}

describe('refused task names', () => {
  it.concurrent.each(REFUSED)('render %j: exit 2, the reason, nothing created', async (name, reason) => {
    // `--` so that names starting with "-" reach the task argument instead of the option parser.
    const result = await cli('render', '--', name);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Invalid task name ${JSON.stringify(name)}`);
    expect(result.stderr).toContain(reason);
    expect(result.stderr).toContain('e.g. "add-auth"');
    expect(result.stderr.trim().split('\n'), 'one paragraph').toHaveLength(1);
    expect(result.stderr).not.toMatch(/^ {4}at /m);
  });

  it.each(['../x', '$(touch pwned-up)', 'a/b', '-rf', 'archive'])(
    'up %j --mux none --no-attach is refused before anything happens',
    async (name) => {
      const result = await cli('up', '--mux', 'none', '--no-attach', '--prompt', 'p', '--', name);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain('Invalid task name');
      assertNothingCreated();
    },
  );

  it('a leading "-" without `--` is an unknown option, also refused', async () => {
    const result = await cli('render', '-rf');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown option '-rf'");
  });

  afterAll(() => assertNothingCreated());
});

describe('accepted task names', () => {
  it.concurrent.each(ACCEPTED)('render %j prints a layout and writes nothing', async (name) => {
    // render prints what the chosen multiplexer runs: the Zellij layout needs (the double of) zellij on PATH.
    const result = await runCli(['render', name, '--agents', '2', '--mux', 'zellij'], {
      cwd: repo,
      env: { ...env, PATH: `${FIXTURE_BIN}${delimiter}${env.PATH}` },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`layout for task ${JSON.stringify(name)}`);
    expect(result.stdout).toContain(`-worktrees/${name}-2"`);
  });

  it('each accepted name makes valid git branch names', () => {
    for (const name of ACCEPTED) {
      expect(taskNameProblem(name), name).toBeUndefined();
      execFileSync('git', ['check-ref-format', '--branch', `${name}-1`], { env, stdio: 'pipe' });
    }
  });

  afterAll(() => assertNothingCreated());
});

describe('taskNameProblem (property)', () => {
  const alphabet = [...'abcXYZ019._-+@=/\\ \t\n$`;|&~^:?*[]{}()<>\'"!#%,é😀\u0000\u007f'];
  const names = fc
    .array(fc.constantFrom(...alphabet), { minLength: 0, maxLength: 60 })
    .map((a) => a.join(''));

  it('an accepted name is safe as a path segment, a shell word and a branch', () => {
    fc.assert(
      fc.property(names, (name) => {
        if (taskNameProblem(name) !== undefined) return;
        expect(name.length).toBeGreaterThan(0);
        expect(name.length).toBeLessThanOrEqual(MAX_TASK_NAME_LENGTH);
        expect(name).toMatch(/^[A-Za-z0-9_+@=][A-Za-z0-9._+@=-]*$/);
        expect(name).not.toContain('..');
        execFileSync('git', ['check-ref-format', '--branch', `${name}-1`], { env, stdio: 'pipe' });
      }),
      { numRuns: 300 },
    );
  });

  it('a refused name always has a reason that names the problem', () => {
    fc.assert(
      fc.property(names, (name) => {
        const problem = taskNameProblem(name);
        if (problem !== undefined) expect(problem).toMatch(/^it |^"/);
      }),
    );
  });
});
