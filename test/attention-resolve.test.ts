// The precedence of process facts over the agents' own reports, and how each agent's hook
// payload maps to a state: pure functions, table-driven.
import { describe, expect, it } from 'vitest';
import { resolveState } from '../src/attention/resolve.js';
import { userNotify } from '../src/hook/effects.js';
import { claudeUpdate, codexUpdate, geminiUpdate, opencodeUpdate } from '../src/hook/events.js';
import type { AgentStateRecord } from '../src/task/agent-state.js';

const record = (
  state: AgentStateRecord['state'],
  extra: Partial<AgentStateRecord> = {},
): AgentStateRecord => ({
  version: 1,
  index: 1,
  state,
  since: '2026-11-29T10:00:00.000Z',
  updatedAt: '2026-11-29T10:00:00.000Z',
  source: 'claude',
  ...extra,
});
const alive = { index: 1, id: '%1', alive: true };
const dead = (exitCode?: number) => ({ index: 1, id: '%1', alive: false, exitCode });

describe('resolveState: process facts, then the reports', () => {
  const rows: [string, AgentStateRecord | undefined, Parameters<typeof resolveState>[1], string, unknown][] =
    [
      ['no pane, no report', undefined, undefined, 'exited', undefined],
      [
        'no pane, reported failed',
        record('failed', { reason: 'rate_limit' }),
        undefined,
        'failed',
        'rate_limit',
      ],
      ['dead pane beats a stale "working"', record('working'), dead(0), 'exited', undefined],
      ['dead pane, launcher said failed', record('failed', { exitCode: 1 }), dead(1), 'failed', undefined],
      ['live pane, waiting', record('waiting', { reason: 'permission' }), alive, 'waiting', 'permission'],
      ['live pane, launcher said shell', record('shell'), { ...alive, command: 'bash' }, 'shell', undefined],
      [
        'live pane, agent ended, a shell runs',
        record('exited'),
        { ...alive, command: 'zsh' },
        'shell',
        undefined,
      ],
      ['live pane, no report: working', undefined, alive, 'working', undefined],
      [
        'live launcher wrapping up after a failure',
        record('failed', { reason: 'rate_limit' }),
        alive,
        'failed',
        'rate_limit',
      ],
    ];
  it.each(rows)('%s', (_, rec, pane, state, reason) => {
    const got = resolveState(rec, pane);
    expect(got.state).toBe(state);
    expect(got.reason).toBe(reason);
  });
  it('a dead pane carries its exit code', () => {
    expect(resolveState(record('working'), dead(3))).toMatchObject({
      state: 'exited',
      exitCode: 3,
      from: 'process',
    });
  });
});

describe('hook payloads → states', () => {
  it.each([
    [{ hook_event_name: 'UserPromptSubmit' }, 'working', undefined],
    [{ hook_event_name: 'PreToolUse', tool_name: 'Bash' }, 'working', undefined],
    [{ hook_event_name: 'PreToolUse', tool_name: 'AskUserQuestion' }, 'waiting', 'question'],
    [{ hook_event_name: 'PermissionRequest' }, 'waiting', 'permission'],
    [{ hook_event_name: 'Notification', notification_type: 'permission_prompt' }, 'waiting', 'permission'],
    [{ hook_event_name: 'Notification', notification_type: 'elicitation_dialog' }, 'waiting', 'question'],
    [{ hook_event_name: 'Notification', notification_type: 'idle_prompt' }, 'idle', undefined],
    [{ hook_event_name: 'Stop' }, 'idle', undefined],
    [{ hook_event_name: 'StopFailure', error: 'authentication_failed' }, 'failed', 'authentication_failed'],
    [{ hook_event_name: 'SessionEnd', reason: 'logout' }, 'exited', 'logout'],
  ])('claude %j', (payload, state, reason) => {
    const update = claudeUpdate(payload);
    expect([update?.state, update?.reason]).toEqual([state, reason]);
  });
  it('claude: auth_success says nothing; the session id and transcript path are kept', () => {
    expect(
      claudeUpdate({ hook_event_name: 'Notification', notification_type: 'auth_success' }),
    ).toBeUndefined();
    expect(
      claudeUpdate({ hook_event_name: 'Stop', session_id: 's1', transcript_path: '/t.jsonl' }),
    ).toMatchObject({
      sessionId: 's1',
      transcriptPath: '/t.jsonl',
      session: true,
    });
  });
  it('codex, gemini, opencode', () => {
    expect(codexUpdate({ type: 'agent-turn-complete', 'thread-id': 't' })).toMatchObject({
      state: 'idle',
      sessionId: 't',
    });
    expect(
      geminiUpdate({ hook_event_name: 'Notification', notification_type: 'ToolPermission' }),
    ).toMatchObject({
      state: 'waiting',
      reason: 'permission',
    });
    expect(geminiUpdate({ hook_event_name: 'AfterAgent' })).toMatchObject({ state: 'idle' });
    expect(
      opencodeUpdate({ type: 'session.status', properties: { status: { type: 'busy' } } }),
    ).toMatchObject({
      state: 'working',
    });
    expect(
      opencodeUpdate({ type: 'session.error', properties: { error: { name: 'ProviderAuthError' } } }),
    ).toMatchObject({
      state: 'failed',
      reason: 'ProviderAuthError',
    });
  });
  it("reads the user's own Codex notify (top level only)", () => {
    expect(userNotify('notify = ["/bin/notify", "a b", \'lit\']\n[tui]\nnotify = ["no"]\n')).toEqual([
      '/bin/notify',
      'a b',
      'lit',
    ]);
    expect(userNotify('[tui]\nnotify = ["no"]\n')).toBeUndefined();
  });
});
