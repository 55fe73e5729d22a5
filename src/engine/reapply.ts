import { existsSync } from 'node:fs';
import { warn } from '../output.js';
import { loadTask } from '../task/context.js';
import { filesToCopy, prepareCandidate, setupFailure } from './prepare.js';

/**
 * After `restore`: the config's `copy` files and `setup` commands again, in each restored
 * worktree of these candidates (they were not in the archive: ignored or generated). Returns
 * the summary line; a failure is a warning, since the work itself is back.
 */
export async function reapplyCopyAndSetup(
  task: string,
  restored: { index: number; worktree: string }[],
): Promise<string[]> {
  const indexes = restored.filter((c) => existsSync(c.worktree)).map((c) => c.index);
  if (!indexes.length) return [];
  try {
    const { plan } = await loadTask(task, {});
    const copies = await filesToCopy(plan);
    const candidates = plan.candidates.filter((c) => indexes.includes(c.index));
    const results = await Promise.all(candidates.map((c) => prepareCandidate(plan, c, copies)));
    for (const r of results.filter((r) => !r.ok))
      warn(setupFailure(r, 'Fix it and re-run the command in that worktree.'));
    if (!copies.length && !plan.setup.length) return [];
    const what = [copies.length && `copied ${copies.join(', ')}`, plan.setup.length && 'ran setup'].filter(
      Boolean,
    );
    return [`  In each restored worktree: ${what.join(' and ')}.`];
  } catch (error) {
    warn(
      `the worktrees are back, but \`copy\` and \`setup\` could not be applied again: ${(error as Error).message} Fix that, then run \`parallel up ${task}\`.`,
    );
    return [];
  }
}
