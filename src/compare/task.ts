import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import { findRepo } from '../git/repo.js';
import { statePaths } from '../plan/paths.js';
import { assertValidTaskName, UnreadableStateError, unknownTaskError } from '../plan/task-name.js';
import { loadTask, type TaskContext } from '../task/context.js';
import { readState, type TaskState } from '../task/state.js';

/**
 * A candidate as recorded in state.json. `label` and `synthesizedFrom` are set only for a
 * candidate made by `parallel synthesize` (label `{task}-synth`).
 */
export type RecordedCandidate = TaskState['candidates'][number];

/** `plan.candidates` are exactly the recorded candidates (loadTask plans from the state). */
export interface RecordedTask extends TaskContext {
  state: TaskState;
  candidates: RecordedCandidate[];
}

/** A task that `up` has recorded; anything else is a clear error. */
export async function loadRecordedTask(
  task: string,
  cwd = process.cwd(),
  options: { fetch?: boolean } = {},
): Promise<RecordedTask> {
  assertValidTaskName(task);
  const repo = await findRepo(cwd);
  const file = statePaths(repo.commonDir, task).stateFile;
  if (!(await readState(file))) {
    if (existsSync(file)) throw new UnreadableStateError(task, file, repo.commonDir);
    throw unknownTaskError(task, repo.root);
  }
  const context = await loadTask(task, {}, cwd, repo);
  const state = context.state!;
  const candidates = [...(state.candidates as RecordedCandidate[])].sort((a, b) => a.index - b.index);
  // Candidates on other machines: their branches come here as refs/parallel/<task>/<n>.
  if (options.fetch !== false && candidates.some((c) => c.host)) {
    await (await import('../remote/fetch.js')).fetchRemoteCandidates(context.plan);
  }
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
