/**
 * Every `--json` output is described by a schema in schemas/ (shipped in the package), and the
 * real output of each command, run through the built CLI on one headless task, validates
 * against it. The same worktree gets the same counts under the same names in status, compare,
 * ls and watch.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';
import { SCHEMAS, validJson } from './support/json-schema.js';
import { CLI, fakeAgent, makeRepo, ROOT, type TestRepo } from './support/repo.js';

const schemaNames = readdirSync(SCHEMAS).map((f) => f.replace(/\.json$/, ''));

/** `pool status` → `pool-status`: every command that has a --json option. */
function jsonCommands(command: Command, prefix = ''): string[] {
  return command.commands.flatMap((c) => {
    const name = prefix ? `${prefix}-${c.name()}` : c.name();
    const own = c.options.some((o) => o.long === '--json') ? [name] : [];
    return [...own, ...jsonCommands(c, name)];
  });
}

describe('the schemas', () => {
  it('one per command with --json, each a draft 2020-12 schema requiring version, all in the package', () => {
    expect(jsonCommands(buildProgram()).sort()).toEqual([...schemaNames].sort());
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain('schemas');
    for (const name of schemaNames) {
      const schema = JSON.parse(readFileSync(join(SCHEMAS, `${name}.json`), 'utf8'));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(() => validJson(name, '{"version": 2}')).toThrow();
    }
  });
});

describe('every --json output through the CLI', { timeout: 120_000 }, () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await makeRepo({ config: { agents: [fakeAgent({ count: 2 })], startupWait: 0 } });
  });
  afterAll(() => repo.cleanup());

  it('up, wait, status, compare, ls, render, doctor, pool, watch: valid, with one vocabulary', async () => {
    const up = await repo.run(['up', 't', '--mux', 'none', '--no-attach', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(validJson('up', up.stdout).actions.length).toBeGreaterThan(0);
    const wait = await repo.run(['wait', 't', '--until', 'exited', '--timeout', '60', '--json']);
    expect(validJson('wait', wait.stdout).reached).toBe(true);
    // Candidate 1 also has work it did not commit: a changed tracked file and a new directory.
    writeFileSync(join(repo.worktree('t', 1), 'README.md'), 'changed\n');
    mkdirSync(join(repo.worktree('t', 1), 'notes'));
    writeFileSync(join(repo.worktree('t', 1), 'notes', 'a.txt'), 'a\n');
    writeFileSync(join(repo.worktree('t', 1), 'notes', 'b.txt'), 'b\n');

    const runs = await Promise.all(
      [
        ['status', 't', '--json'],
        ['status', '--json'],
        ['compare', 't', '--json', '--no-eval'],
        ['ls', '--json'],
        ['render', 't', '--json'],
        ['pool', 'status', '--json'],
        ['up', 't', '--mux', 'none', '--no-attach', '--dry-run', '--json'],
      ].map((args) => repo.run(args)),
    );
    const [status, statusAll, compare, ls, render, pool, dry] = runs.map((r) => r.stdout);
    const one = validJson('status', status!);
    const all = validJson('status', statusAll!);
    const cmp = validJson('compare', compare!);
    const list = validJson('ls', ls!);
    validJson('render', render!);
    validJson('pool-status', pool!);
    validJson('up', dry!);
    validJson('pool-drain', (await repo.run(['pool', 'drain', '--json'])).stdout);
    const watch = validJson('watch', (await firstWatchLine(repo)) ?? '');

    expect(all.tasks).toHaveLength(1);
    expect(list.tasks[0]).toMatchObject({ task: 't', candidates: 2, base: { commit: one.base.commit } });
    const work = (c: any) => ({
      index: c.index,
      commitsAhead: c.commitsAhead,
      filesChanged: c.filesChanged,
      uncommitted: c.uncommitted,
      untracked: c.untracked,
    });
    expect(one.candidates.map(work)).toEqual(cmp.candidates.map(work));
    expect(one.candidates[0]).toMatchObject({
      commitsAhead: 1,
      filesChanged: 1,
      uncommitted: ['README.md'],
      untracked: ['notes/a.txt', 'notes/b.txt'],
    });
    expect(watch.candidates.map((c: any) => [c.commitsAhead, c.filesChanged])).toEqual(
      cmp.candidates.map((c: any) => [c.commitsAhead, c.filesChanged]),
    );
  });
});

/** `watch --json` prints a line at once; the first is enough. */
function firstWatchLine(repo: TestRepo): Promise<string | undefined> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, 'watch', 't', '--json'], { cwd: repo.dir, env: repo.env });
    let out = '';
    const timer = setTimeout(() => child.kill(), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) child.kill();
    });
    child.on('close', () => {
      clearTimeout(timer);
      done(out.split('\n')[0]);
    });
  });
}
