import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareJson } from '../src/compare/types.js';
import { UNKNOWN_COST } from '../src/cost/types.js';
import { prBody, prTitle } from '../src/ship/pr-body.js';
import { createFixture, FAKE_JUDGE, type Fixture, git, ROOT, upTask } from './support/task-fixture.js';

const GH_BIN = join(ROOT, 'test/fixtures/gh-bin');

describe('prTitle and prBody (pure)', () => {
  it('titles from the task and the first line of the prompt, cut to 72 characters', () => {
    expect(prTitle('add-auth', 'Add JWT auth\n\nDetails…')).toBe('add-auth: Add JWT auth');
    expect(prTitle('t', undefined)).toBe('t');
    expect(prTitle('t', 'x'.repeat(100))).toHaveLength(72);
  });

  it('holds the prompt, the compare row, the evals and an unjudged note', () => {
    const candidate = {
      index: 2,
      label: 't-2',
      agent: 'fake',
      branch: 't-2',
      worktree: '/w',
      worktreeExists: true,
      head: 'c'.repeat(40),
      commitsAhead: 1,
      filesChanged: 2,
      insertions: 3,
      deletions: 1,
      files: [],
      uncommitted: [],
      untracked: [],
      overlap: [],
      evals: [
        { name: 'test', command: 'a | b', status: 'pass' as const, exitCode: 0, durationMs: 1500, log: null },
      ],
      verdict: null,
      cost: UNKNOWN_COST,
    };
    const json: CompareJson = {
      version: 1,
      task: 't',
      base: { ref: 'HEAD', commit: 'b'.repeat(40), branch: 'main' },
      evals: ['test'],
      candidates: [candidate],
      overlap: [],
      judge: null,
    };
    const body = prBody({ json, candidate, prompt: 'Do ```it```', evalsRun: true, branch: 't-2' });
    expect(body).toContain('````text\nDo ```it```\n````');
    expect(body).toContain('| `t-2` | 1 | 2 | +3 -1 | 0 | 0 | unknown | unknown | unknown |');
    expect(body).toContain('| test | `a \\| b` | pass | 0 | 1.5 s |');
    expect(body).toContain('No judge ranked the candidates.');
  });
});

describe('parallel ship (end to end)', () => {
  let fx: Fixture;
  let remote: string;
  let ghLog: string;
  let env: NodeJS.ProcessEnv;
  const calls = () =>
    existsSync(ghLog)
      ? readFileSync(ghLog, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { argv: string[]; body: string | null })
      : [];

  beforeAll(async () => {
    fx = await createFixture({
      eval: [{ name: 'has-two', command: 'test -f candidate-2.txt' }],
      config: { judge: { name: 'fake-judge', command: FAKE_JUDGE } },
    });
    await upTask(fx, 't', 3);
    remote = join(fx.tmp, 'remote.git');
    await git(fx.tmp, 'init', '-q', '--bare', remote);
    ghLog = join(fx.tmp, 'gh.log');
    env = { PATH: `${GH_BIN}${delimiter}${process.env.PATH}`, FAKE_GH_LOG: ghLog };
  });
  afterAll(() => fx?.cleanup());

  it('without a remote: a clear error, nothing pushed', async () => {
    const result = await fx.cli(['ship', 't', '2'], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('has no remote to ship to');
    expect(result.stderr).toContain('git remote add origin <url>');
    await git(fx.repo, 'remote', 'add', 'origin', remote);
    const unknown = await fx.cli(['ship', 't', '2', '--remote', 'upstream'], env);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('There is no remote "upstream"');
    expect(unknown.stderr).toContain('its remotes are origin');
  });

  it('--pr refuses before pushing when gh is missing or not logged in', async () => {
    const missing = await fx.cli(['ship', 't', '2', '--pr'], { PATH: process.env.PATH });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('`gh` is not on PATH');
    const loggedOut = await fx.cli(['ship', 't', '2', '--pr'], { ...env, FAKE_GH_AUTH: 'no' });
    expect(loggedOut.exitCode).toBe(1);
    expect(loggedOut.stderr).toContain('Run `gh auth login`');
    expect(await git(remote, 'for-each-ref')).toBe('');
  });

  it('ship --pr pushes the branch and calls gh with a body holding the prompt, evals and the verdict', async () => {
    expect((await fx.cli(['judge', 't', '--no-eval'], env)).exitCode).toBe(0);
    const result = await fx.cli(['ship', 't', '2', '--pr', '--draft'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe('https://github.com/tester/repo/pull/7');
    expect(await git(remote, 'rev-parse', 'refs/heads/t-2')).toBe(await git(fx.repo, 'rev-parse', 't-2'));
    const create = calls().find((c) => c.argv[0] === 'pr')!;
    expect(create.argv).toEqual([
      'pr',
      'create',
      '--title',
      't: do it',
      '--body-file',
      join(fx.commonDir, 'parallel', 't', 'ship', 'pr-2.md'),
      '--head',
      't-2',
      '--base',
      'main',
      '--draft',
    ]);
    expect(create.body).toContain('## Task\n\n```text\ndo it\n```');
    expect(create.body).toContain('| `t-2` | 1 | 1 | +1 -0 | 0 | 0 |');
    expect(create.body).toContain('| has-two | `test -f candidate-2.txt` | pass | 0 |');
    expect(create.body).toContain('Ranked 2 of 3 by fake-judge');
    expect(create.body).toContain('place 2: candidate 2 wrote candidate-2.txt');
  });

  it("a push the remote refuses shows git's message; nothing is forced", async () => {
    // Someone else pushed t-3 first, with other history.
    const other = join(fx.tmp, 'other');
    await git(fx.tmp, 'clone', '-q', remote, other);
    await git(other, 'switch', '-q', '-c', 't-3');
    await writeFile(join(other, 'theirs.txt'), 'theirs\n');
    await git(other, 'add', 'theirs.txt');
    await git(other, '-c', 'user.name=o', '-c', 'user.email=o@example.com', 'commit', '-q', '-m', 'theirs');
    await git(other, 'push', '-q', 'origin', 't-3');
    const theirs = await git(other, 'rev-parse', 'HEAD');
    const result = await fx.cli(['ship', 't', '3'], env);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('git refused to push t-3 to origin');
    expect(result.stderr).toMatch(/rejected|non-fast-forward|fetch first/);
    expect(await git(remote, 'rev-parse', 'refs/heads/t-3')).toBe(theirs);
  });

  it('after pick, ship pushes the base branch', async () => {
    expect((await fx.cli(['pick', 't', '1'], env)).exitCode).toBe(0);
    const result = await fx.cli(['ship', 't', '1'], env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('Pushed main to origin (candidate 1 was picked into it)');
    expect(await git(remote, 'rev-parse', 'refs/heads/main')).toBe(await git(fx.repo, 'rev-parse', 'main'));
    expect(await git(remote, 'for-each-ref', '--format=%(refname)', 'refs/heads/t-1')).toBe('');
  });

  it('--draft without --pr is refused', async () => {
    await mkdir(join(fx.tmp, 'x'), { recursive: true });
    const result = await fx.cli(['ship', 't', '2', '--draft'], env);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--draft applies to the pull request');
  });
});
