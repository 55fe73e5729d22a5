import type { Plan } from '../plan/plan.js';
import { renderBundle } from '../render/bundle.js';
import { stateFromPlan, type TaskState } from '../task/state.js';

/** Every file `up` generates for a task, path → content. */
export async function generatedFiles(
  plan: Plan,
  previous: TaskState | undefined,
): Promise<Map<string, string>> {
  const bundle = await renderBundle(plan);
  const files = new Map<string, string>();
  // No prompt, no file: an empty one would read back as an empty prompt on the next `up`.
  if (plan.prompt !== undefined) files.set(plan.paths.promptFile, plan.prompt);
  if (plan.mux === 'zellij') files.set(plan.paths.layoutFile, bundle.layout);
  for (const launcher of bundle.launchers) files.set(launcher.path, launcher.content);
  files.set(plan.paths.stateFile, `${JSON.stringify(stateFromPlan(plan, previous), null, 2)}\n`);
  return files;
}
