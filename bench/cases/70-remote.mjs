// 4 candidates on a host over ssh against 4 on this machine: `up`, `status` and
// `compare --no-eval`. The host is this machine behind a real sshd on 127.0.0.1, so the figures
// are git-parallel's round trips and git's transport, not a network.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TASK, WORKTREES } from '../lib/context.mjs';
import { HOST_ALIAS, SSHD, sshConfigFile, startSshd } from '../lib/sshd.mjs';

export const id = 'remote';
export const title = '4 candidates on a host over ssh (sshd on 127.0.0.1) against 4 here';

const COUNT = 4;

export default async function remoteCase(ctx) {
  if (!SSHD) {
    ctx.log('  skipped: no sshd (install openssh-server)');
    return;
  }
  const base = dirname(WORKTREES);
  const sshDir = join(base, 'sshd');
  const hostDir = join(base, 'host');
  const server = await startSshd(sshDir);
  const local = ctx.repoOf();
  const remote = ctx.repoOf(ctx.files, {
    hosts: { box: { ssh: HOST_ALIAS, dir: hostDir, sshArgs: ['-F', sshConfigFile(sshDir)] } },
  });
  const hostGit = (...args) =>
    execFileSync('git', ['--git-dir', join(hostDir, 'repo.git'), ...args], { encoding: 'utf8' });
  /** The host back to no task (its repository keeps the shipped objects, as a user's would). */
  const cleanHost = () => {
    try {
      execFileSync('tmux', ['-S', join(hostDir, 'tmux.sock'), 'kill-server'], { stdio: 'ignore' });
    } catch {
      // no server
    }
    rmSync(join(hostDir, 'worktrees'), { recursive: true, force: true });
    rmSync(join(hostDir, 'tasks'), { recursive: true, force: true });
    if (!existsSync(join(hostDir, 'repo.git'))) return;
    hostGit('worktree', 'prune');
    const branches = hostGit('for-each-ref', '--format=%(refname)', 'refs/heads/')
      .split('\n')
      .filter(Boolean);
    for (const ref of branches) hostGit('update-ref', '-d', ref);
  };
  const samples = { up: [[], []], status: [[], []], compare: [[], []] };
  try {
    // The host's first `up` ships the whole base; the runs measure a host that has it, as after a first task.
    ctx.clean(remote);
    cleanHost();
    ctx.up(remote, COUNT, '--host', 'box');
    ctx.repeat((run) => {
      for (const which of run % 2 === 0 ? [0, 1] : [1, 0]) {
        const repo = which === 0 ? remote : local;
        ctx.clean(repo);
        if (which === 0) cleanHost();
        samples.up[which].push(ctx.up(repo, COUNT, ...(which === 0 ? ['--host', 'box'] : [])).ms);
        samples.status[which].push(ctx.parallel(repo, 'status', TASK).ms);
        samples.compare[which].push(ctx.parallel(repo, 'compare', TASK, '--no-eval').ms);
      }
    });
  } finally {
    try {
      ctx.clean(remote);
      ctx.clean(local);
      cleanHost();
    } finally {
      server.stop();
    }
  }
  for (const what of ['up', 'status', 'compare']) {
    const label = what === 'compare' ? 'compare --no-eval' : what;
    const r = ctx.record(`${label}, ${COUNT} remote candidates`, samples[what][0]);
    const l = ctx.record(`${label}, ${COUNT} local candidates`, samples[what][1]);
    ctx.check({ name: `${label} ×${COUNT}: remote − local`, value: r.median - l.median });
  }
}
