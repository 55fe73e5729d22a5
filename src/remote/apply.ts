import type { ResolvedHost } from '../config/resolve.js';
import { filesToCopy } from '../engine/prepare.js';
import { UserError } from '../errors.js';
import { pushCommit } from '../git/transport.js';
import { warn } from '../output.js';
import type { Plan } from '../plan/plan.js';
import { sshMessage, sshOptions, sshPipe } from '../proc/ssh.js';
import { shellWords } from '../render/shell.js';
import { byHost, remotePaths, remoteSession } from './paths.js';
import type { RemoteAction } from './reconcile.js';
import { hostFiles } from './render.js';
import { APPLY, INIT_REPO } from './scripts.js';
import { HostUnreachable, sshOk } from './ssh.js';

type Step = (action: RemoteAction, work: () => Promise<unknown>) => Promise<void>;

/**
 * Runs the remote actions, every host at once: ship the base commit, then one round trip that
 * writes the prompt (stdin) and launchers, makes the worktrees, runs setup and starts the
 * agents in the host's tmux. Runs before anything local, so a host that stops answering
 * half-way leaves this machine as it was.
 */
export async function applyRemote(plan: Plan, actions: RemoteAction[], step: Step): Promise<void> {
  const groups = byHost(plan);
  await Promise.all(
    [...groups.values()].map(async ({ host }) => {
      const mine = actions.filter((a) => a.host === host.name);
      if (mine.length) await applyHost(plan, host, mine, step);
    }),
  );
}

async function applyHost(plan: Plan, host: ResolvedHost, actions: RemoteAction[], step: Step) {
  const paths = remotePaths(host, plan.task);
  for (const action of actions.filter((a) => a.kind === 'remote-ship')) {
    await step(action, async () => {
      if (action.init)
        await sshOk(host, ['bash', '-c', INIT_REPO, 'init', paths.repo], 'creating the repository');
      await ship(plan, host, action.commit);
    });
  }
  const rest = actions.filter((a) => a.kind !== 'remote-ship');
  if (rest.length === 0) return;
  const worktrees = rest.filter((a) => a.kind === 'remote-worktree');
  const prepares = rest.filter((a) => a.kind === 'remote-prepare');
  // The first round trip makes the worktrees; the untracked files are copied into them before setup runs.
  if (worktrees.length) await runApply(plan, host, worktrees, step);
  if (prepares.length) await copyFiles(plan, host, prepares);
  const later = rest.filter((a) => a.kind !== 'remote-worktree');
  if (later.length) await runApply(plan, host, later, step);
}

async function runApply(plan: Plan, host: ResolvedHost, actions: RemoteAction[], step: Step) {
  const paths = remotePaths(host, plan.task);
  const candidates = plan.candidates.filter((c) => c.host?.name === host.name);
  const files = hostFiles(plan, candidates);
  const writePrompt = actions.some((a) => a.kind === 'remote-files' && a.prompt);
  const args = [paths.socket, paths.repo, paths.promptFile, writePrompt ? '1' : '0', paths.logDir];
  args.push(String(plan.setup.length), ...plan.setup);
  const order = ['remote-files', 'remote-worktree', 'remote-prepare', 'remote-start'];
  const sorted = [...actions].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  for (const action of sorted) {
    const c = candidates.find((x) => 'index' in action && x.index === action.index);
    if (action.kind === 'remote-files') {
      for (const index of action.indexes) {
        const launcher = files.launchers.get(index)!;
        args.push('file', launcher.path, launcher.content);
      }
    } else if (action.kind === 'remote-worktree') {
      if (action.base)
        args.push('create', String(action.index), action.path, action.branch, action.base, paths.runDir);
      else args.push('restore', String(action.index), action.path, action.branch);
    } else if (action.kind === 'remote-prepare') {
      args.push('prepare', String(action.index), action.path, paths.runDir);
    } else if (action.kind === 'remote-start' && c) {
      args.push(
        'start',
        String(action.index),
        c.worktree,
        remoteSession(plan, c),
        files.launchers.get(c.index)!.path,
      );
    }
  }
  const [first, ...others] = sorted;
  let output = '';
  await step(first!, async () => {
    output = await sshOk(
      host,
      ['bash', '-c', APPLY, 'apply', ...args],
      'setting up the candidates',
      writePrompt ? (plan.prompt ?? '') : undefined,
    );
  });
  for (const action of others) await step(action, async () => undefined);
  for (const line of output.split('\n')) {
    const [kind, n, command] = line.split('\t');
    if (kind === 'setup-failed') {
      warn(
        `setup failed in candidate ${n} on host ${host.name}: \`${command}\`; see ${paths.logDir}/${n}.setup.log there. Its agent starts anyway; fix and re-run the command in that worktree.`,
      );
    }
  }
}

async function ship(plan: Plan, host: ResolvedHost, commit: string): Promise<void> {
  const paths = remotePaths(host, plan.task);
  const result = await pushCommit(
    plan.repo.root,
    `${host.ssh}:${paths.repo}`,
    shellWords(['ssh', ...sshOptions(host)]),
    commit,
    `refs/parallel/base/${plan.task}`,
  );
  if (result.exitCode === 0) return;
  const message = sshMessage(result.stderr);
  if (
    /Connection|connect to host|Could not resolve|timed out|Permission denied|Host key/i.test(result.stderr)
  ) {
    throw new HostUnreachable(host, message);
  }
  throw new UserError(
    `Sending the base commit ${commit.slice(0, 12)} to host "${host.name}" failed: ${message}`,
  );
}

/** The config's `copy` files (untracked, e.g. .env), sent as one tar stream into each new worktree there; nothing there is overwritten. */
async function copyFiles(plan: Plan, host: ResolvedHost, prepares: RemoteAction[]): Promise<void> {
  const files = await filesToCopy(plan);
  if (files.length === 0) return;
  for (const action of prepares) {
    if (action.kind !== 'remote-prepare') continue;
    const result = await sshPipe(
      host,
      { command: 'tar', args: ['-c', '-f', '-', '-C', plan.repo.root, '--', ...files], cwd: plan.repo.root },
      ['tar', '-x', '-f', '-', '--skip-old-files', '-C', action.path],
    );
    if (result.exitCode === 255) throw new HostUnreachable(host, sshMessage(result.stderr));
    if (result.exitCode !== 0) {
      throw new UserError(
        `Copying ${files.length} untracked file(s) to ${action.path} on host "${host.name}" failed: ${sshMessage(result.stderr)}`,
      );
    }
  }
}
