import { findCandidate, loadRecordedTask, type RecordedCandidate } from '../compare/task.js';
import { UserError } from '../errors.js';
import { diffText, resolveCommit, untrackedDiff, worktreeDiff } from '../git/diff.js';
import { isWorktree, worktreeStatus } from '../git/status.js';
import { info, out, pc } from '../output.js';
import { candidateRef } from '../remote/refs.js';

export interface DiffOptions {
  stat?: boolean;
  /** Only the committed branch tip, not the worktree's uncommitted and untracked work. */
  committed?: boolean;
}

/**
 * Candidate `a` against the base commit: its worktree as it is (commits, uncommitted changes and
 * untracked files, as the report shows it), or with --committed its branch tip only. `a`
 * against `b` compares committed branch tips; uncommitted work is noted on stderr.
 */
export async function diff(task: string, a: number, b: number | undefined, options: DiffOptions = {}) {
  const rt = await loadRecordedTask(task);
  const root = rt.repo.root;
  const first = findCandidate(rt, a);
  const second = b === undefined ? undefined : findCandidate(rt, b);
  const tipA = await branchTip(root, task, first);
  if (!second && !options.committed && !first.host && isWorktree(first.worktree)) {
    return worktreeAgainstBase(first, rt.state.base.commit, options);
  }
  const tipB = second ? await branchTip(root, task, second) : undefined;
  const [from, to] = second ? [tipA, tipB!] : [rt.state.base.commit, tipA];
  const dirty = await dirtyNotes([first, ...(second ? [second] : [])]);
  const text = from === to ? '' : await diffText(root, from, to, { stat: options.stat });
  if (text.trim() === '') {
    const what = second
      ? `Candidates ${a} and ${b} have identical committed trees (${first.branch} and ${second.branch}); there is nothing to diff.`
      : `Candidate ${a} (${first.branch}) has no committed changes against the base commit ${rt.state.base.commit.slice(0, 12)}.`;
    const more = second ? ` \`parallel diff ${task} <n>\` shows one candidate's work with it.` : '';
    throw new UserError(`${what}${dirty.length ? ` ${dirty.join(' ')}${more}` : ''}`);
  }
  out(options.stat || !process.stdout.isTTY ? text : await diffText(root, from, to, { color: true }));
  for (const note of dirty) info(pc.yellow(`note: ${note}`));
  if (dirty.length) info(pc.dim('(parallel diff of two candidates compares committed branch tips.)'));
}

/** The worktree's files against the base: committed and uncommitted changes, then each untracked file. */
async function worktreeAgainstBase(c: RecordedCandidate, base: string, options: DiffOptions): Promise<void> {
  const color = !options.stat && process.stdout.isTTY === true;
  const status = await worktreeStatus(c.worktree);
  const parts = [await worktreeDiff(c.worktree, base, { stat: options.stat, color })];
  for (const path of status.untracked)
    parts.push(await untrackedDiff(c.worktree, path, { stat: options.stat, color }));
  const text = parts.join('');
  if (text.trim() === '') {
    throw new UserError(
      `Candidate ${c.index} (${c.branch}) has no changes against the base commit ${base.slice(0, 12)}: nothing committed, changed or added in ${c.worktree}.`,
    );
  }
  out(text);
  const dirty = status.uncommitted.length + status.untracked.length;
  if (dirty) {
    info(
      pc.dim(
        `(with ${status.uncommitted.length} uncommitted and ${status.untracked.length} untracked file(s) of ${c.worktree}; --committed shows the branch only)`,
      ),
    );
  }
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
        `candidate ${c.index}'s worktree has ${count} uncommitted or untracked file(s) that a diff of two candidates does not include (\`git -C ${c.worktree} status\`).`,
      );
    }
  }
  return notes;
}
