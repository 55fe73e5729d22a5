import { availableParallelism } from 'node:os';
import { type FileStat, numstat } from './diff.js';
import { GitError, git } from './run.js';
import { isWorktree, parseStatusZ, type StatusOptions, statusArgs, type WorktreeStatus } from './status.js';

/** Which candidate to read: its branch and its worktree. */
export interface CandidateRef {
  index: number;
  branch: string;
  worktree: string;
  /** The full ref that holds its commits here; default `refs/heads/<branch>`. */
  ref?: string;
  /** Its worktree is on another machine: only its commits (at `ref`) are read here. */
  elsewhere?: boolean;
}

/** What git says about one candidate against a base commit. */
export interface CandidateGitFacts {
  /** The worktree is there and git can read it. */
  worktreeExists: boolean;
  /** Tip of the candidate's branch, null when the branch is gone. */
  head: string | null;
  /** Committer date of the branch tip. */
  tipDate?: Date;
  /** Commits on the branch that the base does not have. */
  commitsAhead: number;
  uncommitted: string[];
  untracked: string[];
}

export interface FactsOptions {
  /**
   * Whether `git status` may write back the refreshed index in this candidate's worktree (its
   * agent has exited): a fresh checkout leaves every file "racily clean", and until git
   * rewrites the index each status re-reads all of them. Default: only read.
   */
  mayWriteIndex?: (c: CandidateRef) => boolean;
  /**
   * `quick` (status): a worktree git cannot read counts as missing. `exact` (compare, down
   * --clean, report): it is an error. Both list every untracked file, renames as delete + add.
   */
  mode?: 'quick' | 'exact';
}

/**
 * The one reader of candidates' git facts, for `status`, `compare`, `down --clean` and
 * `report`. Started at once for a set of candidates: one `for-each-ref` for every branch tip,
 * one `git status` per worktree (the only command that reads the worktree's files), and only
 * for candidates with commits their count. It needs no config, so `status` starts it from the
 * state file while the config still loads.
 */
export class CandidateGitReader {
  private readonly tips: Promise<Map<string, Tip>>;
  private readonly ahead: Promise<Map<string, number> | GitError>;
  private readonly started = new Map<string, Started>();
  private readonly statusOptions: StatusOptions;

  constructor(
    readonly root: string,
    /** The commit the candidates are measured against. */
    readonly base: string,
    candidates: CandidateRef[],
    private readonly options: FactsOptions = {},
  ) {
    const exact = options.mode === 'exact';
    // Both modes list every untracked file and no renames, so that `status` counts what `compare`
    // and the report count. With a status per CPU or more running at once, git's own lstat
    // threads only add overhead.
    this.statusOptions = exact
      ? { untracked: 'all', noRenames: true }
      : { untracked: 'all', noRenames: true, noPreload: candidates.length >= availableParallelism() };
    this.tips = refTips(
      root,
      candidates.map((c) => refOf(c)),
    );
    this.ahead = this.tips.then((tips) =>
      commitsAhead(
        root,
        base,
        [...tips.values()].map((t) => t.commit),
      ),
    );
    for (const c of candidates) this.start(c);
  }

  /** Whether this was started for the same repository, base and candidate. */
  covers(root: string, base: string, c: CandidateRef): boolean {
    return root === this.root && base === this.base && this.started.has(key(c));
  }

  facts(c: CandidateRef): Promise<CandidateGitFacts> {
    return this.start(c).facts;
  }

  /**
   * Files the branch's commits changed since the base, with line counts (none without commits:
   * no git call). Needs only the tip, so it runs alongside the worktree's `git status`.
   */
  async committedFiles(c: CandidateRef): Promise<FileStat[]> {
    const head = (await this.tips).get(refOf(c))?.commit;
    return head && head !== this.base ? numstat(this.root, this.base, head) : [];
  }

  private start(c: CandidateRef): Started {
    let started = this.started.get(key(c));
    if (!started) {
      const status = this.readStatus(c);
      const facts = this.readFacts(status, c);
      started = { status, facts };
      // Work that the caller turns out not to need must not end the process as an unhandled rejection.
      status.catch(() => undefined);
      facts.catch(() => undefined);
      this.started.set(key(c), started);
    }
    return started;
  }

  private async readStatus(c: CandidateRef): Promise<WorktreeStatus | undefined> {
    if (c.elsewhere || !isWorktree(c.worktree)) return undefined;
    const args = statusArgs(this.statusOptions);
    const result = await git(c.worktree, args, { optionalLocks: this.options.mayWriteIndex?.(c) ?? false });
    if (result.exitCode === 0) return parseStatusZ(result.stdout);
    if (this.options.mode === 'exact') throw new GitError(args, result);
    return undefined;
  }

  private async readFacts(status: Promise<WorktreeStatus | undefined>, c: CandidateRef) {
    const tip = (await this.tips).get(refOf(c));
    const [read, ahead] = await Promise.all([status, this.ahead]);
    if (ahead instanceof GitError && this.options.mode === 'exact') throw ahead;
    const count = tip && !(ahead instanceof GitError) ? (ahead.get(tip.commit) ?? 0) : 0;
    return {
      worktreeExists: read !== undefined,
      head: tip?.commit ?? null,
      tipDate: tip?.date,
      commitsAhead: count,
      uncommitted: read?.uncommitted ?? [],
      untracked: read?.untracked ?? [],
    } satisfies CandidateGitFacts;
  }
}

interface Started {
  status: Promise<WorktreeStatus | undefined>;
  facts: Promise<CandidateGitFacts>;
}

const key = (c: CandidateRef) => `${c.index}\0${refOf(c)}\0${c.worktree}`;
const refOf = (c: CandidateRef) => c.ref ?? `refs/heads/${c.branch}`;

/** Reads the facts of a few candidates once (compare, down --clean). */
export async function readCandidateFacts(
  root: string,
  base: string,
  candidates: CandidateRef[],
  options: FactsOptions = { mode: 'exact' },
): Promise<{ reader: CandidateGitReader; facts: CandidateGitFacts[] }> {
  const reader = new CandidateGitReader(root, base, candidates, options);
  return { reader, facts: await Promise.all(candidates.map((c) => reader.facts(c))) };
}

interface Tip {
  commit: string;
  date: Date;
}

/**
 * Tip → how many commits it has that `base` does not (`git rev-list --count base..tip`), for
 * every tip in one git call: the commits of all tips but not of the base, with their parents,
 * each tip counting those it reaches. (A GitError when git fails.)
 */
async function commitsAhead(
  root: string,
  base: string,
  tips: string[],
): Promise<Map<string, number> | GitError> {
  const counts = new Map<string, number>();
  const moved = [...new Set(tips)].filter((t) => t !== base);
  if (moved.length === 0) return counts;
  const args = ['rev-list', '--parents', ...moved, `^${base}`, '--'];
  const result = await git(root, args);
  if (result.exitCode !== 0) return new GitError(args, result);
  const parents = new Map<string, string[]>();
  for (const line of result.stdout.split('\n')) {
    const [commit, ...of] = line.trim().split(' ');
    if (commit) parents.set(commit, of);
  }
  for (const tip of moved) {
    const seen = new Set<string>();
    const stack = parents.has(tip) ? [tip] : [];
    while (stack.length) {
      const commit = stack.pop()!;
      if (seen.has(commit)) continue;
      seen.add(commit);
      for (const parent of parents.get(commit) ?? []) if (parents.has(parent)) stack.push(parent);
    }
    counts.set(tip, seen.size);
  }
  return counts;
}

/** Full ref → tip commit and its committer date, in one git call. */
async function refTips(root: string, refs: string[]): Promise<Map<string, Tip>> {
  const tips = new Map<string, Tip>();
  if (refs.length === 0) return tips;
  const wanted = new Set(refs);
  const result = await git(root, [
    'for-each-ref',
    '--format=%(objectname) %(committerdate:iso-strict) %(refname)%00',
    ...refs,
  ]);
  for (const record of result.stdout.split('\0')) {
    const [commit, date, ref] = record.replace(/^\n/, '').split(' ');
    // for-each-ref matches by prefix too: refs/heads/a also lists refs/heads/a/b.
    if (!commit || !date || !ref || !wanted.has(ref)) continue;
    tips.set(ref, { commit, date: new Date(date) });
  }
  return tips;
}
