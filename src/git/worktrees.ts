import { existsSync } from 'node:fs';
import { readFile, stat, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import pLimit from 'p-limit';
import { GitError, git, gitEnv, gitOk } from './run.js';
import { worktreeStatus } from './status.js';

export interface WorktreeEntry {
  path: string;
  head?: string;
  /** Short branch name, undefined when detached. */
  branch?: string;
  /** Registered but its directory is gone. */
  prunable: boolean;
}

/** Parses `git worktree list --porcelain` (with `-z`: NUL ends each line, so paths may hold newlines). */
export function parseWorktreeList(text: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const line of text.split(text.includes('\0') ? '\0' : '\n')) {
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
  return parseWorktreeList(await gitOk(root, ['worktree', 'list', '--porcelain', '-z']));
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

/**
 * A worktree on `branch` (created at `base` when given), checked out. Two steps: the
 * registration (`git worktree add --no-checkout`, milliseconds) runs one at a time, because
 * concurrent `worktree add`s in one repository race on each other's half-written admin files
 * ("failed to read …/commondir"); the checkout (the expensive part) runs beside at most
 * CHECKOUTS_AT_ONCE - 1 others (below), while the next worktree registers. Until its files are
 * there the worktree stays locked as `initializing`, git's own marker for an unfinished
 * `worktree add`, so a run killed half-way is recognised as such. (Git's parallel checkout, `checkout.workers`, was measured slower for
 * one worktree of 10,000 small files on 2 cores and is left to the user's git config.)
 */
export async function addWorktree(root: string, path: string, branch: string, base?: string): Promise<void> {
  // Looked up (once per repository) while the worktree registers and checks out.
  postCheckoutHook(root).catch(() => undefined);
  const admin = await serially(() => registerWorktree(root, path, branch, base));
  await checkouts(() => checkout(root, path, base === undefined ? undefined : branch));
  await unlink(join(admin, 'locked')).catch(() => undefined);
  await postCheckout(root, path, base);
}

const INITIALIZING = 'initializing';
const RACE = /\.lock'?: File exists|Unable to create .*\.lock|failed to read .*(commondir|gitdir)/;
/** Tries of a `worktree add` that lost a race, and the wait before the next (doubling). */
const RACE_TRIES = 6;
const raceWait = (attempt: number) => new Promise((r) => setTimeout(r, 25 * 2 ** attempt));

/**
 * `git worktree add <args>`, tried again when it lost a race with another process's
 * `worktree add` in this repository: git reads every registration and fails on one that is
 * half written ("failed to read …/commondir"), or meets its lock file. Two tasks brought up or
 * restored at once do that.
 */
export async function worktreeAdd(root: string, args: string[]): Promise<void> {
  const command = ['worktree', 'add', ...args];
  for (let attempt = 0; ; attempt++) {
    const result = await git(root, command);
    if (result.exitCode === 0) return;
    if (attempt + 1 >= RACE_TRIES || !RACE.test(result.stderr)) throw new GitError(command, result);
    await raceWait(attempt);
  }
}

/**
 * How many checkouts run at once: one per four cores. On 2 cores, four checkouts of 50,000
 * files took 17–27 s one after another on ext4 and 54–106 s two at a time, for the same CPU
 * time (they wait on the disk, and the wait grows with the files: `up` ×8 was 1.17× a hand
 * loop at 50k files and 1.43× at 200k); on tmpfs the two were even. Registrations stay serial.
 */
export const CHECKOUTS_AT_ONCE = Math.max(1, Math.floor(availableParallelism() / 4));
const checkouts = pLimit(CHECKOUTS_AT_ONCE);

let queue: Promise<unknown> = Promise.resolve();
/** Runs `work` after every earlier call of this process has finished. */
function serially<T>(work: () => Promise<T>): Promise<T> {
  const next = queue.then(work, work);
  queue = next.catch(() => undefined);
  return next;
}

/** `git worktree add --no-checkout --lock`; → the worktree's admin dir. Retries on another process's locks. */
async function registerWorktree(root: string, path: string, branch: string, base?: string): Promise<string> {
  const command = ['worktree', 'add', '--quiet', '--no-checkout', '--lock', '--reason', INITIALIZING];
  let args = [...command, ...(base ? ['-b', branch, path, base] : [path, branch])];
  for (let attempt = 0; ; attempt++) {
    const result = await git(root, args);
    if (result.exitCode === 0) break;
    // A try that lost a race with another repository-wide `worktree add` may already have made the branch.
    if (base && args.includes('-b') && (await branchAt(root, branch)) === (await branchAt(root, base))) {
      args = [...command, path, branch];
    }
    const stale = attempt < 6 ? await staleRefLock(result.stderr, branch) : undefined;
    if (stale === 'removed') continue;
    if (stale === 'young') {
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    if (attempt + 1 < RACE_TRIES && RACE.test(result.stderr)) {
      await raceWait(attempt);
      continue;
    }
    throw new GitError(args, result);
  }
  const dotGit = await readFile(join(path, '.git'), 'utf8');
  const admin = dotGit.replace(/^gitdir: /, '').trim();
  return isAbsolute(admin) ? admin : resolve(path, admin);
}

/**
 * The lock file of the candidate's own branch ref, left by a git that was killed while it
 * created the branch (a crashed `up`): git holds a ref lock for milliseconds, and the task lock
 * keeps other git-parallel runs off these branches, so one older than 2 s is removed ('removed');
 * a younger one is waited for ('young').
 */
async function staleRefLock(stderr: string, branch: string): Promise<'removed' | 'young' | undefined> {
  const file = /Unable to create '([^']+\.lock)': File exists/.exec(stderr)?.[1];
  if (!file?.endsWith(`/refs/heads/${branch}.lock`)) return undefined;
  const age = await stat(file).then(
    (s) => Date.now() - s.mtimeMs,
    () => undefined,
  );
  if (age === undefined) return 'removed';
  if (age < 2_000) return 'young';
  await unlink(file).catch(() => undefined);
  return 'removed';
}

/**
 * What `git worktree add` runs after registering it. On failure the half-made worktree (and
 * the branch made for it) is removed, as `git worktree add` itself does.
 */
async function checkout(root: string, path: string, newBranch?: string): Promise<void> {
  const args = ['reset', '--hard', '--quiet', '--no-recurse-submodules'];
  const result = await git(path, args);
  if (result.exitCode === 0) return;
  await git(root, ['worktree', 'remove', '--force', '--force', path]);
  if (newBranch) await git(root, ['branch', '-D', '--', newBranch]);
  throw new GitError(args, result);
}

const hookFiles = new Map<string, Promise<string | undefined>>();
/** The repository's post-checkout hook, if it has one (core.hooksPath honoured). Looked up once. */
function postCheckoutHook(root: string): Promise<string | undefined> {
  let file = hookFiles.get(root);
  if (!file) {
    file = gitOk(root, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks/post-checkout']).then(
      (out) => (existsSync(out.trim()) ? out.trim() : undefined),
    );
    hookFiles.set(root, file);
  }
  return file;
}

/** Runs the repository's post-checkout hook, if it has one, as `git worktree add` does. */
export async function postCheckout(root: string, path: string, base?: string): Promise<void> {
  if (await postCheckoutHook(root).catch(() => undefined)) await runPostCheckout(path, base);
}

/** Runs post-checkout the way `git worktree add` does: old HEAD all zeros, new HEAD, flag 1. */
async function runPostCheckout(path: string, base?: string): Promise<void> {
  const head = base ?? (await gitOk(path, ['rev-parse', 'HEAD'])).trim();
  const args = ['hook', 'run', '--ignore-missing', 'post-checkout', '--', '0'.repeat(head.length), head, '1'];
  const env = { ...gitEnv() };
  delete env.GIT_DIR;
  delete env.GIT_WORK_TREE;
  const result = await git(path, args, { env });
  if (result.exitCode !== 0) throw new GitError(args, result);
}

export const pruneWorktrees = (root: string) => gitOk(root, ['worktree', 'prune']);

export const createBranch = (root: string, branch: string, commit: string) =>
  gitOk(root, ['branch', '--', branch, commit]);

/**
 * Checks the worktree out onto `branch` (which points at its HEAD) without touching its files.
 * `message`: the reflog entry of HEAD (git's own for a checkout, say).
 */
export const attachBranch = (worktree: string, branch: string, message?: string) =>
  gitOk(worktree, ['symbolic-ref', ...(message ? ['-m', message] : []), 'HEAD', `refs/heads/${branch}`]);

/** Paths with uncommitted or untracked changes (an untracked directory counts once). */
export async function dirtyFiles(worktree: string): Promise<string[]> {
  const status = await worktreeStatus(worktree, { untracked: 'normal', noRenames: false });
  return [...status.uncommitted, ...status.untracked];
}

async function branchAt(root: string, ref: string): Promise<string | undefined> {
  const result = await git(root, ['rev-parse', '--verify', '-q', `${ref}^{commit}`]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * `git worktree remove` (`force`: even with changes, or locked, as a killed `up` leaves one);
 * → git's message on failure.
 */
export async function removeWorktree(root: string, path: string, force = false): Promise<string | undefined> {
  const result = await git(root, ['worktree', 'remove', ...(force ? ['--force', '--force'] : []), path]);
  return result.exitCode === 0 ? undefined : result.stderr.trim();
}

/** Drops stale registrations; unlike pruneWorktrees, a failure is ignored. */
export const pruneQuietly = async (root: string) => {
  await git(root, ['worktree', 'prune']);
};

/** Deletes the branch only if it still points at `expected` (compare-and-swap); → git's message on failure. */
export async function deleteBranchAt(
  root: string,
  branch: string,
  expected: string,
): Promise<string | undefined> {
  const result = await git(root, ['update-ref', '-d', `refs/heads/${branch}`, expected]);
  return result.exitCode === 0 ? undefined : result.stderr.trim();
}

export const unlockWorktree = (root: string, path: string) => gitOk(root, ['worktree', 'unlock', path]);

/** Checks out an existing branch in a new worktree (`git worktree add`). */
export const addWorktreeOn = (root: string, path: string, branch: string) =>
  worktreeAdd(root, ['--quiet', path, branch]);
