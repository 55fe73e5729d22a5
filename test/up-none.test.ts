import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { test } from './support/fixtures.js';
import { branches, fakeAgent, makeRepo, type TestRepo, worktreeList } from './support/repo.js';
import {
  downKeepsWork,
  expectOk,
  type Flow,
  firstUp,
  idempotentUp,
  killHeadless,
  rebuildsDeletedWorktree,
  rebuildsKilledSession,
} from './support/up-flow.js';

describe('up --mux none (headless), end to end', () => {
  let repo: TestRepo;
  let flow: Flow;
  beforeAll(async () => {
    repo = await makeRepo({ env: { FAKE_AGENT_STAY: '1' } });
    flow = { repo, mux: 'none', task: 'feat' };
  });
  afterAll(() => repo.cleanup());

  it('starts 3 agents on one base with the prompt byte-exact, their env and worktree', async () => {
    await firstUp(flow);
  });
  it('a second up does nothing', async () => {
    await idempotentUp(flow);
  });
  it('killed agents (reboot) are started again and resume', async () => {
    await rebuildsKilledSession(flow, () => killHeadless(repo, flow.task));
  });
  it('a deleted worktree is rebuilt from its branch', async () => {
    await rebuildsDeletedWorktree(flow);
  });
  it('down keeps the work', async (ctx) => {
    if ((await downKeepsWork(flow)) === 'skipped') ctx.skip();
  });
});

/** Nothing of a failed `up` may remain: no worktree, no branch, no `.git/parallel/<task>`. */
function expectNothingCreated(repo: TestRepo, task = 't'): void {
  expect(worktreeList(repo).length).toBe(1);
  expect(branches(repo).filter((b) => b.startsWith(`${task}-`))).toEqual([]);
  expect(existsSync(join(repo.dir, '.git', 'parallel'))).toBe(false);
  expect(existsSync(join(repo.parent, 'repo-worktrees'))).toBe(false);
}

/** One paragraph: a single line of text (after `error:`), non-zero exit. */
function expectOneParagraphError(stderr: string, pattern: RegExp): void {
  const text = stderr.trim();
  expect(text).toMatch(/^error: /);
  expect(text.split('\n').length).toBe(1);
  expect(text).toMatch(pattern);
}

describe.concurrent('up refuses bad input before creating anything', () => {
  test('outside a git repository', async ({ newRepo }) => {
    const repo = await newRepo({ commit: false });
    const outside = join(repo.parent, 'plain');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(outside);
    const result = await repo.run(['up', 't', '--mux', 'none', '--prompt', 'x'], { cwd: outside });
    expect(result.code).not.toBe(0);
    expectOneParagraphError(result.stderr, /is not inside a git repository/);
    expect(readdirSync(outside)).toEqual([]);
  });

  test('a repository without commits', async ({ newRepo }) => {
    const repo = await newRepo({ commit: false });
    writeFileSync(join(repo.dir, 'parallel.config.json'), JSON.stringify({ agents: [fakeAgent()] }));
    const result = await repo.run(['up', 't', '--mux', 'none', '--prompt', 'x']);
    expect(result.code).not.toBe(0);
    expectOneParagraphError(result.stderr, /has no commits yet.*git commit --allow-empty/);
    expect(existsSync(join(repo.dir, '.git', 'parallel'))).toBe(false);
    expect(existsSync(join(repo.parent, 'repo-worktrees'))).toBe(false);
  });

  test('a base ref that does not exist', async ({ newRepo }) => {
    const repo = await newRepo();
    const result = await repo.run(['up', 't', '--mux', 'none', '--prompt', 'x', '--base', 'no-such-branch']);
    expect(result.code).not.toBe(0);
    expectOneParagraphError(result.stderr, /base ref "no-such-branch" does not exist/);
    expectNothingCreated(repo);
  });

  test('--mux zellij without zellij on PATH', async ({ newRepo }) => {
    const repo = await newRepo();
    const result = await repo.run(['up', 't', '--mux', 'zellij', '--prompt', 'x']);
    expect(result.code).not.toBe(0);
    expectOneParagraphError(result.stderr, /`zellij` is not on PATH.*--mux tmux/);
    expectNothingCreated(repo);
  });

  test('an agent command that is not on PATH', async ({ newRepo }) => {
    const repo = await newRepo({ config: { agents: [{ name: 'ghost', command: 'no-such-agent-cli' }] } });
    const result = await repo.run(['up', 't', '--mux', 'none', '--prompt', 'x']);
    expect(result.code).not.toBe(0);
    expectOneParagraphError(
      result.stderr,
      /Agent "ghost" needs `no-such-agent-cli`, which is not on PATH.*Nothing was created/,
    );
    expectNothingCreated(repo);
  });

  test('an invalid task name', async ({ newRepo }) => {
    const repo = await newRepo();
    const result = await repo.run(['up', 'a/b', '--mux', 'none', '--prompt', 'x']);
    expect(result.code).toBe(2);
    expectOneParagraphError(result.stderr, /Invalid task name "a\/b": it contains a "\/"/);
    expectNothingCreated(repo, 'a');
  });

  test('a prompt with a NUL byte (no argv can carry it)', async ({ newRepo }) => {
    const repo = await newRepo();
    const file = join(repo.parent, 'binary.txt');
    writeFileSync(file, 'abc\0def');
    const result = await repo.run(['up', 't', '--mux', 'none', '--prompt-file', file]);
    expect(result.code).toBe(2);
    expectOneParagraphError(result.stderr, /NUL byte/);
    expectNothingCreated(repo);
  });

  test('a worktree path taken by a foreign directory: refused, and no empty state dir is left', async ({
    newRepo,
  }) => {
    const repo = await newRepo();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(repo.worktree('t', 2), { recursive: true });
    writeFileSync(join(repo.worktree('t', 2), 'mine.txt'), 'not yours\n');
    const result = await repo.run(['up', 't', '--mux', 'none', '--prompt', 'x']);
    expect(result.code).not.toBe(0);
    expectOneParagraphError(result.stderr, /nothing was changed.*exists but is not a git worktree/);
    expect(readFileSync(join(repo.worktree('t', 2), 'mine.txt'), 'utf8')).toBe('not yours\n');
    expect(worktreeList(repo).length).toBe(1);
    expect(branches(repo).filter((b) => b.startsWith('t-'))).toEqual([]);
    expect(existsSync(join(repo.dir, '.git', 'parallel'))).toBe(false);
  });

  test('uncommitted changes in the base: a warning, the candidates start from the last commit', async ({
    newRepo,
  }) => {
    const repo = await newRepo();
    writeFileSync(join(repo.dir, 'README.md'), 'edited, not committed\n');
    const head = repo.git(['rev-parse', 'HEAD']).trim();
    const result = await repo.run(['up', 't', '--mux', 'none', '--prompt', 'x', '--agents', '1']);
    expectOk(result);
    expect(result.stderr).toMatch(/warning: 1 uncommitted change\(s\) in .* are not in the candidates/);
    expect(repo.git(['rev-parse', 't-1']).trim()).not.toBe('');
    expect(repo.git(['merge-base', head, 't-1']).trim()).toBe(head);
    expect(readFileSync(join(repo.worktree('t', 1), 'README.md'), 'utf8')).toBe('# test repo\n');
  });

  test('a detached HEAD is allowed: base = that commit, with a warning that pick needs a branch', async ({
    newRepo,
  }) => {
    const repo = await newRepo();
    repo.git(['commit', '-q', '--allow-empty', '-m', 'second']);
    const detached = repo.git(['rev-parse', 'HEAD~1']).trim();
    repo.git(['checkout', '-q', '--detach', 'HEAD~1']);
    const result = await repo.run(['up', 't', '--mux', 'none', '--prompt', 'x', '--agents', '2']);
    expectOk(result);
    expect(result.stderr).toMatch(/warning: the base "HEAD" is not a branch.*`parallel pick` needs a branch/);
    for (const n of [1, 2]) expect(repo.git(['merge-base', detached, `t-${n}`]).trim()).toBe(detached);
    const state = JSON.parse(readFileSync(join(repo.stateDir('t'), 'state.json'), 'utf8'));
    expect(state.base).toEqual({ ref: 'HEAD', commit: detached });
  });
});

describe('two commands at once', () => {
  test('two tasks brought up at the same time in one repository both finish, each whole', async ({
    newRepo,
  }) => {
    const repo = await newRepo();
    const ups = await Promise.all(
      ['a', 'b', 'c'].map((task) =>
        repo.run(['up', task, '--mux', 'none', '--prompt', 'x', '--agents', '3']),
      ),
    );
    for (const up of ups) expectOk(up);
    const registered = worktreeList(repo).map((w) => w.branch);
    for (const task of ['a', 'b', 'c']) {
      for (const n of [1, 2, 3]) expect(registered).toContain(`${task}-${n}`);
    }
    expect(worktreeList(repo).filter((w) => w.locked)).toEqual([]);
    for (const task of ['a', 'b', 'c']) await repo.run(['down', task]);
  });
});
