import type { CandidateCost } from '../cost/types.js';
import type { PickRecord } from '../task/picked.js';

/**
 * The output of `parallel compare <task> --json` (and the data behind `parallel report`).
 * Stable: fields are only ever added. Paths are relative to the worktree; commits are full ids.
 */
export interface CompareJson {
  /** Format version; bumped only on an incompatible change. */
  version: 1;
  task: string;
  /** The commit every candidate started from, and the branch `pick` merges into (null: detached). */
  base: { ref: string; commit: string; branch: string | null };
  /** Names of the config's eval commands, in config order (empty with --no-eval or none configured). */
  evals: string[];
  /** Every recorded candidate, in index order, including ones whose worktree or branch is gone. */
  candidates: CandidateJson[];
  /** Files touched (committed, uncommitted or untracked) by two or more candidates. */
  overlap: { file: string; candidates: number[] }[];
  /** The verdict `parallel judge` recorded, or null when no judge has run. */
  judge: JudgeJson | null;
}

export interface JudgeJson {
  /** The agent that judged, and when (ISO time). */
  agent: string;
  at: string;
  /** The candidates it was shown. */
  judged: number[];
  /** Candidate numbers, best first. */
  ranking: number[];
  /** Judged candidates whose branch tip moved since (the verdict may be out of date for them). */
  changedSince: number[];
}

export interface CandidateJson {
  /** 1-based candidate number (a synthesized candidate gets the next free number). */
  index: number;
  /** `{task}-{n}`, or `{task}-synth` for a synthesized one. */
  label: string;
  agent: string;
  branch: string;
  /** Absolute path of the worktree. */
  worktree: string;
  worktreeExists: boolean;
  /** Tip of the branch, or null when the branch does not exist. */
  head: string | null;
  /** Commits on the branch that are not in the base commit. */
  commitsAhead: number;
  /** Committed changes: base commit → branch tip. */
  filesChanged: number;
  insertions: number;
  deletions: number;
  files: { path: string; insertions: number; deletions: number; binary: boolean }[];
  /** Tracked files with staged or unstaged changes in the worktree (not in the stats above). */
  uncommitted: string[];
  /** Untracked, not ignored files in the worktree. */
  untracked: string[];
  /** Files this candidate touched that other candidates touched too. */
  overlap: string[];
  /** One entry per eval command, in config order. */
  evals: EvalResult[];
  /** Its place in the judge's ranking (1: best; null: not ranked) and the judge's reason; null when not judged. */
  verdict: { rank: number | null; reason: string | null } | null;
  /** Wall time, tokens and cost of its agent; each field null when unknown. */
  cost: CandidateCost;
  /** Set once `parallel pick` brought this candidate into a branch (the latest pick); null otherwise. */
  picked?: PickRecord | null;
}

/**
 * `pass`: exit 0. `fail`: other exit code. `timeout`: killed (with its process group) after
 * timeoutMs. `missing`: the shell could not find the command (exit 127). `skipped`: not run
 * (worktree missing).
 */
export type EvalStatus = 'pass' | 'fail' | 'timeout' | 'missing' | 'skipped';

export interface EvalResult {
  name: string;
  command: string;
  status: EvalStatus;
  /** Exit code, or null when killed or not run. */
  exitCode: number | null;
  durationMs: number;
  /** Absolute path of the log (`<state dir>/logs/eval-<n>-<name>.log`), null when not run. */
  log: string | null;
}
