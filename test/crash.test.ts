/**
 * Crash convergence: `up` SIGKILLed (with its git children) after every possible number of
 * actions, then one more `up` must converge: every worktree and branch there, nothing prunable
 * or half-created, exactly one agent per candidate, no commit lost, the state file whole.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  branchCommit,
  hasTmux,
  makeRepo,
  type TestRepo,
  tmux,
  waitFor,
  worktreeList,
} from './support/repo.js';
import { expectOk, type Flow, firstUp, type Mux, PROMPT, status, upArgs } from './support/up-flow.js';

const TASK = 'crash';
const N = 2;

/** Each candidate index has exactly one living agent process. */
function livingAgents(repo: TestRepo): Map<string, number> {
  const alive = (pid: number) => {
    try {
      return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  const counts = new Map<string, number>();
  for (const r of repo.records()) {
    if (r.env.PARALLEL_TASK !== TASK || !alive(r.pid)) continue;
    counts.set(r.env.PARALLEL_INDEX!, (counts.get(r.env.PARALLEL_INDEX!) ?? 0) + 1);
  }
  return counts;
}

async function expectConverged(flow: Flow, before: Map<string, string | undefined>): Promise<void> {
  const { repo } = flow;
  const list = worktreeList(repo);
  for (let i = 1; i <= N; i++) {
    const path = repo.worktree(TASK, i);
    const entry = list.find((w) => w.path === path);
    expect(entry, `worktree ${i} registered`).toBeDefined();
    expect(entry!.branch).toBe(`${TASK}-${i}`);
    expect(existsSync(join(path, 'README.md')), `worktree ${i} checked out`).toBe(true);
    // A complete checkout: no tracked file missing (the agent may be committing meanwhile).
    expect(repo.git(['status', '--porcelain', '--untracked-files=no'], path)).not.toMatch(/^.?D/m);
  }
  expect(list.filter((w) => w.prunable || w.locked)).toEqual([]);
  expect(list.length).toBe(N + 1);
  // No commit lost: whatever a branch pointed at before is still in its history.
  for (const [branch, commit] of before) {
    if (commit) expect(repo.git(['merge-base', '--is-ancestor', commit, branch]) === '').toBe(true);
  }
  // Exactly one agent per candidate, started once with the prompt.
  await waitFor(() => repo.starts().length >= N, { timeout: 15_000, message: 'every agent started' });
  const starts = repo.starts();
  for (let i = 1; i <= N; i++) {
    expect(starts.filter((s) => s.index === i && s.kind === 'start').length, `agent ${i} started once`).toBe(
      1,
    );
  }
  await waitFor(() => livingAgents(repo).size === N, {
    message: 'one living agent per candidate',
    timeout: 20_000,
  });
  expect([...livingAgents(repo).values()]).toEqual(Array(N).fill(1));
  for (const record of repo.records()) if (!record.resumed) expect(record.prompt).toBe(PROMPT);
  // The state file is whole, and nothing is left to do.
  JSON.parse(readFileSync(join(repo.stateDir(TASK), 'state.json'), 'utf8'));
  const dry = await repo.run(upArgs(flow, ['--dry-run', '--json']));
  expectOk(dry, 'dry run after convergence');
  expect(JSON.parse(dry.stdout).actions).toEqual([]);
}

function crashSuite(mux: Mux) {
  // N × create-worktree, N × prepare-worktree, write-files, create-session.
  const ks = Array.from({ length: 2 * N + 2 }, (_, i) => i + 1);
  describe.concurrent(`--mux ${mux}`, () => {
    it.for(ks)('SIGKILL after %i action(s), then up converges', async (k) => {
      const repo = await makeRepo({ env: { FAKE_AGENT_STAY: '1' } });
      try {
        const promptFile = join(repo.parent, 'prompt.txt');
        writeFileSync(promptFile, PROMPT);
        const flow: Flow = {
          repo,
          mux,
          task: TASK,
          flags: ['--prompt-file', promptFile, '--agents', String(N)],
        };
        const crashed = await repo.run(upArgs(flow), {
          detached: true,
          env: { PARALLEL_TEST_CRASH_AFTER: String(k) },
        });
        expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
        const stateFile = join(repo.stateDir(TASK), 'state.json');
        if (existsSync(stateFile)) JSON.parse(readFileSync(stateFile, 'utf8')); // atomic: never half-written
        const before = new Map(
          Array.from({ length: N }, (_, i) => [`${TASK}-${i + 1}`, branchCommit(repo, `${TASK}-${i + 1}`)]),
        );
        // The dead owner's lock is taken over at once (test/lock.test.ts checks that without timing).
        const converged = await repo.run(upArgs(flow));
        expectOk(converged, `up after a crash after ${k} action(s)`);
        await expectConverged(flow, before);
      } finally {
        if (mux === 'tmux') tmuxKillServer(repo);
        await repo.cleanup();
      }
    });
  });
}

function tmuxKillServer(repo: TestRepo): void {
  try {
    tmux(repo, ['kill-server']);
  } catch {
    // none running
  }
}

describe('crash convergence', () => {
  crashSuite('none');
  describe.skipIf(!hasTmux)('tmux', () => crashSuite('tmux'));
});

describe('a lost or corrupt state.json is rebuilt from git and the running agents', () => {
  it.for(['missing', 'corrupt'] as const)(
    '%s state: same base, same candidates, no second set of agents',
    async (how) => {
      const repo = await makeRepo({ env: { FAKE_AGENT_STAY: '1' } });
      try {
        const flow: Flow = { repo, mux: 'none', task: TASK };
        await firstUp({ ...flow, flags: ['--agents', '2'] }, 2);
        const base = JSON.parse(readFileSync(join(repo.stateDir(TASK), 'state.json'), 'utf8')).base;
        // The base branch moves on, and the config's multiplexer is no longer the one running.
        repo.git(['commit', '-q', '--allow-empty', '-m', 'later']);
        const stateFile = join(repo.stateDir(TASK), 'state.json');
        if (how === 'missing') {
          const { rmSync } = await import('node:fs');
          rmSync(stateFile);
        } else writeFileSync(stateFile, '{"version": 1, "task": "cra');
        const heads = [1, 2].map((i) => branchCommit(repo, `${TASK}-${i}`));
        const result = await repo.run(['up', TASK, '--no-attach']);
        expectOk(result, 'up with a lost state');
        expect(result.stderr).toMatch(/was missing or unreadable; rebuilt it/);
        const state = JSON.parse(readFileSync(stateFile, 'utf8'));
        expect(state.base).toEqual(base);
        expect(state.mux).toBe('none');
        expect(state.candidates.length).toBe(2);
        expect(readFileSync(join(repo.stateDir(TASK), 'prompt.txt'), 'utf8')).toBe(PROMPT);
        expect([1, 2].map((i) => branchCommit(repo, `${TASK}-${i}`))).toEqual(heads);
        expect(repo.starts().length).toBe(2);
        expect(existsSync(repo.worktree(TASK, 3))).toBe(false);
        const s = await status(flow);
        expect(s.candidates.map((c) => c.agentState)).toEqual(['running', 'running']);
      } finally {
        await repo.cleanup();
      }
    },
  );
});
