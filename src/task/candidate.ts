import { findCandidate, loadRecordedTask, type RecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { loadDriver } from '../mux/index.js';
import type { MuxDriver, PaneState } from '../mux/types.js';
import type { Candidate } from '../plan/plan.js';

/** One candidate of a recorded task, with its driver and (when it has one) its live pane. */
export interface CandidateContext {
  rt: RecordedTask;
  candidate: Candidate;
  driver: MuxDriver;
  /** The pane running (or having run) the candidate; undefined when there is none. */
  pane: PaneState | undefined;
  /** Whether the task's session exists at all. */
  sessionUp: boolean;
  /** A session of the task's name exists but carries another owner's mark: never touched. */
  foreign: boolean;
}

export async function loadCandidate(task: string, n: number): Promise<CandidateContext> {
  const rt = await loadRecordedTask(task);
  findCandidate(rt, n);
  const candidate = rt.plan.candidates.find((c) => c.index === n);
  if (!candidate) throw new UserError(`Task "${task}" has no candidate ${n} in its plan.`);
  const driver = await loadDriver(rt.plan.mux);
  const session = await driver.inspect(rt.plan);
  return {
    rt,
    candidate,
    driver,
    pane: session?.panes.find((p) => p.index === n),
    sessionUp: !!session,
    foreign: !!session?.foreign,
  };
}

/** The error for a command that would act on a session of the task's name that is not the task's. */
export function foreignSessionError(ctx: CandidateContext): UserError {
  const { task, session } = ctx.rt.plan;
  return new UserError(
    `The session ${session} is not task "${task}"'s (another task, another clone of the repository, or a session of your own), so git-parallel leaves it alone. Set \`session\` in the config to a name of its own, then \`parallel up ${task}\`.`,
  );
}

/** The error for a candidate whose pane is gone, with the command that brings it back. */
export function noPaneError(ctx: CandidateContext, what: string): UserError {
  const { task } = ctx.rt.plan;
  const n = ctx.candidate.index;
  const why = ctx.sessionUp ? `candidate ${n} has no pane in it` : 'its session is not running';
  return new UserError(
    `Cannot ${what} candidate ${n} of task "${task}": ${why}. Start it again with \`parallel restart ${task} ${n}\` (or \`parallel up ${task}\` for every candidate).`,
  );
}
