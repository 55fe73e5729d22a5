import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type AgentStateRecord, describeState, NEEDS_ATTENTION } from '../task/agent-state.js';
import type { HookSettings } from './settings.js';

/** The same agent is not announced twice in a row for the same state within this time. */
const DEBOUNCE_MS = 30_000;

/**
 * Decides the pane title and the notification for a change of state. Marks `next.notified`
 * when it will notify (so the record written says so); returns the work to start once the
 * record is written. That work runs in detached processes: a slow multiplexer or notifier
 * never holds the agent's hook.
 */
export function announce(
  settings: HookSettings,
  next: AgentStateRecord,
  previous: AgentStateRecord | undefined,
): () => void {
  const label = describeState(next);
  const name = settings.names[String(next.index)] ?? `#${next.index}`;
  const jobs: (() => void)[] = [];
  if (settings.title && next.pane) {
    const values: Record<string, string> = { pane: next.pane, state: label, title: `${name} · ${label}` };
    const argv = settings.title.argv.map((arg) =>
      arg.replace(/\{(pane|state|title)\}/g, (_, k) => values[k]!),
    );
    jobs.push(() => detached(argv));
  }
  if (shouldNotify(settings, next, previous)) {
    next.notified = { state: label, at: new Date().toISOString() };
    const message = `${settings.task} ${name}: ${label}`;
    jobs.push(() => notify(settings, next, message));
  }
  return () => {
    for (const job of jobs) job();
  };
}

function shouldNotify(
  settings: HookSettings,
  next: AgentStateRecord,
  previous: AgentStateRecord | undefined,
): boolean {
  if (settings.notify === false || !NEEDS_ATTENTION.includes(next.state)) return false;
  // A session that just opened waits for its first prompt: nothing happened worth a ping.
  if (next.state === 'idle' && (!previous || previous.state === 'starting')) return false;
  const last = previous?.notified;
  if (!last || last.state !== describeState(next)) return true;
  return Date.now() - Date.parse(last.at) > DEBOUNCE_MS;
}

function notify(settings: HookSettings, record: AgentStateRecord, message: string): void {
  if (typeof settings.notify === 'object') {
    detached(['sh', '-c', settings.notify.command], {
      PARALLEL_TASK: settings.task,
      PARALLEL_INDEX: String(record.index),
      PARALLEL_STATE: record.state,
      PARALLEL_REASON: record.reason ?? '',
      PARALLEL_MESSAGE: message,
    });
    return;
  }
  // A bell and an OSC 9 desktop notification in the agent's own pane: the multiplexer and the
  // terminal around it pass them on to the person.
  if (record.tty) {
    try {
      writeFileSync(record.tty, `\x07\x1b]9;${message.replace(/[\x00-\x1f\x7f]/g, ' ')}\x07`, { flag: 'a' });
    } catch {
      // the pane is gone
    }
  }
  if (onPath('notify-send')) detached(['notify-send', '--app-name=parallel', 'parallel', message]);
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

function detached(argv: string[], env: Record<string, string> = {}): void {
  try {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, ...env },
    });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // not installed: nothing to show
  }
}

/**
 * `-c notify=[…]` replaces the user's own Codex notify program for this run; call it too, with
 * the same JSON argument, as Codex would have.
 */
export function chainUserNotify(payload: string | undefined): void {
  if (!payload) return;
  const home = process.env.CODEX_HOME ?? join(homedir(), '.codex');
  let toml = '';
  try {
    toml = readFileSync(join(home, 'config.toml'), 'utf8');
  } catch {
    return;
  }
  const argv = userNotify(toml);
  if (argv?.length) detached([...argv, payload]);
}

/** The top-level `notify = ["prog", "arg"]` of a Codex config.toml (basic or literal strings). */
export function userNotify(toml: string): string[] | undefined {
  const top = toml.split(/^\s*\[/m)[0] ?? '';
  const match = /^\s*notify\s*=\s*\[([\s\S]*?)\]/m.exec(top);
  if (!match) return undefined;
  const items: string[] = [];
  const string = /"((?:[^"\\]|\\.)*)"|'([^']*)'/g;
  for (let m = string.exec(match[1]!); m; m = string.exec(match[1]!)) {
    items.push(m[2] ?? JSON.parse(`"${m[1]}"`));
  }
  return items;
}
