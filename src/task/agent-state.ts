import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What an agent is doing, as its own hooks (or its launcher) last said. Kept to node:fs only:
 * `parallel hook` imports this module on every agent event and must start fast.
 */
export const AGENT_STATES = ['starting', 'working', 'waiting', 'idle', 'exited', 'failed', 'shell'] as const;
export type AgentStateName = (typeof AGENT_STATES)[number];

/** `<task state dir>/agents/<n>.json`: one per candidate, replaced atomically on each change. */
export interface AgentStateRecord {
  version: 1;
  index: number;
  state: AgentStateName;
  /** waiting: `permission` | `question` | `input`; failed: the agent's error (e.g. `authentication_failed`). */
  reason?: string;
  /** exited / failed: the agent's exit code, when its launcher saw it. */
  exitCode?: number;
  /** ISO time the state (or its reason) last changed. */
  since: string;
  /** ISO time of the last report, changed or not. */
  updatedAt: string;
  /** Who reported last: `claude`, `codex`, `gemini`, `opencode`, `aider`, `launcher` or `hook` (a custom agent). */
  source: string;
  /** The agent's own event name behind the last report (e.g. `PermissionRequest`). */
  event?: string;
  /** The agent's time of that event (ms); older events that arrive late are ignored. */
  eventAt?: number;
  /** failed: the last lines the agent printed. */
  lastLines?: string[];
  /**
   * Set once the agent's own hooks proved that it received its prompt and runs a session: only
   * then does a restart resume it rather than start it again with the prompt.
   */
  session?: {
    startedAt: string;
    /** The agent's session (Claude `session_id`, Codex `thread-id`, Gemini `session_id`). */
    id?: string;
    /** The agent's transcript file, as its hooks hand it over (Claude, Gemini): JSONL of the conversation. */
    transcriptPath?: string;
  };
  /** ISO time the launcher started this run of the agent. */
  startedAt?: string;
  /** The multiplexer's pane id as seen inside the pane (tmux `%3`, Zellij `3`). */
  pane?: string;
  /** Size of the headless log when this run started: its output is what follows. */
  logOffset?: number;
  /** The pane's terminal device, where bells and OSC 9 notifications are written. */
  tty?: string;
  /** The last notification sent for this agent (debounce). */
  notified?: { state: string; at: string };
}

/** One line of `<task state dir>/events.jsonl`, appended on every change of state. */
export interface AgentEvent {
  at: string;
  index: number;
  state: AgentStateName;
  reason?: string;
  exitCode?: number;
  source: string;
  event?: string;
}

export const agentsDir = (stateDir: string) => join(stateDir, 'agents');
export const agentStateFile = (stateDir: string, index: number) => join(stateDir, 'agents', `${index}.json`);
export const eventsFile = (stateDir: string) => join(stateDir, 'events.jsonl');

export function readAgentState(stateDir: string, index: number): AgentStateRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(agentStateFile(stateDir, index), 'utf8')) as AgentStateRecord;
    return value?.version === 1 && AGENT_STATES.includes(value.state) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Temporary file then rename: a reader sees the old record or the new one, never a mix. */
export function writeAgentState(stateDir: string, record: AgentStateRecord): void {
  const file = agentStateFile(stateDir, record.index);
  mkdirSync(agentsDir(stateDir), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record)}\n`);
  renameSync(temp, file);
}

/** One short line per write with O_APPEND: concurrent writers never interleave inside a line. */
export function appendAgentEvent(stateDir: string, event: AgentEvent): void {
  appendFileSync(eventsFile(stateDir), `${JSON.stringify(event)}\n`);
}

export function readAgentEvents(stateDir: string): AgentEvent[] {
  let text = '';
  try {
    text = readFileSync(eventsFile(stateDir), 'utf8');
  } catch {
    return [];
  }
  const events: AgentEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    try {
      events.push(JSON.parse(line) as AgentEvent);
    } catch {
      // a line cut by a full disk: skip it
    }
  }
  return events;
}

/** A state that needs the person: they are notified when an agent enters one. */
export const NEEDS_ATTENTION: readonly AgentStateName[] = ['waiting', 'idle', 'failed'];

/** `waiting (permission)`, `exited 1`, `idle`. */
export function describeState(s: { state: AgentStateName; reason?: string; exitCode?: number }): string {
  if (s.state === 'exited') return s.exitCode === undefined ? 'exited' : `exited ${s.exitCode}`;
  if (s.state === 'failed') {
    const why = s.reason ?? (s.exitCode === undefined ? undefined : `exit ${s.exitCode}`);
    return why ? `failed (${why})` : 'failed';
  }
  return s.reason ? `${s.state} (${s.reason})` : s.state;
}
