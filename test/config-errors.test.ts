/**
 * The corpus of bad configs in test/fixtures/bad-configs/<case>/: each case is copied into a
 * fresh git repository and run through the built CLI (`parallel render t`) as a real process.
 * Every case must be refused with one paragraph on stderr that names the file, the field and
 * the fix (the substrings of its expected.txt; lines starting with "#" are comments), a
 * non-zero exit code, no stack trace, nothing on stdout and nothing written to the repository.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { initEmptyRepo, isolatedEnv } from './support/repo.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
/** The built CLI; GP_CLI points at a private build while others rebuild dist/. */
const CLI = process.env.GP_CLI ?? join(ROOT, 'dist', 'cli.js');
const CORPUS = join(ROOT, 'test', 'fixtures', 'bad-configs');
const scratch = mkdtempSync(join(tmpdir(), 'gp-config-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cases = readdirSync(CORPUS).sort();

function expectedOf(name: string): string[] {
  return readFileSync(join(CORPUS, name, 'expected.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'));
}

const gitEnv = isolatedEnv({ FORCE_COLOR: '0' });

/** A repository with one commit, then the case's files copied in (untracked). */
async function repoWith(name: string): Promise<{ repo: string; files: string[] }> {
  const repo = join(scratch, name, 'repo');
  initEmptyRepo(repo, gitEnv);
  const files = readdirSync(join(CORPUS, name)).filter((f) => f !== 'expected.txt');
  for (const file of files) cpSync(join(CORPUS, name, file), join(repo, file));
  return { repo, files };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(cwd: string, args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { cwd, env: gitEnv });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the bad-config corpus', () => {
  it('has at least 28 cases, each with one config file and an expected.txt', () => {
    expect(cases.length).toBeGreaterThanOrEqual(28);
    for (const name of cases) {
      const files = readdirSync(join(CORPUS, name));
      expect(files, name).toContain('expected.txt');
      expect(
        files.filter((f) => f !== 'expected.txt'),
        name,
      ).toHaveLength(1);
      expect(
        expectedOf(name).length,
        `${name}/expected.txt lists what the message must contain`,
      ).toBeGreaterThan(0);
    }
  });

  it.concurrent.each(cases)('%s is refused with one clear paragraph and nothing created', async (name) => {
    const { repo, files } = await repoWith(name);
    const result = await cli(repo, ['render', 't']);

    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    for (const part of expectedOf(name)) expect(result.stderr, `${name}: "${part}"`).toContain(part);
    expect(result.stderr).not.toMatch(/^ {4}at /m);
    expect(result.stderr).not.toContain('--verbose for the stack trace');
    expect(result.stderr.trim().split('\n'), 'one paragraph').toHaveLength(1);
    expect(result.stderr).toMatch(/^error: /);

    const { stdout: status } = await run(
      'git',
      ['-C', repo, 'status', '--porcelain', '--untracked-files=all'],
      {
        env: gitEnv,
      },
    );
    expect(status.split('\n').filter(Boolean).sort()).toEqual(files.map((f) => `?? ${f}`).sort());
    expect(existsSync(join(repo, '.git', 'parallel'))).toBe(false);
    expect(readdirSync(join(scratch, name))).toEqual(['repo']);
  });
});

describe('--verbose', () => {
  it('adds the stack trace of a config that throws', async () => {
    const { repo } = await repoWith('throws');
    const result = await cli(repo, ['render', 't', '--verbose']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('NO_SUCH_VARIABLE_HERE is not set');
    expect(result.stderr).toMatch(/^ {4}at /m);
  });
});

describe('the error names the config file as seen from the current directory', () => {
  it('from a subdirectory it shows the relative path', async () => {
    const { repo } = await repoWith('count-zero');
    const sub = join(repo, 'packages', 'api');
    await run('mkdir', ['-p', sub]);
    const result = await cli(sub, ['render', 't']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('../../parallel.config.ts');
    expect(result.stderr).toContain('agents[0].count');
  });
});
