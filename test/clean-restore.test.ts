import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CleanFacts, planClean } from '../src/engine/clean-plan.js';
import type { TaskState } from '../src/task/state.js';
import { alive, createFixture, type Fixture, git, upTask, waitFor } from './support/task-fixture.js';

const facts = (over: Partial<CleanFacts>): CleanFacts => ({
  index: 1,
  label: 't-1',
  branch: 't-1',
  worktree: '/w/t-1',
  worktreeExists: true,
  head: 'a',
  worktreeBranch: 't-1',
  worktreeHead: 'a',
  uncommitted: [],
  untracked: [],
  unmergedCommits: 0,
  ...over,
});

describe('planClean (pure)', () => {
  it('removes only candidates with no unique work and says why the others stay', () => {
    const plan = planClean(
      [
        facts({ index: 1 }),
        facts({ index: 2, unmergedCommits: 2 }),
        facts({ index: 3, untracked: ['x'] }),
        facts({ index: 4, uncommitted: ['y'] }),
        facts({ index: 5, worktreeBranch: undefined }),
        facts({ index: 6, worktreeExists: false, head: null }),
      ],
      { force: false, baseName: 'main' },
    );
    expect(plan.archive).toBe(false);
    expect(plan.remove.map((d) => d.facts.index)).toEqual([1, 6]);
    expect(plan.remove[0]!.reasons).toEqual(['no unique work (branch merged into main, worktree clean)']);
    expect(plan.keep.map((d) => [d.facts.index, d.reasons])).toEqual([
      [2, ['2 commits not in main']],
      [3, ['1 untracked file(s)']],
      [4, ['1 uncommitted file(s)']],
      [5, ['the worktree has a detached HEAD']],
    ]);
  });

  it('--force removes everything and archives it', () => {
    const plan = planClean([facts({}), facts({ index: 2, unmergedCommits: 1 })], {
      force: true,
      baseName: 'main',
    });
    expect(plan.keep).toEqual([]);
    expect(plan.remove).toHaveLength(2);
    expect(plan.archive).toBe(true);
  });
});

/** Every file of a worktree (not .git) → sha1 and mode, plus git's view of index and worktree. */
async function snapshot(wt: string) {
  const files: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const mode = (await stat(path)).mode & 0o777;
        files[relative(wt, path)] = `${createHash('sha1')
          .update(await readFile(path))
          .digest('hex')} ${mode.toString(8)}`;
      }
    }
  };
  await walk(wt);
  return {
    files,
    status: await git(wt, 'status', '--porcelain=v1', '--untracked-files=all'),
    staged: await git(wt, 'diff', '--cached', '--binary'),
    unstaged: await git(wt, 'diff', '--binary'),
    head: await git(wt, 'rev-parse', 'HEAD'),
    branch: await git(wt, 'symbolic-ref', '--short', 'HEAD'),
  };
}

const stateOf = async (fx: Fixture, task: string) =>
  JSON.parse(await readFile(join(fx.commonDir, 'parallel', task, 'state.json'), 'utf8')) as TaskState;

describe('parallel down --clean / --force / restore (end to end)', () => {
  let fx: Fixture;
  let base: string;
  beforeAll(async () => {
    fx = await createFixture();
    base = await git(fx.repo, 'rev-parse', 'main');
    await upTask(fx, 'd', 5);
    const wt = (n: number) => fx.worktree('d', n);
    // 1: back at the base commit, clean. 5: merged into main. Both hold no unique work.
    await git(wt(1), 'reset', '-q', '--hard', base);
    expect((await fx.cli(['pick', 'd', '5'])).exitCode).toBe(0);
    // 2: a commit of its own plus staged, unstaged and untracked work (checked after restore).
    await writeFile(join(wt(2), 'README.md'), '# staged\n');
    await git(wt(2), 'add', 'README.md');
    await writeFile(join(wt(2), 'README.md'), '# staged\nand unstaged on top\n');
    await writeFile(join(wt(2), 'new-staged.txt'), 'brand new, staged\n');
    await git(wt(2), 'add', 'new-staged.txt');
    await git(wt(2), 'rm', '-q', '--cached', 'shared.txt');
    await mkdir(join(wt(2), 'deep', 'er'), { recursive: true });
    await writeFile(join(wt(2), 'deep', 'er', 'notes.md'), 'untracked notes\n');
    await writeFile(join(wt(2), 'blob.bin'), Buffer.from([0, 1, 2, 255, 0, 7]));
    await writeFile(join(wt(2), 'run.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(wt(2), 'run.sh'), 0o755);
    // 3: at the base, one untracked file. 4: at the base, one staged change.
    await git(wt(3), 'reset', '-q', '--hard', base);
    await writeFile(join(wt(3), '.env.local'), 'SECRET=1\n');
    await git(wt(4), 'reset', '-q', '--hard', base);
    await writeFile(join(wt(4), 'shared.txt'), 'staged edit\n');
    await git(wt(4), 'add', 'shared.txt');
  });
  afterAll(() => fx?.cleanup());

  it('--force needs --clean', async () => {
    const result = await fx.cli(['down', 'd', '--force']);
    expect(result.exitCode).toBe(2);
  });

  it('--clean removes only candidates with no unique work and lists the rest with reasons', async () => {
    const result = await fx.cli(['down', 'd', '--clean']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Removed 2 candidate/);
    expect(result.stderr).toMatch(
      /#2 d-2\s+1 commit not in main, 3 uncommitted file\(s\), 4 untracked file\(s\)/,
    );
    expect(result.stderr).toMatch(/#3 d-3\s+1 untracked file\(s\)/);
    expect(result.stderr).toMatch(/#4 d-4\s+1 uncommitted file\(s\)/);
    for (const n of [1, 5]) {
      expect(existsSync(fx.worktree('d', n))).toBe(false);
      expect(await git(fx.repo, 'branch', '--list', `d-${n}`)).toBe('');
    }
    for (const n of [2, 3, 4]) expect(existsSync(fx.worktree('d', n))).toBe(true);
    expect((await stateOf(fx, 'd')).candidates.map((c) => c.index)).toEqual([2, 3, 4]);
    expect(await git(fx.repo, 'rev-parse', 'main^2')).toBeTruthy(); // the pick is untouched
  });

  it('--clean --force archives everything, removes it, and restore gives back identical branches and files', async () => {
    const before = new Map<number, Awaited<ReturnType<typeof snapshot>>>();
    for (const n of [2, 3, 4]) before.set(n, await snapshot(fx.worktree('d', n)));
    const branches = await git(
      fx.repo,
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      'refs/heads/d-*',
    );
    const down = await fx.cli(['down', 'd', '--clean', '--force']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toContain('bundle verified');
    const snapshots = (
      await git(fx.repo, 'for-each-ref', '--format=%(refname)', 'refs/parallel/d/archive/')
    ).split('\n');
    expect(snapshots).toHaveLength(3);
    const archives = await readdir(join(fx.commonDir, 'parallel', 'archive'));
    expect(archives).toHaveLength(1);
    expect(archives[0]).toMatch(/^d-\d{8}-\d{6}$/);
    const bundle = join(fx.commonDir, 'parallel', 'archive', archives[0]!, 'snapshots.bundle');
    expect(await git(fx.repo, 'bundle', 'verify', '--quiet', bundle)).toBe('');
    for (const n of [2, 3, 4]) expect(existsSync(fx.worktree('d', n))).toBe(false);
    expect(await git(fx.repo, 'branch', '--list', 'd-*')).toBe('');
    expect(existsSync(join(fx.commonDir, 'parallel', 'd'))).toBe(false);

    const restore = await fx.cli(['restore', 'd']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(restore.stderr).toMatch(
      /#2 branch d-2 at [0-9a-f]{12}, worktree with \d+ file\(s\) and its index/,
    );
    expect(await git(fx.repo, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/d-*')).toBe(
      branches,
    );
    for (const n of [2, 3, 4]) expect(await snapshot(fx.worktree('d', n))).toEqual(before.get(n));
    expect((await stateOf(fx, 'd')).candidates.map((c) => c.index)).toEqual([2, 3, 4]);
    const compare = await fx.cli(['compare', 'd', '--json']);
    expect(compare.exitCode, compare.stderr).toBe(0);
  }, 180_000);

  it('restore refuses to overwrite existing branches or worktrees, changing nothing', async () => {
    const again = await fx.cli(['restore', 'd']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('Nothing to restore');
    expect((await fx.cli(['down', 'd', '--clean', '--force'])).exitCode).toBe(0);
    await git(fx.repo, 'branch', 'd-2', 'main');
    const branches = await git(fx.repo, 'for-each-ref', 'refs/heads/');
    const result = await fx.cli(['restore', 'd']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('nothing was changed');
    expect(result.stderr).toContain('branch d-2 already exists');
    expect(await git(fx.repo, 'for-each-ref', 'refs/heads/')).toBe(branches);
    await git(fx.repo, 'branch', '-D', 'd-2');
    const list = await fx.cli(['restore', 'd', '--list']);
    expect(list.stderr.match(/not restored/g)).toHaveLength(3);
    expect(list.stderr.match(/Z {2}restored /g)).toHaveLength(3);
    expect((await fx.cli(['restore', 'd'])).exitCode).toBe(0);
  }, 180_000);

  it('restore without an archive is a clear error', async () => {
    const result = await fx.cli(['restore', 'never']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('There is no archive of task "never"');
  });

  it('down stops running agents and keeps worktrees and branches', async () => {
    await upTask(fx, 'live', 2, { FAKE_AGENT_STAY: '1' }, [], false);
    const runDir = join(fx.commonDir, 'parallel', 'live', 'run');
    const pids = await waitFor(async () => {
      const texts = await Promise.all(
        [1, 2].map((n) => readFile(join(runDir, `${n}.pid`), 'utf8').catch(() => '')),
      );
      return texts.every(Boolean) && texts.map(Number);
    }, 'launchers to start');
    await waitFor(() => existsSync(join(fx.agentLog, 'starts.log')), 'agents to start');
    const result = await fx.cli(['down', 'live']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('Worktrees and branches are kept');
    for (const pid of pids) await waitFor(() => !alive(pid), `launcher ${pid} to stop`, 10_000);
    for (const n of [1, 2]) expect(existsSync(fx.worktree('live', n))).toBe(true);
  });
});

describe('a candidate whose worktree left its branch (detached HEAD with a commit of its own)', () => {
  let fx: Fixture;
  afterAll(() => fx?.cleanup());

  it('is kept by --clean, archived by --force and restored at the same detached commit', async () => {
    fx = await createFixture();
    await upTask(fx, 'x', 1);
    const wt = fx.worktree('x', 1);
    await git(wt, 'switch', '-q', '--detach');
    await writeFile(join(wt, 'detached.txt'), 'only here\n');
    await git(wt, 'add', 'detached.txt');
    await git(wt, 'commit', '-q', '-m', 'detached work');
    const detached = await git(wt, 'rev-parse', 'HEAD');
    const branchTip = await git(fx.repo, 'rev-parse', 'x-1');

    const clean = await fx.cli(['down', 'x', '--clean']);
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(clean.stderr).toContain('the worktree has a detached HEAD');
    expect(existsSync(wt)).toBe(true);

    const force = await fx.cli(['down', 'x', '--clean', '--force']);
    expect(force.exitCode, force.stderr).toBe(0);
    expect(existsSync(wt)).toBe(false);
    expect(await git(fx.repo, 'for-each-ref', 'refs/parallel-archive/')).toBe('');

    const restore = await fx.cli(['restore', 'x']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(await git(wt, 'rev-parse', 'HEAD')).toBe(detached);
    expect(await git(fx.repo, 'rev-parse', 'x-1')).toBe(branchTip);
    expect(readFileSync(join(wt, 'detached.txt'), 'utf8')).toBe('only here\n');
    expect(await git(fx.repo, 'for-each-ref', 'refs/parallel-archive/')).toBe('');
  }, 180_000);
});

describe('two tasks at once', () => {
  let fx: Fixture;
  afterAll(() => fx?.cleanup());

  it('go down --clean --force and are restored concurrently, each whole', async () => {
    fx = await createFixture();
    await upTask(fx, 'a', 2);
    await upTask(fx, 'b', 2);
    const downs = await Promise.all(['a', 'b'].map((t) => fx.cli(['down', t, '--clean', '--force'])));
    for (const down of downs) expect(down.exitCode, down.stderr).toBe(0);
    for (const t of ['a', 'b']) for (const n of [1, 2]) expect(existsSync(fx.worktree(t, n))).toBe(false);
    expect(await git(fx.repo, 'branch', '--list', 'a-*', 'b-*')).toBe('');
    const restores = await Promise.all(['a', 'b'].map((t) => fx.cli(['restore', t])));
    for (const restore of restores) expect(restore.exitCode, restore.stderr).toBe(0);
    for (const t of ['a', 'b']) {
      for (const n of [1, 2]) expect(existsSync(join(fx.worktree(t, n), `candidate-${n}.txt`))).toBe(true);
    }
    expect((await git(fx.repo, 'worktree', 'list', '--porcelain')).match(/^worktree /gm)).toHaveLength(5);
  });
});
