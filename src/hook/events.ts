import type { AgentStateName } from '../task/agent-state.js';

/** What one agent event means for the candidate's state. */
export interface StateUpdate {
  state: AgentStateName;
  reason?: string;
  event?: string;
  /** The event proves the agent received its prompt and runs a session. */
  session?: boolean;
  sessionId?: string;
  transcriptPath?: string;
  /** The agent's own time of the event (ms), when it gives one. */
  at?: number;
}

export const HOOK_SOURCES = ['claude', 'codex', 'gemini', 'opencode', 'aider'] as const;
export type HookSource = (typeof HOOK_SOURCES)[number];

type Payload = Record<string, unknown>;
const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);

/**
 * Claude Code hook input (stdin JSON: `hook_event_name`, `session_id`, `transcript_path`, …).
 * Returns undefined for events that say nothing about the state (e.g. `auth_success`).
 */
export function claudeUpdate(p: Payload): StateUpdate | undefined {
  const event = text(p.hook_event_name);
  const ids = { event, sessionId: text(p.session_id), transcriptPath: text(p.transcript_path) };
  switch (event) {
    case 'SessionStart':
      return { state: 'idle', ...ids };
    case 'UserPromptSubmit':
    case 'PostToolUse':
    case 'PostToolUseFailure':
    case 'SubagentStart':
      return { state: 'working', session: true, ...ids };
    case 'PreToolUse':
      // AskUserQuestion raises no notification: the tool call itself is the question.
      return p.tool_name === 'AskUserQuestion'
        ? { state: 'waiting', reason: 'question', session: true, ...ids }
        : { state: 'working', session: true, ...ids };
    case 'PermissionRequest':
      return { state: 'waiting', reason: 'permission', session: true, ...ids };
    case 'Notification': {
      const type = text(p.notification_type);
      if (type === 'permission_prompt') return { state: 'waiting', reason: 'permission', ...ids };
      if (type === 'elicitation_dialog') return { state: 'waiting', reason: 'question', ...ids };
      if (type === 'idle_prompt') return { state: 'idle', ...ids };
      return undefined;
    }
    case 'Stop':
      return { state: 'idle', session: true, ...ids };
    case 'StopFailure':
      return { state: 'failed', reason: text(p.error) ?? 'unknown', ...ids };
    case 'SessionEnd':
      return { state: 'exited', reason: text(p.reason), ...ids };
    default:
      return undefined;
  }
}

/** Codex `notify`: one JSON argument, sent on `agent-turn-complete`. */
export function codexUpdate(p: Payload): StateUpdate | undefined {
  if (p.type !== 'agent-turn-complete') return undefined;
  return { state: 'idle', event: 'agent-turn-complete', session: true, sessionId: text(p['thread-id']) };
}

/** Gemini CLI hook input (stdin JSON, like Claude's; `timestamp` ISO). */
export function geminiUpdate(p: Payload): StateUpdate | undefined {
  const event = text(p.hook_event_name);
  const at = text(p.timestamp) ? Date.parse(p.timestamp as string) : undefined;
  const ids = {
    event,
    sessionId: text(p.session_id),
    transcriptPath: text(p.transcript_path),
    ...(at && !Number.isNaN(at) ? { at } : {}),
  };
  switch (event) {
    case 'SessionStart':
      return { state: 'idle', ...ids };
    case 'BeforeAgent':
    case 'BeforeTool':
    case 'AfterTool':
    case 'BeforeModel':
      return { state: 'working', session: true, ...ids };
    case 'AfterAgent':
      return { state: 'idle', session: true, ...ids };
    case 'Notification':
      return p.notification_type === 'ToolPermission'
        ? { state: 'waiting', reason: 'permission', session: true, ...ids }
        : undefined;
    case 'SessionEnd':
      return { state: 'exited', reason: text(p.reason), ...ids };
    default:
      return undefined;
  }
}

/** What the generated opencode plugin hands over: the bus event's type, a few properties, its time. */
export function opencodeUpdate(p: Payload): StateUpdate | undefined {
  const type = text(p.type);
  const at = typeof p.at === 'number' ? p.at : undefined;
  const props = (p.properties ?? {}) as Payload;
  const base = { event: type, at, sessionId: text(props.sessionID) };
  switch (type) {
    case 'session.status': {
      const status = (props.status ?? {}) as Payload;
      if (status.type === 'busy' || status.type === 'retry')
        return { state: 'working', session: true, ...base };
      if (status.type === 'idle') return { state: 'idle', session: true, ...base };
      return undefined;
    }
    case 'session.idle':
      return { state: 'idle', session: true, ...base };
    case 'session.error': {
      const error = (props.error ?? {}) as Payload;
      return { state: 'failed', reason: text(error.name) ?? 'error', ...base };
    }
    case 'permission.asked':
    case 'permission.updated':
      return { state: 'waiting', reason: 'permission', session: true, ...base };
    case 'question.asked':
      return { state: 'waiting', reason: 'question', session: true, ...base };
    default:
      return undefined;
  }
}

/** aider runs its notifications command, without a payload, whenever it waits for input. */
export const aiderUpdate = (): StateUpdate => ({
  state: 'idle',
  reason: 'input',
  event: 'notification',
  session: true,
});

export function updateFrom(source: HookSource, payload: Payload): StateUpdate | undefined {
  switch (source) {
    case 'claude':
      return claudeUpdate(payload);
    case 'codex':
      return codexUpdate(payload);
    case 'gemini':
      return geminiUpdate(payload);
    case 'opencode':
      return opencodeUpdate(payload);
    case 'aider':
      return aiderUpdate();
  }
}
