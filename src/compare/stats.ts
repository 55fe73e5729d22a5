import { countCommits, type FileStat, numstat, resolveCommit, worktreeStatus } from '../git/diff.js';
import { labelOf, type RecordedCandidate, worktreeExists } from './task.js';

/** What git says about one candidate right now. */
export interface CandidateFacts {
  index: number;
  label: string;
  agent: string;
  branch: string;
  worktree: string;
  worktreeExists: boolean;
  head: string | null;
  commitsAhead: number;
  files: FileStat[];
  uncommitted: string[];
  untracked: string[];
}

export async function gatherCandidate(
  repoRoot: string,
  task: string,
  baseCommit: string,
  c: RecordedCandidate,
): Promise<CandidateFacts> {
  const exists = worktreeExists(c.worktree);
  const [head, status] = await Promise.all([
    resolveCommit(repoRoot, `refs/heads/${c.branch}`),
    exists ? worktreeStatus(c.worktree) : { uncommitted: [], untracked: [] },
  ]);
  const [commitsAhead, files] = head
    ? await Promise.all([countCommits(repoRoot, baseCommit, head), numstat(repoRoot, baseCommit, head)])
    : [0, []];
  return {
    index: c.index,
    label: labelOf(task, c),
    agent: c.agent,
    branch: c.branch,
    worktree: c.worktree,
    worktreeExists: exists,
    head: head ?? null,
    commitsAhead,
    files,
    uncommitted: status.uncommitted,
    untracked: status.untracked,
  };
}

export function gatherCandidates(
  repoRoot: string,
  task: string,
  baseCommit: string,
  candidates: RecordedCandidate[],
): Promise<CandidateFacts[]> {
  return Promise.all(candidates.map((c) => gatherCandidate(repoRoot, task, baseCommit, c)));
}

/** Every path a candidate touched: committed, uncommitted or untracked. */
export const touchedFiles = (f: CandidateFacts): string[] => [
  ...new Set([...f.files.map((file) => file.path), ...f.uncommitted, ...f.untracked]),
];

/** Files touched by two or more candidates, sorted by path. Pure. */
export function findOverlap(
  touched: { index: number; files: string[] }[],
): { file: string; candidates: number[] }[] {
  const byFile = new Map<string, number[]>();
  for (const { index, files } of touched) {
    for (const file of new Set(files)) byFile.set(file, [...(byFile.get(file) ?? []), index]);
  }
  return [...byFile]
    .filter(([, indexes]) => indexes.length > 1)
    .map(([file, indexes]) => ({ file, candidates: [...indexes].sort((a, b) => a - b) }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

export const hasChanges = (f: CandidateFacts) =>
  f.commitsAhead > 0 || f.files.length > 0 || f.uncommitted.length > 0 || f.untracked.length > 0;
