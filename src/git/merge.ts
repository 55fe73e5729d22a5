import { existsSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { displayPath, splitZ, under } from './ignored.js';
import { git, gitBytes, gitOk } from './run.js';
import { worktreeStatus } from './status.js';

export type PickMode = 'merge' | 'squash' | 'cherry-pick';

export interface IntegrateRequest {
  /** A worktree with the target branch checked out and no uncommitted changes. */
  cwd: string;
  mode: PickMode;
  /** Commit to bring in (the candidate's branch tip). */
  tip: string;
  /** The task's base commit: cherry-pick replays base..tip. */
  baseCommit: string;
  message: string;
}

export type IntegrateOutcome =
  | { ok: true; commit: string }
  | { ok: false; conflicts: string[]; output: string; reason: 'conflict' | 'failed' | 'empty' };

/**
 * Merges, squashes or cherry-picks `tip` into the checked-out branch. On any failure the
 * operation is aborted (`merge --abort`, `cherry-pick --abort`, `reset --merge`) so nothing is
 * left half-merged; the caller checks HEAD is back where it was.
 */
export async function integrate(req: IntegrateRequest): Promise<IntegrateOutcome> {
  const { cwd } = req;
  if (req.mode === 'merge') {
    const result = await git(cwd, ['merge', '--no-ff', '--no-edit', '-m', req.message, req.tip]);
    if (result.exitCode === 0) return { ok: true, commit: await head(cwd) };
    const conflicts = await conflictedFiles(cwd);
    await git(cwd, ['merge', '--abort']);
    return failure(conflicts, result.stdout + result.stderr);
  }
  if (req.mode === 'squash') {
    const result = await git(cwd, ['merge', '--squash', req.tip]);
    if (result.exitCode !== 0) {
      const conflicts = await conflictedFiles(cwd);
      await git(cwd, ['reset', '--merge']);
      return failure(conflicts, result.stdout + result.stderr);
    }
    if ((await git(cwd, ['diff', '--cached', '--quiet'])).exitCode === 0) {
      await git(cwd, ['reset', '--merge']);
      return { ok: false, conflicts: [], output: result.stdout, reason: 'empty' };
    }
    const commit = await git(cwd, ['commit', '-q', '-m', req.message]);
    if (commit.exitCode !== 0) {
      await git(cwd, ['reset', '--merge']);
      return failure([], commit.stdout + commit.stderr);
    }
    return { ok: true, commit: await head(cwd) };
  }
  const result = await git(cwd, ['cherry-pick', `${req.baseCommit}..${req.tip}`]);
  if (result.exitCode === 0) return { ok: true, commit: await head(cwd) };
  const conflicts = await conflictedFiles(cwd);
  await git(cwd, ['cherry-pick', '--abort']);
  return failure(conflicts, result.stdout + result.stderr);
}

const failure = (conflicts: string[], output: string): IntegrateOutcome => ({
  ok: false,
  conflicts,
  output: output.trim(),
  reason: conflicts.length ? 'conflict' : 'failed',
});

export const head = async (cwd: string) => (await gitOk(cwd, ['rev-parse', 'HEAD'])).trim();

async function conflictedFiles(cwd: string): Promise<string[]> {
  const out = await git(cwd, ['diff', '--name-only', '-z', '--diff-filter=U']);
  return out.stdout.split('\0').filter(Boolean);
}

/** Tracked files with changes (untracked files do not block a merge unless git says so). */
export async function trackedChanges(cwd: string): Promise<string[]> {
  return (await worktreeStatus(cwd, { untracked: 'no', noRenames: false })).uncommitted;
}

/** `* <subject>` of each commit in from..to, newest first: the body of a squash commit. */
export const commitSubjects = (cwd: string, from: string, to: string) =>
  gitOk(cwd, ['log', '--format=* %s', `${from}..${to}`]);

/** A merge, cherry-pick, revert or rebase already under way in that worktree, if any. */
export async function operationInProgress(cwd: string): Promise<string | undefined> {
  const gitDir = (await gitOk(cwd, ['rev-parse', '--absolute-git-dir'])).trim();
  const markers: [string, string][] = [
    ['MERGE_HEAD', 'a merge'],
    ['CHERRY_PICK_HEAD', 'a cherry-pick'],
    ['REVERT_HEAD', 'a revert'],
    ['rebase-merge', 'a rebase'],
    ['rebase-apply', 'a rebase or am'],
  ];
  return markers.find(([file]) => existsSync(join(gitDir, file)))?.[1];
}

/** Why git could not make a commit as the user (no name or e-mail configured), or undefined. */
export async function identityProblem(cwd: string): Promise<string | undefined> {
  const get = async (key: string) => (await git(cwd, ['config', '--get', key])).stdout.trim();
  const env = process.env;
  const name = env.GIT_COMMITTER_NAME || (await get('user.name'));
  const email = env.GIT_COMMITTER_EMAIL || (await get('user.email')) || env.EMAIL;
  const missing = [name ? undefined : 'user.name', email ? undefined : 'user.email'].filter(Boolean);
  if (!missing.length) return undefined;
  return `git has no ${missing.join(' and ')} configured, and pick commits as you. Set them with \`git config --global user.name "Your Name"\` and \`git config --global user.email you@example.com\` (or per repository without --global), then run again.`;
}

/**
 * Files that bringing `to` into `from` would create but that already exist in `cwd` without
 * being tracked there (untracked or ignored): git would refuse, or silently overwrite an
 * ignored one. Listed so nothing of the user's is ever overwritten.
 */
export async function untrackedInTheWay(cwd: string, from: string, to: string): Promise<string[]> {
  const added = await gitBytes(cwd, [
    'diff',
    '--name-only',
    '-z',
    '--no-renames',
    '--diff-filter=A',
    from,
    to,
    '--',
  ]);
  const inTheWay: string[] = [];
  for (const path of splitZ(added)) {
    if (await lstat(under(cwd, path)).catch(() => undefined)) inTheWay.push(displayPath(path));
  }
  return inTheWay;
}
