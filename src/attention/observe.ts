import { mkdirSync, watch } from 'node:fs';
import type { MuxDriver } from '../mux/types.js';
import type { Plan } from '../plan/plan.js';
import { agentsDir, readAgentState } from '../task/agent-state.js';
import { type AttentionState, resolveState } from './resolve.js';

export interface CandidateAttention extends AttentionState {
  index: number;
  agent: string;
}

/** Every candidate's state now: the recorded reports checked against the multiplexer's panes. */
export async function attentionSnapshot(plan: Plan, driver: MuxDriver): Promise<CandidateAttention[]> {
  const session = await driver.inspect(plan).catch(() => null);
  return plan.candidates.map((c) => ({
    index: c.index,
    agent: c.agent.name,
    ...resolveState(
      readAgentState(plan.paths.dir, c.index),
      session?.panes.find((p) => p.index === c.index),
    ),
  }));
}

/**
 * Calls `onChange` after a state file changes (file watching, debounced), and every
 * `livenessMs` for what no file announces: an agent killed with its launcher. Returns a stop function.
 */
export function watchAttention(plan: Plan, onChange: () => void, livenessMs = 5_000): () => void {
  const dir = agentsDir(plan.paths.dir);
  mkdirSync(dir, { recursive: true });
  let timer: NodeJS.Timeout | undefined;
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, 50);
  };
  const watcher = watch(dir, soon);
  const liveness = setInterval(onChange, livenessMs);
  return () => {
    watcher.close();
    clearTimeout(timer);
    clearInterval(liveness);
  };
}
