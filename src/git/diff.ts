import { GitError, git, gitOk } from './run.js';

/** One file of `git diff --numstat`: binary files have no line counts. */
export interface FileStat {
  path: string;
  insertions: number;
  deletions: number;
  binary: boolean;
}

/** Files changed between two commits (renames reported as delete + add, so paths are plain). */
export async function numstat(cwd: string, from: string, to: string): Promise<FileStat[]> {
  const stdout = await gitOk(cwd, ['diff', '--numstat', '-z', '--no-renames', from, to, '--']);
  return parseNumstat(stdout);
}

export function parseNumstat(stdout: string): FileStat[] {
  return stdout
    .split('\0')
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const [added = '-', deleted = '-', ...rest] = entry.split('\t');
      const binary = added === '-' || deleted === '-';
      return {
        path: rest.join('\t'),
        insertions: binary ? 0 : Number(added),
        deletions: binary ? 0 : Number(deleted),
        binary,
      };
    });
}

/** Commit id of a ref, or undefined when it does not exist. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | undefined> {
  const result = await git(cwd, ['rev-parse', '--verify', '-q', '--end-of-options', `${ref}^{commit}`]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export async function countCommits(cwd: string, from: string, to: string): Promise<number> {
  return Number((await gitOk(cwd, ['rev-list', '--count', `${from}..${to}`, '--'])).trim());
}

/** True when `commit` is `target` or one of its ancestors (merged into it). */
export async function isAncestor(cwd: string, commit: string, target: string): Promise<boolean> {
  return (await git(cwd, ['merge-base', '--is-ancestor', commit, target])).exitCode === 0;
}

export interface DiffOptions {
  stat?: boolean;
  color?: boolean;
}

/** `git diff from to` as text (unified, binary-safe summary), or its --stat. */
export async function diffText(cwd: string, from: string, to: string, options: DiffOptions = {}) {
  const args = ['diff', '--no-ext-diff', options.color ? '--color=always' : '--no-color'];
  if (options.stat) args.push('--stat');
  return gitOk(cwd, [...args, from, to, '--']);
}

/** The worktree's tracked changes against its HEAD (staged and unstaged together). */
export async function uncommittedDiff(worktree: string): Promise<string> {
  return gitOk(worktree, ['diff', '--no-ext-diff', '--no-color', 'HEAD', '--']);
}

/** The worktree's files (committed and uncommitted, tracked only) against a commit. */
export async function worktreeDiff(worktree: string, from: string, options: DiffOptions = {}) {
  const args = ['diff', '--no-ext-diff', options.color ? '--color=always' : '--no-color'];
  return gitOk(worktree, [...args, ...(options.stat ? ['--stat'] : []), from, '--']);
}

/** An untracked file of a worktree as a new file's diff (`path` relative to the worktree). */
export async function untrackedDiff(worktree: string, path: string, options: DiffOptions = {}) {
  const args = ['diff', '--no-index', '--no-ext-diff', options.color ? '--color=always' : '--no-color'];
  // --no-index exits 1 when the files differ, which a new file always does.
  const result = await git(worktree, [...args, ...(options.stat ? ['--stat'] : []), '--', '/dev/null', path]);
  if (result.exitCode > 1) throw new GitError([...args, path], result);
  return result.stdout;
}
