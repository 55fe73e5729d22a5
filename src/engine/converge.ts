import { UserError } from '../errors.js';
import type { MuxDriver } from '../mux/types.js';
import type { Plan } from '../plan/plan.js';
import type { TaskState } from '../task/state.js';
import { generatedFiles } from './generated.js';
import { observe } from './observe.js';
import { type Action, reconcile } from './reconcile.js';
import { unrestoredWork } from './unrestored.js';

/**
 * Plan → the actions that make the world match it, and the generated files they write: the
 * files are rendered, the world observed, and the pure reconciler decides. Conflicts it must
 * not resolve by itself (they would destroy or hide user work) stop here, before anything changed.
 */
export async function planActions(
  plan: Plan,
  driver: MuxDriver,
  previous: TaskState | undefined,
  what = `bring task "${plan.task}" up`,
): Promise<{ actions: Action[]; files: Map<string, string> }> {
  const files = await generatedFiles(plan, previous, driver.titleCommand?.(plan));
  // The branches the state records are the task's own, with or without its mark.
  const recorded = new Set(previous?.candidates.map((c) => c.branch));
  const observed = await observe(plan, driver, files, recorded);
  const { actions, problems } = reconcile(plan, observed);
  problems.push(...(await unrestoredWork(plan, previous, actions, observed.branches)));
  if (problems.length) {
    throw new UserError(`Cannot ${what}; nothing was changed. ${problems.join(' ')}`);
  }
  return { actions, files };
}
