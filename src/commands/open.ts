import { findCandidate, loadRecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { isWorktree } from '../git/status.js';
import { out } from '../output.js';
import { runEditor } from '../proc/editor.js';

/** Prints a candidate's worktree path (for `cd "$(parallel open t 2)"`), or opens it in $EDITOR. */
export async function open(task: string, n: number, options: { editor?: boolean } = {}): Promise<void> {
  const rt = await loadRecordedTask(task);
  const candidate = findCandidate(rt, n);
  if (!isWorktree(candidate.worktree)) {
    throw new UserError(
      `The worktree of candidate ${n} (${candidate.worktree}) is missing. \`parallel up ${task}\` rebuilds it from branch ${candidate.branch}.`,
    );
  }
  if (options.editor) await runEditor(candidate.worktree, candidate.worktree);
  else out(candidate.worktree);
}
