import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GitError, git, gitOk } from './run.js';
import { statusArgs } from './status.js';
import { attachBranch, createBranch, deleteBranchAt, worktreeAdd } from './worktrees.js';

/**
 * The git side of the worktree pool: detached checkouts that `up` moves into place and puts
 * on a candidate's branch.
 */

/**
 * A checkout of `commit` at `path` with no branch, locked as `initializing` (git's own marker
 * for an unfinished `worktree add`) until its files are all there: `worktree move` refuses a
 * locked worktree, so nothing takes a half-made entry.
 */
export async function addPoolWorktree(root: string, path: string, commit: string): Promise<void> {
  await worktreeAdd(root, ['--quiet', '--detach', '--lock', '--reason', 'initializing', path, commit]);
  await gitOk(root, ['worktree', 'unlock', path]);
}

/** Moves a worktree (rename + its registration); false when git refuses (locked, gone, taken). */
export async function moveWorktree(root: string, from: string, to: string): Promise<boolean> {
  return (await git(root, ['worktree', 'move', from, to])).exitCode === 0;
}

/**
 * No change to any tracked file and no untracked file (ignored files do not count). Takes run
 * one per CPU: git's own lstat threads would only add overhead.
 */
export async function isPristine(path: string): Promise<boolean> {
  const result = await git(path, statusArgs({ untracked: 'normal', noPreload: true }));
  return result.exitCode === 0 && result.stdout === '';
}

/**
 * Puts the worktree on a new `branch` at `commit`. git rewrites only the files that differ
 * between the current HEAD and `commit` (and runs post-checkout, as it does for a new worktree).
 */
export async function switchToNewBranch(path: string, branch: string, commit: string): Promise<void> {
  const args = ['checkout', '--quiet', '--no-track', '-b', branch, commit];
  const result = await git(path, args);
  if (result.exitCode !== 0) throw new GitError(args, result);
}

/**
 * Puts a worktree whose HEAD already is `commit` on a new `branch` without reading its files:
 * `checkout -b` would compare all of them with the index (as long as a fresh checkout of a
 * small repository) only to find nothing to write. Nothing is changed when it fails (the
 * branch exists).
 */
export async function attachNewBranch(
  root: string,
  path: string,
  branch: string,
  commit: string,
): Promise<void> {
  await createBranch(root, branch, commit);
  try {
    await attachBranch(path, branch, `checkout: moving from ${commit} to ${branch}`);
  } catch (error) {
    await deleteBranchAt(root, branch, commit);
    throw error;
  }
}

/**
 * Removes a pool entry; git refuses (→ false) when it holds changes, which are then kept.
 * `halfMade`: an entry a killed fill left locked, which was never anyone's to change.
 */
export async function removePoolWorktree(root: string, path: string, halfMade = false): Promise<boolean> {
  const force = halfMade ? ['--force', '--force'] : [];
  return (await git(root, ['worktree', 'remove', ...force, path])).exitCode === 0;
}

export interface PoolWorktree {
  path: string;
  head?: string;
  /** Still being checked out (or left half-made by a killed fill). */
  locked: boolean;
}

/** The registered worktrees directly inside `dir`, from `git worktree list --porcelain -z`. */
export async function listPoolWorktrees(root: string, dir: string): Promise<PoolWorktree[]> {
  const out = await gitOk(root, ['worktree', 'list', '--porcelain', '-z']);
  const entries: PoolWorktree[] = [];
  let current: PoolWorktree | undefined;
  for (const field of out.split('\0')) {
    if (field.startsWith('worktree ')) {
      current = { path: field.slice('worktree '.length), locked: false };
      if (current.path.startsWith(`${dir}/`) && !current.path.slice(dir.length + 1).includes('/'))
        entries.push(current);
    } else if (!current) {
    } else if (field.startsWith('HEAD ')) current.head = field.slice(5);
    else if (field === 'locked' || field.startsWith('locked ')) current.locked = true;
  }
  return entries;
}

/**
 * git names a worktree's administrative directory (`<common-dir>/worktrees/<id>`) after the
 * path it was added at, and `worktree move` keeps the old name. This gives a moved entry the
 * name a fresh `git worktree add` at its new path would have given it (when that name is
 * free), so that nothing tells the two apart, its `.git` file included.
 */
export async function renameAdminDir(path: string): Promise<void> {
  const dotGit = join(path, '.git');
  const admin = (await readFile(dotGit, 'utf8')).replace(/^gitdir: /, '').trim();
  const wanted = join(dirname(admin), basename(path));
  if (wanted === admin || existsSync(wanted)) return;
  await rename(admin, wanted);
  await writeFile(dotGit, `gitdir: ${wanted}\n`);
}
