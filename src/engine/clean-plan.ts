/**
 * What `parallel down --clean` removes and why. Pure: facts in, decisions out; the command
 * gathers the facts and performs the removals.
 */

export interface CleanFacts {
  index: number;
  label: string;
  branch: string;
  worktree: string;
  worktreeExists: boolean;
  /** Tip of the candidate branch, null when the branch is gone. */
  head: string | null;
  /** The branch the worktree has checked out (undefined: detached) and its HEAD commit. */
  worktreeBranch?: string;
  worktreeHead?: string;
  uncommitted: string[];
  untracked: string[];
  /** Commits on the branch that the base (base branch tip, or base commit) does not contain. */
  unmergedCommits: number;
  /** A candidate on another machine: its host, and the ref here that holds its branch's commits. */
  host?: string;
  ref?: string;
  /** Its uncommitted and untracked files as one commit on its HEAD, and the ref here that holds it. */
  wip?: { commit: string; ref: string };
  /** Ignored files that are not untouched copies of the main worktree's (they are work too). */
  ignored?: string[];
  ignoredBytes?: number;
  /** The same files as listed (paths as bytes), so the archive need not list them again. */
  ignoredFiles?: { path: Buffer; size: number }[];
  /** Another worktree that has the candidate's branch checked out: the branch is never deleted. */
  checkedOutElsewhere?: string;
}

/** Ignored files beyond this (per candidate) are not archived, so `--force` keeps the candidate. */
export const IGNORED_CAP_MIB = 64;

export interface CleanDecision {
  facts: CleanFacts;
  /** Why it is removed (without --force: it holds no unique work) or why it is kept. */
  reasons: string[];
}

export interface CleanPlan {
  remove: CleanDecision[];
  keep: CleanDecision[];
  /** --force: everything removed is archived first. */
  archive: boolean;
}

export function planClean(facts: CleanFacts[], options: { force: boolean; baseName: string }): CleanPlan {
  const remove: CleanDecision[] = [];
  const keep: CleanDecision[] = [];
  for (const f of facts) {
    const unique = uniqueWork(f, options.baseName);
    const blocked = neverRemoved(f);
    if (blocked.length) {
      keep.push({ facts: f, reasons: [...unique, ...blocked] });
    } else if (options.force) {
      remove.push({
        facts: f,
        reasons: unique.length ? [`archived: ${unique.join(', ')}`] : ['no unique work'],
      });
    } else if (unique.length) {
      keep.push({ facts: f, reasons: unique });
    } else {
      remove.push({ facts: f, reasons: [noUniqueWork(f, options.baseName)] });
    }
  }
  return { remove, keep, archive: options.force && remove.length > 0 };
}

/** What stops even `--force`: it would break another worktree, or lose files no archive holds. */
function neverRemoved(f: CleanFacts): string[] {
  const reasons: string[] = [];
  if (f.checkedOutElsewhere) {
    reasons.push(
      `branch ${f.branch} is checked out in ${f.checkedOutElsewhere} (switch that worktree away first)`,
    );
  }
  if ((f.ignoredBytes ?? 0) > IGNORED_CAP_MIB * 1024 * 1024) {
    reasons.push(
      `its ignored files hold ${Math.ceil((f.ignoredBytes ?? 0) / 1024 / 1024)} MiB, over the ${IGNORED_CAP_MIB} MiB an archive keeps (move or delete them first)`,
    );
  }
  return reasons;
}

/** Everything that would be lost if the candidate were deleted; empty means it is safe. */
export function uniqueWork(f: CleanFacts, baseName: string): string[] {
  const reasons: string[] = [];
  if (f.unmergedCommits > 0) {
    reasons.push(`${f.unmergedCommits} commit${f.unmergedCommits > 1 ? 's' : ''} not in ${baseName}`);
  }
  if (f.uncommitted.length) reasons.push(`${f.uncommitted.length} uncommitted file(s)`);
  if (f.untracked.length) reasons.push(`${f.untracked.length} untracked file(s)`);
  if (f.ignored?.length) reasons.push(`${f.ignored.length} ignored file(s): ${preview(f.ignored)}`);
  if (f.worktreeExists && f.worktreeBranch !== f.branch) {
    reasons.push(
      f.worktreeBranch
        ? `the worktree is on branch ${f.worktreeBranch}, not ${f.branch}`
        : 'the worktree has a detached HEAD',
    );
  } else if (f.worktreeExists && f.head && f.worktreeHead && f.worktreeHead !== f.head) {
    reasons.push('the worktree HEAD differs from the branch tip');
  }
  return reasons;
}

function noUniqueWork(f: CleanFacts, baseName: string): string {
  const where = f.worktreeExists ? 'worktree clean' : 'worktree already gone';
  const branch = f.head === null ? 'branch already gone' : `branch merged into ${baseName}`;
  return `no unique work (${branch}, ${where})`;
}

const preview = (paths: string[]) =>
  paths.length > 3 ? `${paths.slice(0, 3).join(', ')}, …` : paths.join(', ');
