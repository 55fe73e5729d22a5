import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AGENT_STATES,
  type AgentStateName,
  type AgentStateRecord,
  appendAgentEvent,
  readAgentState,
  writeAgentState,
} from '../task/agent-state.js';
import { announce, chainUserNotify } from './effects.js';
import { HOOK_SOURCES, type HookSource, type StateUpdate, updateFrom } from './events.js';
import { type HookSettings, readHookSettings } from './settings.js';
import { tailLines } from './tail.js';

/**
 * `parallel hook <state|agent|start|exit> [options] [payload]`: called by an agent's own hooks
 * (and by the launcher around the agent) to record what the agent is doing. It must never get
 * in the agent's way: it prints nothing on stdout (`{}` for Gemini, which wants JSON), exits 0
 * whatever happens, reads its input with a time limit and leaves slow work (pane titles,
 * notifications) to detached processes.
 */
export async function runHook(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  try {
    const payload = await readPayload(args);
    const dir = args.options.dir ?? process.env.PARALLEL_STATE_DIR;
    const index = Number(args.options.n ?? process.env.PARALLEL_INDEX);
    if (dir && Number.isInteger(index) && index > 0) record(dir, index, args, payload);
    if (args.what === 'codex') chainUserNotify(args.positionals.at(-1));
  } catch {
    // Never fail the agent: a missing or read-only state dir only loses this report.
  }
  if (args.what === 'gemini') process.stdout.write('{}\n');
}

interface HookArgs {
  what: string;
  options: Record<string, string>;
  positionals: string[];
}

function parseArgs(argv: string[]): HookArgs {
  const [what = '', ...rest] = argv;
  const options: Record<string, string> = {};
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg.startsWith('--') && i + 1 < rest.length) options[arg.slice(2)] = rest[++i]!;
    else positionals.push(arg);
  }
  return { what, options, positionals };
}

/** Claude and Gemini hand the event over on stdin; Codex and the opencode plugin as the last argument. */
async function readPayload(args: HookArgs): Promise<Record<string, unknown>> {
  let raw: string | undefined;
  if (args.what === 'claude' || args.what === 'gemini') raw = await readStdin(2_000);
  else if (args.what === 'codex' || args.what === 'opencode') raw = args.positionals.at(-1);
  if (!raw) return {};
  try {
    const value = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function readStdin(limitMs: number): Promise<string> {
  if (process.stdin.isTTY) return Promise.resolve('');
  return new Promise((resolve) => {
    let text = '';
    const done = () => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve(text);
    };
    const timer = setTimeout(done, limitMs);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', done);
    process.stdin.on('error', done);
  });
}

function record(dir: string, index: number, args: HookArgs, payload: Record<string, unknown>): void {
  const settings = readHookSettings(dir);
  const previous = readAgentState(dir, index);
  const update = toUpdate(args, payload, previous, settings);
  if (!update) return;
  if (update.at !== undefined && previous?.eventAt !== undefined && update.at < previous.eventAt) return;
  const now = new Date().toISOString();
  const fresh = args.what === 'start';
  const base: Partial<AgentStateRecord> = fresh
    ? { session: args.options.resumed === '1' ? previous?.session : undefined }
    : { ...previous };
  const changed = fresh || !previous || previous.state !== update.state || previous.reason !== update.reason;
  const next: AgentStateRecord = {
    ...base,
    version: 1,
    index,
    state: update.state,
    since: changed ? now : previous!.since,
    updatedAt: now,
    source: args.options.source ?? (isSource(args.what) ? args.what : 'hook'),
  };
  setOptional(next, 'reason', update.reason);
  setOptional(next, 'event', update.event);
  setOptional(next, 'eventAt', update.at);
  if (update.state !== 'exited' && update.state !== 'failed') {
    delete next.exitCode;
    delete next.lastLines;
  }
  if (fresh) {
    next.startedAt = now;
    setOptional(next, 'tty', args.options.tty || undefined);
    const log = logFile(settings, dir, index);
    setOptional(next, 'logOffset', existsSync(log) ? statSync(log).size : undefined);
    const paneEnv = settings?.title?.paneEnv;
    setOptional(next, 'pane', paneEnv ? process.env[paneEnv] || undefined : undefined);
  }
  if (args.what === 'exit') finishRun(next, args, previous, settings, dir, index);
  if (update.session || next.session) {
    next.session = {
      ...(next.session ?? { startedAt: now }),
      ...(update.sessionId ? { id: update.sessionId } : {}),
      ...(update.transcriptPath ? { transcriptPath: update.transcriptPath } : {}),
    };
  }
  const effects = changed && settings ? announce(settings, next, previous) : undefined;
  writeAgentState(dir, next);
  if (changed) {
    appendAgentEvent(dir, {
      at: now,
      index,
      state: next.state,
      ...(next.reason ? { reason: next.reason } : {}),
      ...(next.exitCode !== undefined ? { exitCode: next.exitCode } : {}),
      source: next.source,
      ...(next.event ? { event: next.event } : {}),
    });
  }
  effects?.();
}

function toUpdate(
  args: HookArgs,
  payload: Record<string, unknown>,
  previous: AgentStateRecord | undefined,
  settings: HookSettings | undefined,
): StateUpdate | undefined {
  const { what, options } = args;
  if (what === 'start') return { state: (options.state as AgentStateName) ?? 'starting', event: 'start' };
  if (what === 'exit') {
    const code = Number(options.code);
    const elapsedMs = Number(options.elapsed) * 1000;
    const window = settings?.failWindowMs ?? 10_000;
    const early = Number.isFinite(elapsedMs) && elapsedMs < window;
    if (code !== 0 && (early || previous?.state === 'failed')) {
      const reason = previous?.state === 'failed' ? previous.reason : undefined;
      return { state: 'failed', reason, event: 'exit' };
    }
    return { state: 'exited', event: 'exit' };
  }
  if (isSource(what)) return updateFrom(what, payload);
  if ((AGENT_STATES as readonly string[]).includes(what)) {
    const state = what as AgentStateName;
    const session = state === 'working' || state === 'waiting' || state === 'idle';
    return { state, reason: options.reason, event: options.event, session };
  }
  return undefined;
}

/** The launcher's report after the agent ended: exit code, output of a failed start, and whether to resume next time. */
function finishRun(
  next: AgentStateRecord,
  args: HookArgs,
  previous: AgentStateRecord | undefined,
  settings: HookSettings | undefined,
  dir: string,
  index: number,
): void {
  const code = Number(args.options.code);
  if (Number.isInteger(code)) next.exitCode = code;
  if (next.state === 'failed') {
    const lines = tailLines(logFile(settings, dir, index), 10, next.logOffset);
    if (lines.length) next.lastLines = lines;
    // It never got a session going (no hook said so): the next start sends the prompt again.
    if (!previous?.session) {
      rmSync(join(settings?.runDir ?? join(dir, 'run'), `${index}.started`), { force: true });
    }
  }
}

const logFile = (settings: HookSettings | undefined, dir: string, index: number) =>
  join(settings?.logDir ?? join(dir, 'logs'), `${index}.log`);

const isSource = (what: string): what is HookSource => (HOOK_SOURCES as readonly string[]).includes(what);

function setOptional<K extends keyof AgentStateRecord>(
  record: AgentStateRecord,
  key: K,
  value: AgentStateRecord[K] | undefined,
): void {
  if (value === undefined) delete record[key];
  else record[key] = value;
}
