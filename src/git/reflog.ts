import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './run.js';

/**
 * The commit a branch was created at: the new value of its reflog's first entry, read from
 * `<common-dir>/logs/refs/heads/<branch>`, when that commit still exists. Undefined without a
 * reflog (core.logAllRefUpdates off) or when the entry is gone.
 */
export async function branchCreatedAt(root: string, commonDir: string, branch: string) {
  const log = await readFile(join(commonDir, 'logs', 'refs', 'heads', branch), 'utf8').catch(() => '');
  const commit = log.split('\n', 1)[0]?.split(' ')[1];
  if (!commit || /^0+$/.test(commit)) return undefined;
  return (await commitExists(root, commit)) ? commit : undefined;
}

/**
 * The commit a worktree was last on, from its own HEAD reflog: what a branch deleted under a
 * live worktree (`git update-ref -d`) pointed at, while `git worktree list` shows HEAD 0000….
 */
export async function lastHead(root: string, adminDir: string): Promise<string | undefined> {
  const log = await readFile(join(adminDir, 'logs', 'HEAD'), 'utf8').catch(() => '');
  const lines = log.split('\n').filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const sha = lines[i]!.split(' ')[1];
    if (!sha || /^0+$/.test(sha)) continue;
    if (await commitExists(root, sha)) return sha;
  }
  return undefined;
}

export async function branchExists(root: string, branch: string): Promise<boolean> {
  return (await git(root, ['rev-parse', '--verify', '-q', `refs/heads/${branch}`])).exitCode === 0;
}

export async function commitExists(root: string, commit: string): Promise<boolean> {
  return (await git(root, ['cat-file', '-e', `${commit}^{commit}`])).exitCode === 0;
}
