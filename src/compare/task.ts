import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedAgent } from '../config/resolve.js';
import { loadTask, type TaskContext } from '../context.js';
import { UserError } from '../errors.js';
import { findRepo } from '../git/repo.js';
import { type Candidate, chooseAgents, type Plan } from '../plan.js';
import { readState, type TaskState } from '../state.js';
import { statePaths } from '../state-paths.js';
import { assertValidTaskName } from '../task.js';

/**
 * A candidate as recorded in state.json. `label` and `synthesizedFrom` are set only for a
 * candidate made by `parallel synthesize` (label `{task}-synth`).
 */
export type RecordedCandidate = TaskState['candidates'][number] & {
  label?: string;
  synthesizedFrom?: number[];
};

export interface RecordedTask extends TaskContext {
  state: TaskState;
  candidates: RecordedCandidate[];
}

/** A task that `up` has recorded; anything else is a clear error. */
export async function loadRecordedTask(task: string, cwd = process.cwd()): Promise<RecordedTask> {
  assertValidTaskName(task);
  const repo = await findRepo(cwd);
  const file = statePaths(repo.commonDir, task).stateFile;
  if (!(await readState(file))) {
    throw new UserError(
      `There is no task "${task}" in ${repo.root} (no state at ${file}). \`parallel ls\` lists the tasks; \`parallel up ${task} --prompt "…"\` starts one.`,
    );
  }
  const context = await loadTask(task, {}, cwd);
  const state = context.state!;
  const candidates = [...(state.candidates as RecordedCandidate[])].sort((a, b) => a.index - b.index);
  return { ...context, state, candidates };
}

export const labelOf = (task: string, c: RecordedCandidate) => c.label ?? `${task}-${c.index}`;

export function findCandidate(rt: RecordedTask, n: number): RecordedCandidate {
  const found = rt.candidates.find((c) => c.index === n);
  if (found) return found;
  throw new UserError(
    `Task "${rt.state.task}" has no candidate ${n}; its candidates are ${listIndexes(rt.candidates)}. \`parallel status ${rt.state.task}\` shows them.`,
  );
}

export function selectCandidates(rt: RecordedTask, wanted: number[] | undefined, flag: string) {
  if (!wanted?.length) return rt.candidates;
  const unknown = wanted.filter((n) => !rt.candidates.some((c) => c.index === n));
  if (unknown.length) {
    throw new UserError(
      `${flag} names candidate${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, but task "${rt.state.task}" has only ${listIndexes(rt.candidates)}.`,
      { exitCode: 2 },
    );
  }
  return rt.candidates.filter((c) => wanted.includes(c.index));
}

const listIndexes = (candidates: RecordedCandidate[]) =>
  candidates.length ? candidates.map((c) => c.index).join(', ') : 'none';

export const worktreeExists = (worktree: string) => existsSync(join(worktree, '.git'));

/**
 * The task's plan with exactly the recorded candidates (recorded branch and worktree, a
 * synthesized one included), for driver calls that must see every pane.
 */
export function recordedPlan(rt: RecordedTask): Plan {
  const { plan } = rt;
  const first = plan.candidates[0];
  const candidates = rt.candidates.map((rec): Candidate => {
    const planned = plan.candidates.find((c) => c.index === rec.index);
    const agent =
      planned?.agent.name === rec.agent ? planned.agent : agentNamed(rt, rec.agent, planned?.agent);
    const port = first ? first.port - first.index + rec.index : 0;
    return {
      index: rec.index,
      label: labelOf(plan.task, rec),
      agent,
      branch: rec.branch,
      worktree: rec.worktree,
      port,
      paneName: planned?.paneName ?? `#${rec.index} ${rec.label ? `${agent.name} (synth)` : agent.name}`,
      launcher: join(plan.paths.launchDir, `${rec.index}.sh`),
      env: {
        ...rt.config.env,
        ...agent.env,
        PARALLEL_TASK: plan.task,
        PARALLEL_INDEX: String(rec.index),
        PARALLEL_PORT: String(port),
      },
    };
  });
  return { ...plan, candidates };
}

function agentNamed(rt: RecordedTask, name: string, fallback: ResolvedAgent | undefined): ResolvedAgent {
  try {
    return chooseAgents(rt.config, { agent: [name] })[0]!;
  } catch (error) {
    if (fallback) return fallback;
    throw error;
  }
}
