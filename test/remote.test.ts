/**
 * Candidates on another machine, end to end against a real OpenSSH server on 127.0.0.1 (keys
 * made for the run) whose `dir` is a separate directory: two remote candidates and one local on
 * one base, the prompt byte-exact on both sides, status across hosts (including a host that
 * stops answering), sshd stopped in the middle of `up` and while agents run, down --clean and
 * restore of remote work.
 */
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAgent, hasTmux, makeRepo, type TestRepo, tmux, waitFor } from './support/repo.js';
import { hasSshd, startSshd, type TestSshd } from './support/sshd.js';
import { expectOk, PROMPT } from './support/up-flow.js';

interface StatusJson {
  candidates: {
    index: number;
    agentState: string;
    host?: string;
    commitsAhead: number;
    worktreeExists: boolean;
  }[];
}

const alive = (pid: number) => {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
};

describe('candidates on a remote host over ssh (real sshd on 127.0.0.1)', () => {
  let sshd: TestSshd;
  let repo: TestRepo;
  let hostDir: string;
  let stopFlag: string;
  let setupMarker: string;
  const run = (args: string[]) => repo.run(args, { timeoutMs: 280_000 });
  const up = (task: string, extra: string[] = []) =>
    run(['up', task, '--mux', 'tmux', '--no-attach', '--prompt', PROMPT, ...extra]);
  const status = async (task: string) => {
    const result = await run(['status', task, '--json']);
    expectOk(result, 'status');
    return JSON.parse(result.stdout) as StatusJson;
  };
  const records = (task: string) => repo.records().filter((r) => r.env.PARALLEL_TASK === task);

  beforeAll(async () => {
    // Not skipped when missing: CI installs them (scripts/test-deps.sh), so their absence is a broken setup.
    if (!hasSshd) {
      throw new Error(
        "These tests need OpenSSH's server (/usr/sbin/sshd): install openssh-server (`bash scripts/test-deps.sh` as root does it).",
      );
    }
    if (!hasTmux)
      throw new Error(
        'These tests need tmux on PATH: install tmux (`bash scripts/test-deps.sh` as root does it).',
      );
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const sshdDir = await mkdtemp(join(tmpdir(), 'gp-sshd-'));
    sshd = await startSshd(sshdDir);
    repo = await makeRepo({ config: null });
    hostDir = join(repo.parent, 'host');
    stopFlag = join(repo.parent, 'stop-in-setup');
    setupMarker = join(repo.parent, 'setup-reached');
    const config = {
      hosts: { box: { ssh: sshd.target, dir: hostDir, sshArgs: sshd.sshArgs } },
      agents: [fakeAgent({ name: 'far', count: 2, host: 'box' } as never), fakeAgent({ name: 'near' })],
      env: { FAKE_AGENT_LOG_DIR: repo.logDir, FAKE_AGENT_STAY: '1' },
      // Lets a test stop sshd while `up` is in the middle of the host's setup.
      setup: [`if [ -e ${stopFlag} ]; then touch ${setupMarker}; sleep 60; fi`],
      eval: [{ name: 'own-file', command: 'pwd && test -f "candidate-$PARALLEL_INDEX.txt"' }],
    };
    writeFileSync(join(repo.dir, 'parallel.config.json'), `${JSON.stringify(config, null, 2)}\n`);
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'config']);
    repo.env.PARALLEL_SSH_CONTROL_DIR = join(repo.parent, 'ssh');
    // sshd's own files live apart from the host's dir; cleaned with the repo.
    (repo as { sshdDir?: string }).sshdDir = sshdDir;
  }, 300_000);

  afterAll(async () => {
    await sshd?.stop();
    for (const server of [[], ['-S', join(hostDir, 'tmux.sock')]]) {
      try {
        tmux(repo, [...server, 'kill-server']);
      } catch {
        // no server
      }
    }
    await repo?.cleanup();
    const sshdDir = (repo as { sshdDir?: string } | undefined)?.sshdDir;
    if (sshdDir) rmSync(sshdDir, { recursive: true, force: true });
  });

  it('two remote and one local candidate start on one base with the prompt byte-exact', async () => {
    const result = await up('feat');
    expectOk(result, 'up');
    const started = await waitFor(() => records('feat').length >= 3 && records('feat'), {
      timeout: 30_000,
      message: '3 agent records',
    });
    const byIndex = new Map(started.map((r) => [Number(r.env.PARALLEL_INDEX), r]));
    expect([...byIndex.keys()].sort()).toEqual([1, 2, 3]);
    for (const r of started) expect(r.prompt).toBe(PROMPT);
    expect(byIndex.get(1)!.cwd).toBe(join(hostDir, 'worktrees', 'feat-1'));
    expect(byIndex.get(2)!.cwd).toBe(join(hostDir, 'worktrees', 'feat-2'));
    expect(byIndex.get(3)!.cwd).toBe(repo.worktree('feat', 3));
    expect(readFileSync(join(hostDir, 'tasks', 'feat', 'prompt.txt'), 'utf8')).toBe(PROMPT);
    const base = repo.git(['rev-parse', 'HEAD']).trim();
    const hostGit = (args: string[]) => repo.git(['--git-dir', join(hostDir, 'repo.git'), ...args]).trim();
    await waitFor(() => hostGit(['rev-parse', 'feat-1']) !== base, { timeout: 30_000 });
    expect(hostGit(['rev-parse', 'feat-1~1'])).toBe(base);
    expect(hostGit(['rev-parse', 'feat-2~1'])).toBe(base);
    // One local tmux pane per candidate; the remote ones are views over ssh.
    const panes = tmux(repo, [
      'list-panes',
      '-s',
      '-t',
      '=repo-feat',
      '-F',
      '#{@parallel_index} #{pane_dead}',
    ]);
    expect(panes.trim().split('\n').sort()).toEqual(['1 0', '2 0', '3 0']);
  }, 300_000);

  it('a second up does nothing', async () => {
    const result = await up('feat');
    expectOk(result, 'up');
    expect(result.stdout + result.stderr).toMatch(/already up/);
  }, 300_000);

  it('status shows the remote candidates with their host and work', async () => {
    const s = await waitFor(
      async () => {
        const now = await status('feat');
        return now.candidates.every((c) => c.commitsAhead === 1) && now;
      },
      { timeout: 30_000, message: 'every candidate with its commit' },
    );
    expect(s.candidates.map((c) => [c.index, c.agentState, c.host ?? null])).toEqual([
      [1, 'running', 'box'],
      [2, 'running', 'box'],
      [3, 'running', null],
    ]);
    expect(s.candidates.every((c) => c.worktreeExists)).toBe(true);
  }, 300_000);

  it('send types into a remote agent in its tmux session on the host', async () => {
    expectOk(await run(['send', 'feat', 'hello from afar', '--to', '1']), 'send');
    const socket = join(hostDir, 'tmux.sock');
    await waitFor(
      () =>
        tmux(repo, ['-S', socket, 'capture-pane', '-p', '-t', '=repo-feat-1:']).includes('hello from afar'),
      { timeout: 30_000, message: 'the text in the remote pane' },
    );
  }, 300_000);

  it('sshd stopped while agents run: they keep running, status says unreachable, up reconnects', async () => {
    const pids = records('feat').map((r) => r.pid);
    await sshd.stop();
    try {
      const s = await status('feat');
      expect(s.candidates.map((c) => c.agentState)).toEqual(['unreachable', 'unreachable', 'running']);
      expect(pids.every(alive)).toBe(true);
      const refused = await up('feat');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(
        /Host "box" \(ssh [^)]*\) cannot be reached: .*refused.*nothing was changed|nothing was changed.*Host "box"/is,
      );
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(join(hostDir, 'worktrees', 'feat-1'))).toBe(true);
      // Nor does down --clean, even with --force, touch anything there.
      const cleaning = await run(['down', 'feat', '2', '--clean', '--force']);
      expect(cleaning.stdout + cleaning.stderr).toMatch(/#2[^\n]*does not answer/);
      expect(existsSync(join(hostDir, 'worktrees', 'feat-2'))).toBe(true);
    } finally {
      await sshd.start();
    }
    expectOk(await up('feat'), 'up after sshd returned');
    await waitFor(
      () => {
        const panes = tmux(repo, [
          'list-panes',
          '-s',
          '-t',
          '=repo-feat',
          '-F',
          '#{@parallel_index} #{pane_dead}',
        ]);
        return panes.trim().split('\n').sort().join(',') === '1 0,2 0,3 0';
      },
      { timeout: 20_000, message: 'every view alive again' },
    );
    expect(records('feat').length).toBe(3);
    expect(pids.every(alive)).toBe(true);
    expect((await status('feat')).candidates.map((c) => c.agentState)).toEqual([
      'running',
      'running',
      'running',
    ]);
  }, 300_000);

  it('sshd stopped in the middle of up: a clear error, nothing half-done here, the next up converges', async () => {
    writeFileSync(stopFlag, '');
    const pending = up('mid');
    let failed: Awaited<typeof pending>;
    try {
      await waitFor(() => existsSync(setupMarker), { timeout: 90_000, message: 'setup reached on the host' });
    } finally {
      await sshd.stop();
      failed = await pending;
    }
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/box/);
    expect(failed.stderr).toMatch(/again/);
    expect(failed.stderr).not.toMatch(/\n\s+at /);
    // The local candidate was not started on: no worktree, no session.
    expect(existsSync(repo.worktree('mid', 3))).toBe(false);
    expect(() => tmux(repo, ['has-session', '-t', '=repo-mid'])).toThrow();

    rmSync(stopFlag);
    await sshd.start();
    expectOk(await up('mid'), 'up after sshd returned');
    const started = await waitFor(() => records('mid').length >= 3 && records('mid'), {
      timeout: 30_000,
      message: '3 agent records for mid',
    });
    expect(started.every((r) => r.prompt === PROMPT)).toBe(true);
  }, 400_000);

  it('compare, diff and pick work across hosts (remote branches fetched into refs of the task)', async () => {
    const compared = await run(['compare', 'feat', '--json', '--no-eval']);
    expectOk(compared, 'compare');
    const json = JSON.parse(compared.stdout) as {
      candidates: { index: number; commitsAhead: number; files: { path: string }[] }[];
    };
    expect(json.candidates.map((c) => [c.index, c.commitsAhead, c.files.map((f) => f.path)])).toEqual([
      [1, 1, ['candidate-1.txt']],
      [2, 1, ['candidate-2.txt']],
      [3, 1, ['candidate-3.txt']],
    ]);
    expect(repo.git(['rev-parse', 'refs/parallel/feat/2']).trim()).toBe(
      repo.git(['--git-dir', join(hostDir, 'repo.git'), 'rev-parse', 'feat-2']).trim(),
    );
    // Evals run where each candidate lives: on the host for #1 and #2.
    const evaluated = await run(['compare', 'feat', '--json']);
    expectOk(evaluated, 'compare with evals');
    const withEvals = JSON.parse(evaluated.stdout) as {
      candidates: { index: number; evals: { status: string; log: string }[] }[];
    };
    expect(withEvals.candidates.map((c) => c.evals.map((e) => e.status))).toEqual([
      ['pass'],
      ['pass'],
      ['pass'],
    ]);
    expect(readFileSync(withEvals.candidates[0]!.evals[0]!.log, 'utf8')).toContain(
      join(hostDir, 'worktrees', 'feat-1'),
    );
    const diff = await run(['diff', 'feat', '2', '--stat']);
    expectOk(diff, 'diff');
    expect(diff.stdout).toMatch(/candidate-2\.txt/);
    expectOk(await run(['pick', 'feat', '1']), 'pick');
    expect(repo.git(['show', 'main:candidate-1.txt'])).toBe('candidate 1 was here\n');
  }, 300_000);

  it('down stops the agents on the host and keeps their work', async () => {
    const pids = records('feat').map((r) => r.pid);
    expectOk(await run(['down', 'feat']), 'down');
    await waitFor(() => pids.every((pid) => !alive(pid)), { timeout: 20_000, message: 'agents stopped' });
    expect(existsSync(join(hostDir, 'worktrees', 'feat-1'))).toBe(true);
  }, 300_000);

  it('down --clean saves remote work here before removing it there; restore puts it back on the host', async () => {
    const wt2 = join(hostDir, 'worktrees', 'feat-2');
    const hostRepo = ['--git-dir', join(hostDir, 'repo.git')];
    writeFileSync(join(wt2, 'wip.txt'), 'not committed\n');
    appendFileSync(join(wt2, 'candidate-2.txt'), 'more\n');
    const kept = await run(['down', 'feat', '--clean']);
    expectOk(kept, 'down --clean');
    // #1 was picked into main, so nothing of it is lost: gone on the host too. #2 and #3 hold work.
    expect(existsSync(join(hostDir, 'worktrees', 'feat-1'))).toBe(false);
    expect(repo.git([...hostRepo, 'branch', '--list', 'feat-1']).trim()).toBe('');
    expect(kept.stdout + kept.stderr).toMatch(/#2 .*1 commit.*uncommitted/);
    expect(existsSync(join(wt2, 'wip.txt'))).toBe(true);

    expectOk(await run(['down', 'feat', '--clean', '--force']), 'down --clean --force');
    expect(existsSync(wt2)).toBe(false);
    expect(existsSync(repo.worktree('feat', 3))).toBe(false);

    expectOk(await run(['restore', 'feat']), 'restore');
    expect(readFileSync(join(wt2, 'wip.txt'), 'utf8')).toBe('not committed\n');
    expect(readFileSync(join(wt2, 'candidate-2.txt'), 'utf8')).toBe('candidate 2 was here\nmore\n');
    expect(repo.git(['-C', wt2, 'status', '--porcelain']).split('\n').filter(Boolean).sort()).toEqual([
      ' M candidate-2.txt',
      '?? wip.txt',
    ]);
    expect(repo.git(['-C', wt2, 'log', '-1', '--format=%s']).trim()).not.toMatch(/uncommitted/);
    expect(existsSync(repo.worktree('feat', 3))).toBe(true);
    const state = JSON.parse(readFileSync(join(repo.stateDir('feat'), 'state.json'), 'utf8')) as {
      candidates: { index: number; host?: string }[];
    };
    expect(state.candidates.map((c) => [c.index, c.host ?? null])).toEqual([
      [2, 'box'],
      [3, null],
    ]);
  }, 300_000);
});
