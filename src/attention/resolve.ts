import type { PaneState } from '../mux/types.js';
import type { AgentStateName, AgentStateRecord } from '../task/agent-state.js';

/** A candidate's state as `status`, `wait` and `watch` show it. */
export interface AttentionState {
  state: AgentStateName;
  reason?: string;
  exitCode?: number;
  /** ISO time of the last change; unknown when only process facts speak. */
  since?: string;
  /** `hook` (the agent or its launcher reported it) or `process` (read from the pane or process). */
  from: 'hook' | 'process';
  lastLines?: string[];
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'fish', 'dash', 'ksh', 'tcsh', 'csh', 'nu']);

/**
 * Process facts and the recorded reports, in this order of precedence:
 * 1. no pane or process: the recorded end (`exited`/`failed`), else `exited`;
 * 2. a dead pane or ended process: `failed` when the agent or its launcher said so (an error
 *    event, or a non-zero exit soon after the start), else `exited` with the pane's exit code;
 * 3. a live pane: `shell` when the launcher said so, or when the agent reported its end while
 *    the pane's foreground program is a shell; else what the agent's hooks (or its launcher,
 *    still wrapping up after the agent ended) said last;
 *    with no report at all, `working` (alive is all that is known).
 */
export function resolveState(
  record: AgentStateRecord | undefined,
  pane: PaneState | undefined,
): AttentionState {
  const recorded = record ? fromRecord(record) : undefined;
  const ended = record?.state === 'exited' || record?.state === 'failed';
  if (!pane) {
    return ended ? recorded! : { state: 'exited', from: 'process', ...since(record) };
  }
  if (!pane.alive) {
    const exitCode = pane.exitCode ?? record?.exitCode;
    if (record?.state === 'failed') return { ...recorded!, ...(exitCode !== undefined ? { exitCode } : {}) };
    if (record?.state === 'exited') return { ...recorded!, ...(exitCode !== undefined ? { exitCode } : {}) };
    return { state: 'exited', from: 'process', ...(exitCode !== undefined ? { exitCode } : {}) };
  }
  if (ended && pane.command && SHELLS.has(pane.command)) {
    return { state: 'shell', from: 'process', ...since(record) };
  }
  // An ended report while the pane still lives: its launcher is wrapping up.
  if (recorded) return recorded;
  return { state: 'working', from: 'process' };
}

function fromRecord(record: AgentStateRecord): AttentionState {
  return {
    state: record.state,
    from: 'hook',
    since: record.since,
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.exitCode !== undefined ? { exitCode: record.exitCode } : {}),
    ...(record.lastLines?.length ? { lastLines: record.lastLines } : {}),
  };
}

const since = (record: AgentStateRecord | undefined) => (record ? { since: record.since } : {});
