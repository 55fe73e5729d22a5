/**
 * Fault matrix: each fault ends with a clear message and a state that the next `up` repairs,
 * with zero lost bytes of committed or uncommitted work.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type AgentSpec,
  branchCommit,
  fakeAgent,
  hasTmux,
  hasZellijDouble,
  makeRepo,
  type TestRepo,
  tmux,
  waitFor,
  waitForStarts,
  worktreeList,
} from './support/repo.js';
import {
  expectOk,
  type Flow,
  firstUp,
  type Mux,
  PROMPT,
  status,
  tmuxPanes,
  upArgs,
  zellij,
  zellijPanes,
} from './support/up-flow.js';

const TASK = 'feat';

interface Started {
  repo: TestRepo;
  flow: Flow;
  heads: (string | undefined)[];
  /** Uncommitted work: path → exact bytes. */
  work: Map<string, Buffer>;
}

/** A task up with 3 agents, then uncommitted work (binary, untracked, modified tracked) in worktrees 1 and 2. */
async function started(mux: Mux, agents?: AgentSpec[]): Promise<Started> {
  const repo = await makeRepo({
    zellij: mux === 'zellij',
    env: { FAKE_AGENT_STAY: '1' },
    // No start watch: agent 3's crash stands for one in the middle of its work (resumed).
    config: agents ? { agents, startupWait: 0 } : undefined,
  });
  const flow: Flow = { repo, mux, task: TASK };
  await firstUp(flow);
  const work = new Map<string, Buffer>();
  for (const n of [1, 2]) {
    const wt = repo.worktree(TASK, n);
    work.set(join(wt, 'wip.bin'), Buffer.concat([randomBytes(4096), Buffer.from('\0\r\n$(x) `y`\n')]));
    work.set(join(wt, 'README.md'), Buffer.from(`# test repo\nedited in ${n}, not committed\n`));
    work.set(join(wt, 'staged.txt'), Buffer.from(`staged in ${n}\n`));
  }
  for (const [path, bytes] of work) writeFileSync(path, bytes);
  for (const n of [1, 2]) repo.git(['add', 'staged.txt'], repo.worktree(TASK, n));
  const heads = [1, 2, 3].map((i) => branchCommit(repo, `${TASK}-${i}`));
  return { repo, flow, heads, work };
}

/** Every commit and every uncommitted byte is still there; git's bookkeeping is clean. */
function expectWorkSafe(s: Started): void {
  expect([1, 2, 3].map((i) => branchCommit(s.repo, `${TASK}-${i}`))).toEqual(s.heads);
  for (const [path, bytes] of s.work) expect(readFileSync(path).equals(bytes), path).toBe(true);
  for (const n of [1, 2]) {
    expect(s.repo.git(['diff', '--cached', '--name-only'], s.repo.worktree(TASK, n))).toBe('staged.txt\n');
  }
  const list = worktreeList(s.repo);
  expect(list.filter((w) => w.prunable || w.locked)).toEqual([]);
  expect(list.map((w) => w.branch).sort()).toEqual([`${TASK}-1`, `${TASK}-2`, `${TASK}-3`, 'main']);
}

async function finish(s: Started): Promise<void> {
  try {
    if (s.flow.mux === 'tmux') tmux(s.repo, ['kill-server']);
    if (s.flow.mux === 'zellij') zellij(s.repo, ['kill-all-sessions', '-y']);
  } catch {
    // nothing running
  }
  await s.repo.cleanup();
}

async function repair(s: Started, what: string): Promise<string> {
  const result = await s.repo.run(upArgs(s.flow));
  expectOk(result, `up after: ${what}`);
  return result.stderr;
}

const session = `repo-${TASK}`;

// Each case brings a task up (three agents), breaks it and repairs it with another `up`; several
// of them side by side on a loaded two-core machine take more than the default minute.
describe.skipIf(!hasTmux).concurrent('fault matrix (tmux)', { timeout: 180_000 }, () => {
  it('worktree directory deleted (rm -rf): rebuilt from its branch, commits included', async () => {
    const s = await started('tmux');
    try {
      const wt3 = s.repo.worktree(TASK, 3);
      const file = readFileSync(join(wt3, 'candidate-3.txt'));
      rmSync(wt3, { recursive: true, force: true });
      const dry = await s.repo.run(upArgs(s.flow, ['--dry-run']));
      expect(dry.stderr).toMatch(
        /prune 1 stale worktree.*\n.*rebuild worktree .*feat-3 from existing branch feat-3/,
      );
      const stderr = await repair(s, 'rm -rf of worktree 3');
      // Its agent still ran in the deleted directory: restarted (or clearly reported).
      expect(stderr).not.toMatch(/error/);
      expect(readFileSync(join(wt3, 'candidate-3.txt')).equals(file)).toBe(true);
      expect(s.repo.git(['rev-parse', 'HEAD'], wt3).trim()).toBe(s.heads[2]);
      expectWorkSafe(s);
    } finally {
      await finish(s);
    }
  });

  it('branch deleted while its worktree exists: recreated at the worktree HEAD, uncommitted work kept', async () => {
    const s = await started('tmux');
    try {
      s.repo.git(['update-ref', '-d', `refs/heads/${TASK}-2`]);
      // git still lists the branch name for the worktree, with a null HEAD.
      const entry = worktreeList(s.repo).find((w) => w.path === s.repo.worktree(TASK, 2));
      expect(entry?.branch).toBe(`${TASK}-2`);
      expect(branchCommit(s.repo, `${TASK}-2`)).toBeUndefined();
      const dry = await s.repo.run(upArgs(s.flow, ['--dry-run']));
      expect(dry.stderr).toContain(`recreate branch ${TASK}-2 at ${s.heads[1]!.slice(0, 12)}`);
      await repair(s, 'branch deleted');
      expect(s.repo.git(['symbolic-ref', 'HEAD'], s.repo.worktree(TASK, 2)).trim()).toBe(
        `refs/heads/${TASK}-2`,
      );
      expectWorkSafe(s);
      expect(s.repo.starts().length).toBe(3);
    } finally {
      await finish(s);
    }
  });

  it('session killed: rebuilt, every agent resumes', async () => {
    const s = await started('tmux');
    try {
      tmux(s.repo, ['kill-session', '-t', `=${session}`]);
      expect((await status(s.flow)).sessionAlive).toBe(false);
      await repair(s, 'kill-session');
      const starts = await waitForStarts(s.repo, 6);
      expect(starts.slice(3).map((x) => x.kind)).toEqual(['resume', 'resume', 'resume']);
      expectWorkSafe(s);
    } finally {
      await finish(s);
    }
  });

  it('one pane closed: only that pane comes back, and its agent resumes', async () => {
    const s = await started('tmux');
    try {
      const pane = tmuxPanes(s.repo, session).find((p) => p.index === '2')!;
      tmux(s.repo, ['kill-pane', '-t', pane.id]);
      await waitFor(() => tmuxPanes(s.repo, session).length === 2, { interval: 100 });
      expect((await status(s.flow)).candidates.map((c) => c.agentState)).toEqual([
        'running',
        'missing',
        'running',
      ]);
      const dry = await s.repo.run(upArgs(s.flow, ['--dry-run', '--json']));
      expect(JSON.parse(dry.stdout).actions).toEqual([{ kind: 'add-pane', session, index: 2 }]);
      await repair(s, 'kill-pane');
      const starts = await waitForStarts(s.repo, 4);
      expect(starts[3]).toMatchObject({ index: 2, kind: 'resume' });
      expect(
        tmuxPanes(s.repo, session)
          .map((p) => p.index)
          .sort(),
      ).toEqual(['1', '2', '3']);
      expectWorkSafe(s);
    } finally {
      await finish(s);
    }
  });

  it('tmux server killed: everything rebuilt, every agent resumes', async () => {
    const s = await started('tmux');
    try {
      tmux(s.repo, ['kill-server']);
      const s1 = await status(s.flow);
      expect(s1.sessionAlive).toBe(false);
      await repair(s, 'kill-server');
      const starts = await waitForStarts(s.repo, 6);
      expect(starts.slice(3).map((x) => x.kind)).toEqual(['resume', 'resume', 'resume']);
      expect(tmuxPanes(s.repo, session).length).toBe(3);
      expectWorkSafe(s);
    } finally {
      await finish(s);
    }
  });
});

/**
 * Agent 1 stays, agent 2 exits 0, agent 3 crashes (exit 3). `status --json` shows the exit
 * codes; `up` leaves the finished agent alone and restarts (resumes) the crashed one; a
 * launcher killed with its agent (SIGKILL to the process group) is restarted too. Three `up`s
 * each, side by side: the same 3 minutes as the matrix above.
 */
describe.concurrent('agent crashed or launcher killed', { timeout: 180_000 }, () => {
  const agents = [
    fakeAgent({ name: 'stays', count: 1 }),
    fakeAgent({ name: 'finishes', count: 1, env: { FAKE_AGENT_STAY: '0' } }),
    fakeAgent({ name: 'crashes', count: 1, env: { FAKE_AGENT_STAY: '0', FAKE_AGENT_EXIT: '3' } }),
  ];
  const cases: Mux[] = hasTmux ? ['none', 'tmux'] : ['none'];
  it.for(cases)('--mux %s', async (mux) => {
    const s = await started(mux, agents);
    try {
      // Their launchers write N.exit as they end: waiting on the files costs no `status` (a node
      // start) per poll.
      const runDir = join(s.repo.stateDir(TASK), 'run');
      await waitFor(() => [2, 3].every((n) => existsSync(join(runDir, `${n}.exit`))), {
        timeout: 10_000,
        message: 'the launchers of agents 2 and 3 ended',
      });
      const settled = await waitFor(
        async () => {
          const st = await status(s.flow);
          return st.candidates[1]!.agentState === 'exited' && st.candidates[2]!.agentState === 'exited' && st;
        },
        { timeout: 10_000, interval: 250, message: 'agents 2 and 3 exited' },
      );
      expect(settled.candidates.map((c) => [c.agentState, c.exitCode])).toEqual([
        ['running', undefined],
        ['exited', 0],
        ['exited', 3],
      ]);
      const dry = await s.repo.run(upArgs(s.flow, ['--dry-run', '--json']));
      const actions = JSON.parse(dry.stdout).actions;
      expect(actions.map((a: { kind: string; index: number }) => `${a.kind} ${a.index}`)).toEqual([
        'restart-pane 3',
      ]);
      await repair(s, 'agent crashed');
      await waitForStarts(s.repo, 4);
      expect(s.repo.starts()[3]).toMatchObject({ index: 3, kind: 'resume' });

      // Kill launcher 1 and its agent, like an OOM kill.
      const pid =
        mux === 'tmux'
          ? Number(
              tmux(s.repo, [
                'display-message',
                '-p',
                '-t',
                tmuxPanes(s.repo, session).find((p) => p.index === '1')!.id,
                '#{pane_pid}',
              ]).trim(),
            )
          : Number(readFileSync(join(s.repo.stateDir(TASK), 'run', '1.pid'), 'utf8'));
      process.kill(-pid, 'SIGKILL');
      await waitFor(async () => (await status(s.flow)).candidates[0]!.agentState !== 'running', {
        interval: 250,
        message: 'agent 1 gone',
      });
      await repair(s, 'launcher killed');
      // Agent 1 resumes (agent 3, crashing again on each start, is restarted again as well).
      await waitFor(
        () =>
          s.repo
            .starts()
            .slice(4)
            .some((x) => x.index === 1 && x.kind === 'resume'),
        {
          message: 'agent 1 resumed',
        },
      );
      // The cleanly finished agent was never started again.
      expect(s.repo.starts().filter((x) => x.index === 2).length).toBe(1);
      expectWorkSafe(s);
    } finally {
      await finish(s);
    }
  });
});

/** Every candidate's worktree is registered on its branch and all three agents started. */
async function expectThreeCandidatesUp(repo: TestRepo): Promise<void> {
  expect(
    worktreeList(repo)
      .map((w) => w.branch)
      .sort(),
  ).toEqual([`${TASK}-1`, `${TASK}-2`, `${TASK}-3`, 'main']);
  await waitForStarts(repo, 3);
}

describe('git registry damaged by a killed `git worktree add`', () => {
  it('an empty commondir (git itself cannot list worktrees): the half-made worktree is discarded and rebuilt', async () => {
    const repo = await makeRepo();
    try {
      const path = repo.worktree(TASK, 2);
      repo.git(['worktree', 'add', '-q', '-b', `${TASK}-2`, path, 'HEAD']);
      // As `up` leaves it: the task's mark is on the branch before the branch is made.
      repo.git(['config', `branch.${TASK}-2.parallelTask`, TASK]);
      writeFileSync(join(repo.dir, '.git', 'worktrees', `${TASK}-2`, 'commondir'), '');
      writeFileSync(join(repo.dir, '.git', 'worktrees', `${TASK}-2`, 'locked'), 'initializing');
      expect(() => repo.git(['worktree', 'list'])).toThrow(/failed to read .*commondir/);
      const flow: Flow = { repo, mux: 'none', task: TASK };
      const dry = await repo.run(upArgs(flow, ['--prompt', 'x', '--dry-run']));
      expect(dry.stderr).toMatch(
        /discard the half-created worktree .*feat-2 \(its `git worktree add` was interrupted\)/,
      );
      const result = await repo.run(upArgs(flow, ['--prompt', 'x']));
      expectOk(result, 'up over a damaged registration');
      await expectThreeCandidatesUp(repo);
    } finally {
      await repo.cleanup();
    }
  });
  it('a registration killed before git wrote its gitdir (empty lock, empty directory): discarded too', async () => {
    const repo = await makeRepo();
    try {
      const admin = join(repo.dir, '.git', 'worktrees', `${TASK}-1`);
      mkdirSync(admin, { recursive: true });
      writeFileSync(join(admin, 'locked'), '');
      mkdirSync(repo.worktree(TASK, 1), { recursive: true });
      const flow: Flow = { repo, mux: 'none', task: TASK };
      const result = await repo.run(upArgs(flow, ['--prompt', 'x']));
      expectOk(result, 'up over a registration without gitdir');
      await expectThreeCandidatesUp(repo);
    } finally {
      await repo.cleanup();
    }
  });
});

describe.concurrent('disk full while writing the state', () => {
  it('ENOSPC on state.json during the first up: a clear message, and the next up finishes the job', async () => {
    const repo = await makeRepo({ env: { FAKE_AGENT_STAY: '1' } });
    try {
      const promptFile = join(repo.parent, 'prompt.txt');
      writeFileSync(promptFile, PROMPT);
      const flow: Flow = { repo, mux: 'none', task: TASK, flags: ['--prompt-file', promptFile] };
      const full = await repo.run(upArgs(flow), { env: { PARALLEL_TEST_ENOSPC: 'state.json' } });
      expect(full.code).toBe(1);
      expect(full.stderr.trim()).toMatch(
        /^error: Cannot write .*state\.json: the disk is full \(ENOSPC\)\. Free some space .* run the command again: it continues where this one stopped, and no work in the worktrees was touched\.$/,
      );
      expect(full.stderr.trim().split('\n').length).toBe(1);
      expect(repo.starts()).toEqual([]);
      // The state is written ahead of every branch: a full disk stops `up` before it creates any.
      const heads = [1, 2, 3].map((i) => branchCommit(repo, `${TASK}-${i}`));
      expect(heads.some(Boolean)).toBe(false);
      const again = await repo.run(upArgs(flow));
      expectOk(again, 'up after the disk was freed');
      await waitForStarts(repo, 3);
      expect(repo.starts().map((x) => x.kind)).toEqual(['start', 'start', 'start']);
      for (const record of repo.records()) expect(record.prompt).toBe(PROMPT);
      JSON.parse(readFileSync(join(repo.stateDir(TASK), 'state.json'), 'utf8'));
    } finally {
      await repo.cleanup();
    }
  });

  const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!canMount)(
    'a real full tmpfs under .git/parallel: a clear message, then repaired once there is space',
    async () => {
      const s = await started('none');
      const mount = join(s.repo.dir, '.git', 'parallel');
      const stash = join(s.repo.parent, 'parallel-stash');
      let mounted = false;
      try {
        // Move the task's files onto a tiny tmpfs, then fill it up.
        execFileSync('cp', ['-a', mount, stash]);
        rmSync(mount, { recursive: true });
        mkdirSync(mount);
        const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
        if (r.status !== 0) return; // no mount permission after all (rootless container)
        mounted = true;
        execFileSync('cp', ['-a', `${stash}/.`, mount]);
        rmSync(join(mount, TASK, 'state.json'));
        spawnSync('dd', ['if=/dev/zero', `of=${join(mount, 'filler')}`, 'bs=4k'], { stdio: 'ignore' });
        const full = await s.repo.run(upArgs(s.flow));
        expect(full.code).toBe(1);
        // (A warning that state.json was missing comes first; the error is one line.)
        const errors = full.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('error:'));
        expect(errors.length).toBe(1);
        expect(errors[0]).toMatch(
          /^error: Cannot (write|create) .*: the disk is full \(ENOSPC\)\. Free some space/,
        );
        expect(full.stderr.trim().split('\n').at(-1)).toBe(errors[0]);
        rmSync(join(mount, 'filler'));
        await repair(s, 'disk freed');
        JSON.parse(readFileSync(join(mount, TASK, 'state.json'), 'utf8'));
        expect(s.repo.starts().length).toBe(3);
        expectWorkSafe(s);
      } finally {
        if (mounted) spawnSync('umount', ['-l', mount]);
        await finish(s);
      }
    },
  );
});

describe.skipIf(!hasZellijDouble)('zellij CLI hanging', () => {
  it("the driver's timeout ends up with a clear error; the next up finds everything up", async () => {
    const s = await started('zellij');
    try {
      const started = Date.now();
      // Every call hangs: a 3 s limit per call (instead of 10 s) is enough to see it end with the error.
      const hung = await s.repo.run(upArgs(s.flow), {
        env: { FAKE_ZELLIJ_HANG: '1', PARALLEL_ZELLIJ_TIMEOUT_MS: '3000' },
      });
      expect(hung.code).not.toBe(0);
      expect(hung.stderr.trim()).toMatch(/^error: `zellij .*` did not answer within \d+ s/);
      expect(hung.stderr.trim().split('\n').length).toBe(1);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(existsSync(join(s.repo.stateDir(TASK), 'lock'))).toBe(false);
      const again = await repair(s, 'zellij hang');
      expect(again).toContain('already up');
      expect(zellijPanes(s.repo, `repo-${TASK}`).length).toBe(3);
      expectWorkSafe(s);
    } finally {
      await finish(s);
    }
  });
});
