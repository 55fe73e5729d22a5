import { existsSync, realpathSync } from 'node:fs';
import { labelOf, type RecordedCandidate, type RecordedTask } from '../compare/task.js';
import type { CleanDecision, CleanFacts } from '../engine/clean-plan.js';
import { resolveCommit } from '../git/diff.js';
import { readCandidateFacts } from '../git/facts.js';
import { displayPath, ignoredWork } from '../git/ignored.js';
import { commitsNotIn } from '../git/patch-identity.js';
import { listWorktrees } from '../git/worktrees.js';

/** What a candidate's commits must be in to count as merged: the base branch's tip, or the base commit. */
export async function cleanTarget(rt: RecordedTask): Promise<string> {
  const { base } = rt.state;
  return (base.branch && (await resolveCommit(rt.repo.root, `refs/heads/${base.branch}`))) || base.commit;
}

/** Reads what --clean needs to decide, for every candidate on this machine. */
export async function gatherCleanFacts(rt: RecordedTask, target: string): Promise<CleanFacts[]> {
  const root = rt.repo.root;
  const local = rt.candidates.filter((c) => !c.host);
  const [worktrees, { facts }] = await Promise.all([
    listWorktrees(root),
    readCandidateFacts(root, target, local),
  ]);
  return Promise.all(
    local.map(async (c, i): Promise<CleanFacts> => {
      const git = facts[i]!;
      const entry = worktrees.find((w) => samePath(w.path, c.worktree));
      const ignored = git.worktreeExists ? await ignoredWork(c.worktree, root) : [];
      const elsewhere = worktrees.find(
        (w) => w.branch === c.branch && !w.prunable && !samePath(w.path, c.worktree),
      );
      return {
        index: c.index,
        label: labelOf(rt.state.task, c),
        branch: c.branch,
        worktree: c.worktree,
        worktreeExists: git.worktreeExists,
        head: git.head,
        worktreeBranch: entry?.branch,
        worktreeHead: entry?.head,
        uncommitted: git.uncommitted,
        untracked: git.untracked,
        // By patch identity, not ancestry: squashed or cherry-picked work is in the base.
        unmergedCommits: git.head && git.commitsAhead > 0 ? await commitsNotIn(root, target, git.head) : 0,
        ignored: ignored.map((f) => displayPath(f.path)),
        ignoredFiles: ignored,
        ignoredBytes: ignored.reduce((sum, f) => sum + f.size, 0),
        checkedOutElsewhere: elsewhere?.path,
      };
    }),
  );
}

/** A remote candidate that cannot be decided on now stays, with why. */
export function blockedOnHost(rt: RecordedTask, c: RecordedCandidate, reason: string): CleanDecision {
  return {
    facts: {
      index: c.index,
      label: labelOf(rt.state.task, c),
      branch: c.branch,
      worktree: c.worktree,
      worktreeExists: true,
      head: null,
      uncommitted: [],
      untracked: [],
      unmergedCommits: 0,
    },
    reasons: [reason],
  };
}

function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  const real = (p: string) => (existsSync(p) ? realpathSync.native(p) : p);
  return real(a) === real(b);
}
