import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GitError, type GitOptions, git } from './run.js';

export interface WorktreeStatus {
  /** Tracked paths with staged or unstaged changes (including unmerged); a rename counts once. */
  uncommitted: string[];
  /** Untracked paths that are not ignored. */
  untracked: string[];
  /** Ignored paths, only when asked for (`ignored: true`). */
  ignored: string[];
}

/** The one parser of `git status --porcelain[=v1] -z`. */
export function parseStatusZ(text: string): WorktreeStatus {
  const status: WorktreeStatus = { uncommitted: [], untracked: [], ignored: [] };
  const fields = text.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    const code = entry.slice(0, 2);
    const path = entry.slice(3);
    if (code === '??') status.untracked.push(path);
    else if (code === '!!') status.ignored.push(path);
    else {
      status.uncommitted.push(path);
      // A rename or copy is followed by its source path.
      if (code[0] === 'R' || code[0] === 'C') i++;
    }
  }
  return status;
}

export interface StatusOptions extends Pick<GitOptions, 'optionalLocks'> {
  /** `all` lists every untracked file; `normal` (git's default) names an untracked directory once; `no` skips them. */
  untracked?: 'all' | 'normal' | 'no';
  /** Report renames as delete + add (each path stands alone). */
  noRenames?: boolean;
  /** Also list ignored files. */
  ignored?: boolean;
  /** Turn off git's index preloading threads (when many statuses run at once they only add overhead). */
  noPreload?: boolean;
}

export function statusArgs(options: StatusOptions = {}): string[] {
  return [
    ...(options.noPreload ? ['-c', 'core.preloadIndex=false'] : []),
    'status',
    '--porcelain',
    '-z',
    ...(options.noRenames ? ['--no-renames'] : []),
    ...(options.untracked ? [`--untracked-files=${options.untracked}`] : []),
    ...(options.ignored ? ['--ignored=matching'] : []),
  ];
}

/** `git status` of a worktree; throws GitError when git cannot read it. */
export async function worktreeStatus(worktree: string, options: StatusOptions = {}): Promise<WorktreeStatus> {
  const args = statusArgs({ untracked: 'all', noRenames: true, ...options });
  const result = await git(worktree, args, { optionalLocks: options.optionalLocks });
  if (result.exitCode !== 0) throw new GitError(args, result);
  return parseStatusZ(result.stdout);
}

/** Whether `path` is the top of a git worktree (it has its `.git` file or directory). */
export const isWorktree = (path: string) => existsSync(join(path, '.git'));
