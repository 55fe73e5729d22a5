import type { ResolvedHost } from '../config/resolve.js';
import type { ArchivedCandidate } from '../git/archive.js';
import { pushCommit } from '../git/transport.js';
import { ssh, sshMessage, sshOptions } from '../proc/ssh.js';
import { shellWords } from '../render/shell.js';
import { remotePaths } from './paths.js';
import { RESTORE, RESTORE_CHECK } from './scripts.js';
import { HostUnreachable, sshOk } from './ssh.js';

type Archived = ArchivedCandidate & { host: string };

function byHostName(candidates: Archived[]): Map<string, Archived[]> {
  const groups = new Map<string, Archived[]>();
  for (const c of candidates) groups.set(c.host, [...(groups.get(c.host) ?? []), c]);
  return groups;
}

/** Every reason putting these candidates back on their hosts would overwrite something (or cannot start). */
export async function remoteRestoreProblems(
  hosts: Record<string, ResolvedHost>,
  task: string,
  candidates: Archived[],
): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    [...byHostName(candidates)].map(async ([name, mine]) => {
      const host = hosts[name];
      if (!host) {
        problems.push(
          `candidate(s) ${mine.map((c) => `#${c.index}`).join(', ')} ran on host "${name}", which the config's \`hosts\` no longer names`,
        );
        return;
      }
      const args = [remotePaths(host, task).repo];
      for (const c of mine) args.push(String(c.index), c.worktree, c.branch);
      const result = await ssh(host, ['bash', '-c', RESTORE_CHECK, 'check', ...args]);
      if (result.exitCode !== 0) {
        problems.push(
          `host "${name}" does not answer (${sshMessage(result.stderr) || `exit ${result.exitCode}`})`,
        );
        return;
      }
      for (const line of result.stdout.split('\n')) {
        const [kind, n, exists, commit] = line.split('\t');
        if (kind !== 'cand') continue;
        const c = mine.find((x) => x.index === Number(n))!;
        if (exists === '1') problems.push(`${c.worktree} already exists on host "${name}"`);
        if (commit && commit !== '-' && commit !== c.commit)
          problems.push(`branch ${c.branch} already exists on host "${name}"`);
      }
    }),
  );
  return problems;
}

/** Sends each candidate's branch and saved files back to its host and makes its worktree there again. */
export async function restoreOnHosts(
  root: string,
  hosts: Record<string, ResolvedHost>,
  task: string,
  candidates: Archived[],
): Promise<void> {
  for (const [name, mine] of byHostName(candidates)) {
    const host = hosts[name]!;
    const paths = remotePaths(host, task);
    const url = `${host.ssh}:${paths.repo}`;
    const sshCommand = shellWords(['ssh', ...sshOptions(host)]);
    for (const c of mine) {
      for (const [commit, ref] of [
        [c.commit, `refs/heads/${c.branch}`],
        [c.wip?.commit, c.wip?.ref],
      ] as const) {
        if (!commit || !ref) continue;
        const pushed = await pushCommit(root, url, sshCommand, commit, ref);
        if (pushed.exitCode !== 0) throw new HostUnreachable(host, sshMessage(pushed.stderr));
      }
    }
    const args = [paths.repo, paths.runDir];
    for (const c of mine.filter((x) => x.commit)) {
      args.push(String(c.index), c.worktree, c.branch, c.wip?.commit ?? '-', c.wip?.ref ?? '-');
    }
    await sshOk(host, ['bash', '-c', RESTORE, 'restore', ...args], 'restoring the worktrees');
  }
}
