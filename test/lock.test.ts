import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statePaths } from '../src/plan/paths.js';
import type { Plan } from '../src/plan/plan.js';
import { lockTask } from '../src/task/lock.js';
import { branches, hasTmux, makeRepo, type TestRepo, tmux, waitFor, worktreeList } from './support/repo.js';
import { expectOk, type Mux, PROMPT } from './support/up-flow.js';

describe('lockTask', () => {
  let dir: string;
  let plan: Plan;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gp-lock-'));
    plan = { task: 't', paths: statePaths(dir, 't') } as Plan;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const owner = (pid: number, extra: Record<string, unknown> = {}) => {
    mkdirSync(plan.paths.lockFile, { recursive: true });
    writeFileSync(
      join(plan.paths.lockFile, 'owner.json'),
      JSON.stringify({
        pid,
        host: execFileSync('hostname', { encoding: 'utf8' }).trim(),
        token: 'x',
        since: 'then',
        argv: 'up t',
        ...extra,
      }),
    );
  };

  it('is exclusive: a second caller waits, then names the holder', async () => {
    const unlock = await lockTask(plan);
    const started = Date.now();
    await expect(lockTask(plan, { waitMs: 300 })).rejects.toThrow(
      new RegExp(
        `Task "t" is busy: git-parallel \\(pid ${process.pid}.*holds its lock .*Wait for it to finish`,
      ),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await unlock();
    expect(existsSync(plan.paths.lockFile)).toBe(false);
    const again = await lockTask(plan, { waitMs: 300 });
    await again();
  });

  it('a waiting caller gets the lock as soon as it is released', async () => {
    const unlock = await lockTask(plan);
    const second = lockTask(plan, { waitMs: 5_000 });
    setTimeout(() => void unlock(), 100);
    const unlock2 = await second;
    await unlock2();
  });

  it('takes over at once the lock of a dead process (SIGKILL leaves it behind)', async () => {
    const dead = spawnSync('true').pid!;
    owner(dead);
    // A live-looking lock is only stale after 10 s; with a 2 s wait, getting it at all proves the takeover.
    const unlock = await lockTask(plan, { waitMs: 2_000 });
    await unlock();
    expect(readdirSync(plan.paths.dir)).toEqual([]);
  });

  it('takes over the lock of a pid that was reused by another process', async () => {
    owner(process.pid, { start: 'not-our-start-time' });
    const unlock = await lockTask(plan, { waitMs: 1_000 });
    await unlock();
  });

  it('a lock without an owner file is stale only after its heartbeat stopped for 10 s', async () => {
    mkdirSync(plan.paths.lockFile, { recursive: true });
    await expect(lockTask(plan, { waitMs: 200 })).rejects.toThrow(/busy: another git-parallel command/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(plan.paths.lockFile, old, old);
    const unlock = await lockTask(plan, { waitMs: 1_000 });
    await unlock();
  });

  it('release leaves a lock that is not ours alone', async () => {
    const unlock = await lockTask(plan);
    rmSync(plan.paths.lockFile, { recursive: true });
    owner(process.pid, { token: 'someone-else' });
    await unlock();
    expect(existsSync(join(plan.paths.lockFile, 'owner.json'))).toBe(true);
  });
});

/** Two `up`s of one task at the same moment: exactly N worktrees, branches and agents. */
describe.concurrent('two concurrent ups of one task', () => {
  const cases: Mux[] = hasTmux ? ['none', 'tmux'] : ['none'];
  it.for(cases)('--mux %s', async (mux) => {
    const repo: TestRepo = await makeRepo({ env: { FAKE_AGENT_STAY: '1' } });
    try {
      const promptFile = join(repo.parent, 'prompt.txt');
      writeFileSync(promptFile, PROMPT);
      const args = ['up', 'race', '--mux', mux, '--no-attach', '--prompt-file', promptFile];
      const [a, b] = await Promise.all([repo.run(args), repo.run(args)]);
      expectOk(a, 'first concurrent up');
      expectOk(b, 'second concurrent up');
      expect([a.stderr, b.stderr].filter((e) => e.includes('is already up')).length).toBe(1);
      expect(worktreeList(repo).length).toBe(4);
      expect(
        branches(repo)
          .filter((x) => x.startsWith('race-'))
          .sort(),
      ).toEqual(['race-1', 'race-2', 'race-3']);
      await waitFor(() => repo.starts().length >= 3);
      const starts = repo.starts();
      expect(starts.map((s) => `${s.index} ${s.kind}`).sort()).toEqual(['1 start', '2 start', '3 start']);
      if (mux === 'tmux') {
        const panes = tmux(repo, ['list-panes', '-s', '-t', '=repo-race', '-F', '#{@parallel_index}']);
        expect(panes.split('\n').filter(Boolean).sort()).toEqual(['1', '2', '3']);
        tmux(repo, ['kill-server']);
      }
    } finally {
      await repo.cleanup();
    }
  });
});
