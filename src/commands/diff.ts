import { findCandidate, loadRecordedTask, type RecordedCandidate } from '../compare/task.js';
import { UserError } from '../errors.js';
import { diffText, resolveCommit } from '../git/diff.js';
import { isWorktree, worktreeStatus } from '../git/status.js';
import { info, out, pc } from '../output.js';
import { candidateRef } from '../remote/refs.js';

export interface DiffOptions {
  stat?: boolean;
}

/**
 * Candidate `a` against the base commit, or `a` against `b`. Compares committed branch tips;
 * uncommitted work in a worktree is not shown, and a note on stderr says so.
 */
export async function diff(task: string, a: number, b: number | undefined, options: DiffOptions = {}) {
  const rt = await loadRecordedTask(task);
  const root = rt.repo.root;
  const first = findCandidate(rt, a);
  const second = b === undefined ? undefined : findCandidate(rt, b);
  const tipA = await branchTip(root, task, first);
  const tipB = second ? await branchTip(root, task, second) : undefined;
  const [from, to] = second ? [tipA, tipB!] : [rt.state.base.commit, tipA];
  const dirty = await dirtyNotes([first, ...(second ? [second] : [])]);
  const text = from === to ? '' : await diffText(root, from, to, { stat: options.stat });
  if (text.trim() === '') {
    const what = second
      ? `Candidates ${a} and ${b} have identical committed trees (${first.branch} and ${second.branch}); there is nothing to diff.`
      : `Candidate ${a} (${first.branch}) has no committed changes against the base commit ${rt.state.base.commit.slice(0, 12)}.`;
    throw new UserError(
      `${what}${dirty.length ? ` ${dirty.join(' ')} Commit that work in the worktree to compare it.` : ''}`,
    );
  }
  out(options.stat || !process.stdout.isTTY ? text : await diffText(root, from, to, { color: true }));
  for (const note of dirty) info(pc.yellow(`note: ${note}`));
  if (dirty.length) info(pc.dim('(parallel diff compares committed branch tips.)'));
}

async function branchTip(root: string, task: string, c: RecordedCandidate): Promise<string> {
  const tip = await resolveCommit(root, candidateRef(task, c));
  if (!tip) {
    throw new UserError(
      `The branch ${c.branch} of candidate ${c.index} does not exist any more, so there is nothing to compare. \`parallel restore\` brings back archived candidates.`,
    );
  }
  return tip;
}

async function dirtyNotes(candidates: RecordedCandidate[]): Promise<string[]> {
  const notes: string[] = [];
  for (const c of candidates) {
    if (c.host || !isWorktree(c.worktree)) continue;
    const status = await worktreeStatus(c.worktree);
    const count = status.uncommitted.length + status.untracked.length;
    if (count) {
      notes.push(
        `candidate ${c.index}'s worktree has ${count} uncommitted or untracked file(s) that this diff does not include (\`git -C ${c.worktree} status\`).`,
      );
    }
  }
  return notes;
}
