import { rm } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { info, pc } from '../output.js';
import { foreignSessionError, loadCandidate } from '../task/candidate.js';
import { lockTask } from '../task/lock.js';
import { runMarker } from '../task/run-markers.js';

export interface RestartOptions {
  /** Start the agent again with the task's prompt instead of resuming its session. */
  fresh?: boolean;
}

/**
 * Starts one candidate's agent again in its pane: resumed (the launcher continues the agent's
 * last session) or, with --fresh, from the prompt as on the first `up`. The worktree and its
 * work are left as they are.
 */
export async function restart(task: string, n: number, options: RestartOptions = {}): Promise<void> {
  const ctx = await loadCandidate(task, n);
  const { rt, candidate, driver } = ctx;
  const plan = rt.plan;
  if (ctx.foreign) throw foreignSessionError(ctx);
  if (!ctx.sessionUp) {
    throw new UserError(
      `The session of task "${task}" is not running, so there is no pane to restart candidate ${n} in. \`parallel up ${task}\` starts every candidate again${options.fresh ? `; then \`parallel restart ${task} ${n} --fresh\`` : ''}.`,
    );
  }
  const unlock = await lockTask(plan);
  try {
    // The launcher resumes when its `<n>.started` marker exists; without it, it sends the prompt.
    if (options.fresh) await rm(runMarker(plan.paths.runDir, n, 'started'), { force: true });
    if (ctx.pane) await driver.restartPane(plan, ctx.pane, candidate);
    else await driver.addPane(plan, candidate);
  } finally {
    await unlock();
  }
  const how = options.fresh ? 'started again with the prompt' : 'resumed';
  info(
    `${pc.green('✔')} Candidate ${n} (${candidate.agent.name}, ${candidate.branch}) ${how}. Look: ${driver.attachHint(plan)}`,
  );
}
