import { git, type RunResult } from './run.js';

/** The repository's remotes, by name (from `remote.<name>.url`, read with -z). */
export async function listRemotes(cwd: string): Promise<string[]> {
  const result = await git(cwd, ['config', '-z', '--get-regexp', '^remote\\..*\\.url$']);
  if (result.exitCode !== 0) return [];
  const names = result.stdout
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(0, entry.indexOf('\n') < 0 ? entry.length : entry.indexOf('\n')))
    .map((key) => key.slice('remote.'.length, -'.url'.length));
  return [...new Set(names)];
}

/** The remote a branch pulls from (`branch.<name>.remote`), if set. */
export async function branchRemote(cwd: string, branch: string): Promise<string | undefined> {
  const result = await git(cwd, ['config', '-z', '--get', `branch.${branch}.remote`]);
  const value = result.stdout.replace(/\0$/, '');
  return result.exitCode === 0 && value && value !== '.' ? value : undefined;
}

/**
 * Pushes a local branch to the same name on the remote. Never forced: a remote branch that
 * has moved on is refused by git, and its message comes back in the result.
 */
export function pushBranch(cwd: string, remote: string, branch: string): Promise<RunResult> {
  return git(cwd, ['push', '--porcelain', '--', remote, `refs/heads/${branch}:refs/heads/${branch}`]);
}
