import type { RecordedCandidate } from '../compare/task.js';
import type { CleanFacts } from '../engine/clean-plan.js';
import { numstat } from '../git/diff.js';
import { commitsNotIn } from '../git/patch-identity.js';
import { fetchRefs } from '../git/transport.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { ssh, sshMessage, sshOptions } from '../proc/ssh.js';
import { shellWords } from '../render/shell.js';
import { byHost, fetchedRef, remotePaths, remoteSession } from './paths.js';
import { REMOVE, SNAPSHOT } from './scripts.js';

/** Where a remote candidate's uncommitted and untracked work is kept, there and here. */
export const wipRef = (task: string, index: number) => `refs/parallel-wip/${task}/${index}`;

/** What `down --clean` knows of a remote candidate once its work is here. */
export interface RemoteCleanFacts extends CleanFacts {
  host: string;
  /** The tree of its worktree's files when saved (removal checks they are unchanged). */
  tree: string | null;
}

export interface RemoteFacts {
  facts: RemoteCleanFacts[];
  /** Candidates that cannot be decided on (host unreachable, worktree unreadable, fetch failed), with why. */
  blocked: { candidate: RecordedCandidate; reason: string }[];
}

/**
 * Saves each remote candidate's worktree on its host as a commit (uncommitted and untracked
 * files), then fetches that commit and the candidate's branch into refs here, so that nothing
 * there is the only copy of its work; then reads the facts the decision needs from those refs.
 * One round trip and one fetch per host, all hosts at once.
 */
export async function gatherRemoteFacts(
  plan: Plan,
  recorded: RecordedCandidate[],
  target: string,
): Promise<RemoteFacts> {
  const result: RemoteFacts = { facts: [], blocked: [] };
  const planned = plan.candidates.filter((c) => recorded.some((r) => r.index === c.index && r.host));
  await Promise.all(
    [...byHost(plan, planned).values()].map(async ({ host, candidates }) => {
      const paths = remotePaths(host, plan.task);
      const args = [paths.repo];
      for (const c of candidates)
        args.push(String(c.index), c.worktree, c.branch, wipRef(plan.task, c.index));
      const snap = await ssh(host, ['bash', '-c', SNAPSHOT, 'snapshot', ...args]);
      const block = (c: Candidate, reason: string) =>
        result.blocked.push({ candidate: recorded.find((r) => r.index === c.index)!, reason });
      if (snap.exitCode !== 0) {
        const why = `host ${host.name} does not answer (${sshMessage(snap.stderr) || `exit ${snap.exitCode}`}); nothing there was touched`;
        for (const c of candidates) block(c, why);
        return;
      }
      const seen = parseSnapshot(snap.stdout);
      const refspecs: string[] = [];
      for (const c of candidates) {
        const s = seen.get(c.index);
        if (!s || s === 'unreadable') continue;
        if (s.commit) refspecs.push(`+refs/heads/${c.branch}:${fetchedRef(plan.task, c.index)}`);
        if (s.wip) refspecs.push(`+${wipRef(plan.task, c.index)}:${wipRef(plan.task, c.index)}`);
      }
      if (refspecs.length) {
        const url = `${host.ssh}:${paths.repo}`;
        const fetched = await fetchRefs(
          plan.repo.root,
          url,
          shellWords(['ssh', ...sshOptions(host)]),
          refspecs,
        );
        if (fetched.exitCode !== 0) {
          for (const c of candidates)
            block(
              c,
              `its work could not be fetched from host ${host.name} (${sshMessage(fetched.stderr)}); nothing there was touched`,
            );
          return;
        }
      }
      for (const c of candidates) {
        const s = seen.get(c.index);
        if (!s || s === 'unreadable') {
          block(c, `its worktree on host ${host.name} cannot be read; nothing there was touched`);
          continue;
        }
        const changed =
          s.wip && s.head ? (await numstat(plan.repo.root, s.head, s.wip)).map((f) => f.path) : [];
        result.facts.push({
          index: c.index,
          label: c.label,
          branch: c.branch,
          worktree: c.worktree,
          worktreeExists: s.exists,
          head: s.commit,
          worktreeBranch: s.worktreeBranch,
          worktreeHead: s.head ?? undefined,
          // The saved commit holds both; they are counted together.
          uncommitted: s.wip && !s.head ? ['(every file: the worktree has no commit)'] : changed,
          untracked: [],
          unmergedCommits: s.commit ? await commitsNotIn(plan.repo.root, target, s.commit) : 0,
          host: host.name,
          tree: s.tree,
          ref: fetchedRef(plan.task, c.index),
          ...(s.wip ? { wip: { commit: s.wip, ref: wipRef(plan.task, c.index) } } : {}),
        });
      }
    }),
  );
  return result;
}

interface Snapshot {
  exists: boolean;
  commit: string | null;
  head: string | null;
  tree: string | null;
  wip: string | null;
  worktreeBranch?: string;
}

function parseSnapshot(stdout: string): Map<number, Snapshot | 'unreadable'> {
  const seen = new Map<number, Snapshot | 'unreadable'>();
  const dash = (text: string | undefined) => (text && text !== '-' ? text : null);
  for (const line of stdout.split('\n')) {
    const [kind, n, exists, commit, head, tree, wip, branch] = line.split('\t');
    if (kind === 'unreadable') seen.set(Number(n), 'unreadable');
    if (kind !== 'cand') continue;
    seen.set(Number(n), {
      exists: exists === '1',
      commit: dash(commit),
      head: dash(head),
      tree: dash(tree),
      wip: dash(wip),
      worktreeBranch: dash(branch) ?? undefined,
    });
  }
  return seen;
}

/**
 * Removes remote candidates whose work is saved here (or has none of its own), each host in
 * one round trip; the host refuses any whose files or branch changed after they were saved.
 * → why each one that stays, by index.
 */
export async function removeRemote(plan: Plan, facts: RemoteCleanFacts[]): Promise<Map<number, string>> {
  const failures = new Map<number, string>();
  const planned = plan.candidates.filter((c) => facts.some((f) => f.index === c.index));
  await Promise.all(
    [...byHost(plan, planned).values()].map(async ({ host, candidates }) => {
      const paths = remotePaths(host, plan.task);
      const args = [paths.socket, paths.repo];
      for (const c of candidates) {
        const f = facts.find((x) => x.index === c.index)!;
        args.push(
          String(c.index),
          c.worktree,
          c.branch,
          f.head ?? '-',
          f.tree ?? '-',
          wipRef(plan.task, c.index),
          remoteSession(plan, c),
        );
      }
      const result = await ssh(host, ['bash', '-c', REMOVE, 'remove', ...args]);
      const removed = new Set<number>();
      for (const line of result.stdout.split('\n')) {
        const [kind, n, why] = line.split('\t');
        if (kind === 'removed') removed.add(Number(n));
        if (kind === 'failed') failures.set(Number(n), `on host ${host.name}: ${why}`);
      }
      for (const c of candidates) {
        if (removed.has(c.index) || failures.has(c.index)) continue;
        failures.set(
          c.index,
          `host ${host.name} stopped answering (${sshMessage(result.stderr) || `exit ${result.exitCode}`}); run down --clean again`,
        );
      }
    }),
  );
  return failures;
}
