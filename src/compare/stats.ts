import type { FileStat } from '../git/diff.js';
import { CandidateGitReader } from '../git/facts.js';
import { candidateRef } from '../remote/refs.js';
import { labelOf, type RecordedCandidate } from './task.js';

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

/** Every candidate's facts from the one reader of git facts (src/git/facts.ts). */
export async function gatherCandidates(
  repoRoot: string,
  task: string,
  baseCommit: string,
  candidates: RecordedCandidate[],
): Promise<CandidateFacts[]> {
  // A remote candidate's worktree is on its host; its commits are here (fetched).
  const refs = candidates.map((c) => ({ ...c, ref: candidateRef(task, c), elsewhere: !!c.host }));
  const reader = new CandidateGitReader(repoRoot, baseCommit, refs, { mode: 'exact' });
  // The line counts need only the tips: they run alongside the worktrees' `git status`.
  const files = refs.map((c) => reader.committedFiles(c));
  for (const f of files) f.catch(() => undefined);
  const facts = await Promise.all(refs.map((c) => reader.facts(c)));
  return Promise.all(
    refs.map(async (c, i) => ({
      index: c.index,
      label: labelOf(task, c),
      agent: c.agent,
      branch: c.branch,
      worktree: c.worktree,
      worktreeExists: facts[i]!.worktreeExists,
      head: facts[i]!.head,
      commitsAhead: facts[i]!.commitsAhead,
      files: await files[i]!,
      uncommitted: facts[i]!.uncommitted,
      untracked: facts[i]!.untracked,
    })),
  );
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
