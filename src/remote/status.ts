import type { ResolvedHost } from '../config/resolve.js';
import type { CandidateStatus } from '../engine/candidate-status.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { ssh, sshMessage } from '../proc/ssh.js';
import { parsePane } from './observe.js';
import { byHost, remotePaths, remoteSession } from './paths.js';
import { STATUS } from './scripts.js';

export type RemoteStatus = Pick<
  CandidateStatus,
  | 'host'
  | 'worktreeExists'
  | 'agentState'
  | 'exitCode'
  | 'commitsAhead'
  | 'filesChanged'
  | 'insertions'
  | 'deletions'
  | 'uncommitted'
  | 'untracked'
  | 'lastActivity'
  | 'unreachable'
>;

/** remoteStatuses for a recorded task, planned from its state and the config's hosts. */
export async function remoteStatusesOf(task: string): Promise<Map<number, RemoteStatus>> {
  const { loadTask } = await import('../task/context.js');
  return remoteStatuses((await loadTask(task, {})).plan);
}

/**
 * What each remote candidate's host says (one round trip per host, all at once): its agent in
 * the host's tmux and its worktree's work. A host that does not answer makes its candidates
 * `unreachable`, with ssh's message; nothing is inferred about their work.
 */
export async function remoteStatuses(plan: Plan): Promise<Map<number, RemoteStatus>> {
  const out = new Map<number, RemoteStatus>();
  await Promise.all(
    [...byHost(plan).values()].map(async ({ host, candidates }) => {
      for (const [index, status] of await hostStatus(plan, host, candidates)) out.set(index, status);
    }),
  );
  return out;
}

async function hostStatus(plan: Plan, host: ResolvedHost, candidates: Candidate[]) {
  const paths = remotePaths(host, plan.task);
  const args = [paths.socket, plan.base.commit];
  for (const c of candidates) {
    args.push(String(c.index), c.worktree, c.branch, remoteSession(plan, c), paths.runDir, paths.repo);
  }
  const result = await ssh(host, ['bash', '-c', STATUS, 'status', ...args]);
  const statuses = new Map<number, RemoteStatus>();
  if (result.exitCode === 255 || result.exitCode === 127) {
    const message = sshMessage(result.stderr) || `exit ${result.exitCode}`;
    for (const c of candidates) {
      statuses.set(c.index, {
        host: host.name,
        worktreeExists: false,
        agentState: 'unreachable',
        commitsAhead: 0,
        filesChanged: 0,
        insertions: 0,
        deletions: 0,
        uncommitted: [],
        untracked: [],
        unreachable: message,
      });
    }
    return statuses;
  }
  for (const line of result.stdout.split('\n')) {
    if (line.startsWith('path\t')) {
      // `path N XY PATH`, as `git status --porcelain -z` gives it, newlines in PATH as \x01.
      const [, n, entry = ''] = line.match(/^path\t(\d+)\t(.*)$/) ?? [];
      const status = statuses.get(Number(n));
      const path = entry.slice(3).replace(/\x01/g, '\n');
      if (status && path) (entry.startsWith('?? ') ? status.untracked : status.uncommitted).push(path);
      continue;
    }
    const [kind, n, exists, ahead, files, insertions, deletions, paneText, exit, tip] = line.split('\t');
    if (kind !== 'cand') continue;
    const pane = parsePane(paneText ?? 'none');
    const exitCode = pane.state === 'dead' ? (pane.exitCode ?? num(exit)) : undefined;
    statuses.set(Number(n), {
      host: host.name,
      worktreeExists: exists === '1',
      agentState: pane.state === 'alive' ? 'running' : pane.state === 'dead' ? 'exited' : 'missing',
      ...(exitCode === undefined ? {} : { exitCode }),
      commitsAhead: num(ahead) ?? 0,
      filesChanged: num(files) ?? 0,
      insertions: num(insertions) ?? 0,
      deletions: num(deletions) ?? 0,
      uncommitted: [],
      untracked: [],
      ...(tip && tip !== '-' ? { lastActivity: new Date(tip).toISOString() } : {}),
    });
  }
  return statuses;
}

const num = (text: string | undefined) => (text && /^\d+$/.test(text) ? Number(text) : undefined);
