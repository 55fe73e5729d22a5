import { statSync } from 'node:fs';
import type { MuxDriver } from '../mux/types.js';
import type { Plan } from '../plan/plan.js';
import { waitUntil } from '../proc/poll.js';
import { type AgentStateName, type AgentStateRecord, readAgentState } from '../task/agent-state.js';
import { readRunNumber, runMarker } from '../task/run-markers.js';
import { resolveState } from './resolve.js';

const SETTLED: readonly AgentStateName[] = ['exited', 'failed', 'idle', 'waiting', 'shell'];

/** An agent that ended with a non-zero exit during `up`'s start-up watch. */
export interface StartFailure {
  index: number;
  agent: string;
  exitCode?: number;
  reason?: string;
  lastLines: string[];
  /** Its hooks proved a session: the next start resumes it; otherwise it gets the prompt again. */
  resumes: boolean;
}

/**
 * Watches the agents `up` just started for `plan.startupWaitMs`, or until each one has settled:
 * it ended, or its own hooks say it is done with its turn or waits for the person (a working
 * agent may still fail: it is watched to the end of the moment). Returns those that failed.
 */
export async function watchStartup(
  plan: Plan,
  driver: MuxDriver,
  indexes: number[],
  startedAt: number,
): Promise<StartFailure[]> {
  // startupWait: 0 turns the watch off.
  if (indexes.length === 0 || !plan.hook || plan.startupWaitMs === 0) return [];
  const thisRun = (index: number): AgentStateRecord | undefined => {
    const record = readAgentState(plan.paths.dir, index);
    return record?.startedAt && Date.parse(record.startedAt) >= startedAt - 1_000 ? record : undefined;
  };
  // The launcher writes the exit code before it reports it through `parallel hook` (a node
  // start, ~100 ms of CPU per agent): an agent that ended well needs no further word.
  const endedWell = (index: number) => {
    const marker = runMarker(plan.paths.runDir, index, 'exit');
    const written = statSync(marker, { throwIfNoEntry: false })?.mtimeMs;
    return (
      written !== undefined &&
      written >= startedAt - 1_000 &&
      readRunNumber(plan.paths.runDir, index, 'exit') === 0
    );
  };
  const settled = (index: number) => {
    const record = thisRun(index);
    return (!!record && SETTLED.includes(record.state)) || endedWell(index);
  };
  await waitUntil(() => indexes.every(settled), plan.startupWaitMs, 50, 200);
  const session = await driver.inspect(plan).catch(() => null);
  const failures: StartFailure[] = [];
  for (const index of indexes) {
    const record = thisRun(index);
    const pane = session?.panes.find((p) => p.index === index);
    const state = resolveState(record, pane);
    const code = state.exitCode;
    if (state.state !== 'failed' && !(state.state === 'exited' && code !== undefined && code !== 0)) continue;
    let lines = state.lastLines ?? [];
    if (!lines.length && pane && driver.lastLines)
      lines = await driver.lastLines(plan, pane, 10).catch(() => []);
    failures.push({
      index,
      agent: plan.candidates.find((c) => c.index === index)?.agent.name ?? '',
      ...(code !== undefined ? { exitCode: code } : {}),
      ...(state.reason ? { reason: state.reason } : {}),
      lastLines: lines,
      resumes: !!record?.session,
    });
  }
  return failures;
}
