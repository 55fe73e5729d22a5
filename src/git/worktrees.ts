import { git, GitError, gitOk } from './run.js';

export interface WorktreeEntry {
  path: string;
  head?: string;
  /** Short branch name, undefined when detached. */
  branch?: string;
  /** Registered but its directory is gone. */
  prunable: boolean;
}

/** Parses `git worktree list --porcelain`. */
export function parseWorktreeList(text: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('worktree ')) {
      current = { path: line.slice('worktree '.length), prunable: false };
      entries.push(current);
    } else if (!current) {
    } else if (line.startsWith('HEAD ')) current.head = line.slice(5);
    else if (line.startsWith('branch ')) current.branch = line.slice(7).replace(/^refs\/heads\//, '');
    else if (line === 'prunable' || line.startsWith('prunable ')) current.prunable = true;
  }
  return entries;
}

export async function listWorktrees(root: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await gitOk(root, ['worktree', 'list', '--porcelain']));
}

/** Branch name → commit, for the branches with the given names. */
export async function listBranches(root: string, names: string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const out = await gitOk(root, [
    'for-each-ref',
    '--format=%(objectname) %(refname:short)',
    ...names.map((n) => `refs/heads/${n}`),
  ]);
  const map = new Map<string, string>();
  for (const line of out.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) map.set(line.slice(space + 1), line.slice(0, space));
  }
  return map;
}

/** A new branch at `base`, checked out in a new worktree. Retries once on git's lock files (concurrent adds). */
export async function addWorktree(root: string, path: string, branch: string, base?: string): Promise<void> {
  const args = base
    ? ['worktree', 'add', '--quiet', '-b', branch, path, base]
    : ['worktree', 'add', '--quiet', path, branch];
  for (let attempt = 0; ; attempt++) {
    const result = await git(root, args);
    if (result.exitCode === 0) return;
    if (attempt < 3 && /\.lock'?: File exists|Unable to create .*\.lock/.test(result.stderr)) {
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
      continue;
    }
    throw new GitError(args, result);
  }
}

export const pruneWorktrees = (root: string) => gitOk(root, ['worktree', 'prune']);

export const createBranch = (root: string, branch: string, commit: string) =>
  gitOk(root, ['branch', '--', branch, commit]);

/** Checks the worktree out onto `branch` (which points at its HEAD) without touching its files. */
export const attachBranch = (worktree: string, branch: string) =>
  gitOk(worktree, ['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);

/** Paths with uncommitted or untracked changes, as `git status --porcelain` lines. */
export async function dirtyFiles(worktree: string): Promise<string[]> {
  const out = await gitOk(worktree, ['status', '--porcelain', '--untracked-files=normal']);
  return out.split('\n').filter(Boolean);
}
