import { setTimeout as delay } from 'node:timers/promises';
import { execa, type Result } from 'execa';
import { UserError } from '../errors.js';
import type { Candidate, Plan } from '../plan.js';
import { shellQuote } from '../render/shell.js';
import { stopProcessGroups } from './none.js';
import type { MuxDriver, PaneState, SessionState } from './types.js';

const TIMEOUT_MS = 10_000;
const PANE_FORMAT = [
  '#{pane_id}',
  '#{@parallel_index}',
  '#{pane_dead}',
  '#{pane_dead_status}',
  '#{pane_dead_signal}',
  '#{pane_pid}',
].join('\t');
/** What one `send-keys -l` carries; tmux refuses client messages over ~16 KB. */
const SEND_CHUNK = 2_000;

const LAYOUTS: Record<string, string> = {
  tiled: 'tiled',
  'main-vertical': 'main-vertical',
  stacked: 'even-vertical',
};

/**
 * tmux backend. Panes are found by the pane option `@parallel_index` (agents change titles),
 * targets use tmux ids (`@1`, `%3`) or the exact-match `=session` prefix, and `remain-on-exit`
 * is set in the same command list that creates a window, so even an agent that exits at once
 * leaves a dead pane with its exit status.
 */
export class TmuxDriver implements MuxDriver {
  readonly name = 'tmux' as const;

  async inspect(plan: Plan): Promise<SessionState | null> {
    let rows = await listPanes(plan.session);
    // tmux marks a pane dead when its pty closes and records the status when it reaps the
    // process, a moment later: wait out that gap so a dead pane comes with its exit code.
    const deadline = Date.now() + 1_000;
    while (rows?.some((row) => !row.alive && row.exitCode === undefined) && Date.now() < deadline) {
      await delay(20);
      rows = await listPanes(plan.session);
    }
    if (rows === null) return null;
    return { name: plan.session, panes: rows.map(({ pid: _, ...pane }) => pane) };
  }

  async createSession(plan: Plan, candidates: Candidate[]): Promise<void> {
    const [first, ...rest] = candidates;
    if (!first) return;
    const tabs = plan.layout === 'tabs';
    // Each stacked pane needs two rows (line + border): leave room for all before a client sizes it.
    const height = Math.max(50, 3 * candidates.length);
    const size = ['-x', '200', '-y', String(height)];
    const created = await tmuxOk([
      ...['new-session', '-d', '-s', plan.session, ...size],
      ...paneArgs(first, tabs ? first.paneName : plan.task, '#{window_id} #{pane_id}'),
      ...[THEN, ...windowOptions(`=${plan.session}:`)],
    ]);
    const [windowId, paneId] = created.split(' ') as [string, string];
    await labelPane(paneId, first);
    for (const candidate of rest) {
      if (plan.stagger > 0) await delay(plan.stagger);
      if (tabs) await newWindow(plan, candidate);
      else await splitInto(plan, windowId, candidate);
    }
  }

  async addPane(plan: Plan, candidate: Candidate): Promise<void> {
    if (plan.layout === 'tabs') return newWindow(plan, candidate);
    const windows = await tmuxOk(['list-windows', '-t', `=${plan.session}`, '-F', '#{window_id}']);
    await splitInto(plan, windows.split('\n')[0]!, candidate);
  }

  async killSession(plan: Plan): Promise<void> {
    const rows = await listPanes(plan.session);
    if (rows === null) return;
    await tmux(['kill-session', '-t', `=${plan.session}`]);
    // tmux hangs up each pane's process group; make sure agents that ignore SIGHUP stop too.
    await stopProcessGroups(rows.filter((row) => row.alive).map((row) => row.pid));
  }

  async attach(plan: Plan): Promise<number> {
    const target = `=${plan.session}`;
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UserError(
        `Attaching to the tmux session ${plan.session} needs a terminal, and this command's input or output is not one. Run \`${this.attachHint(plan)}\` from a terminal.`,
        { exitCode: 2 },
      );
    }
    if (process.env.TMUX && (await sameServer(target))) {
      const result = await execa('tmux', ['switch-client', '-t', target], {
        reject: false,
        timeout: TIMEOUT_MS,
        stdio: 'inherit',
      });
      return exitCode(result);
    }
    const result = await execa('tmux', ['attach-session', '-t', target], {
      reject: false,
      stdio: 'inherit',
      env: childEnv(),
      extendEnv: false,
    });
    return exitCode(result);
  }

  async sendText(_plan: Plan, pane: PaneState, text: string): Promise<void> {
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i += SEND_CHUNK) {
      await tmuxOk(['send-keys', '-t', pane.id, '-l', '--', chars.slice(i, i + SEND_CHUNK).join('')]);
    }
    await tmuxOk(['send-keys', '-t', pane.id, 'Enter']);
  }

  attachHint(plan: Plan): string {
    const dir = process.env.TMUX_TMPDIR;
    return `${dir ? `TMUX_TMPDIR=${shellQuote(dir)} ` : ''}tmux attach -t ${shellQuote(plan.session)}`;
  }
}

interface PaneRow extends PaneState {
  pid: number;
}

async function listPanes(session: string): Promise<PaneRow[] | null> {
  if ((await tmux(['has-session', '-t', `=${session}`])).exitCode !== 0) return null;
  const out = await tmuxOk(['list-panes', '-s', '-t', `=${session}`, '-F', PANE_FORMAT]);
  return out.split('\n').filter(Boolean).map(parsePane);
}

function parsePane(line: string): PaneRow {
  const [id = '', index = '', dead, status = '', signal = '', pid = ''] = line.split('\t');
  const n = Number.parseInt(index, 10);
  const row: PaneRow = {
    index: Number.isInteger(n) ? n : undefined,
    id,
    alive: dead !== '1',
    pid: Number(pid),
  };
  // Killed by a signal: the shell's convention, 128 + signal number.
  const code = status ? Number(status) : signal ? 128 + Number(signal) : undefined;
  if (!row.alive && code !== undefined && Number.isInteger(code)) row.exitCode = code;
  return row;
}

async function splitInto(plan: Plan, windowId: string, candidate: Candidate): Promise<void> {
  const paneId = await tmuxOk(['split-window', '-t', windowId, ...paneArgs(candidate)]);
  await labelPane(paneId, candidate);
  // Re-tiling after every split keeps room for the next one ("no space for new pane").
  await tmuxOk(['select-layout', '-t', windowId, LAYOUTS[plan.layout] ?? 'tiled']);
}

async function newWindow(plan: Plan, candidate: Candidate): Promise<void> {
  // Without -d the new window becomes the session's current one, which the chained options target.
  const target = `=${plan.session}:`;
  const paneId = await tmuxOk([
    ...['new-window', '-t', target, ...paneArgs(candidate, candidate.paneName)],
    ...[THEN, ...windowOptions(target)],
  ]);
  await labelPane(paneId, candidate);
}

/**
 * Start directory, window name, what to print, then the command. Two or more command words
 * make tmux exec it directly instead of through `default-shell -c`, so the launcher path needs
 * no quoting for whatever shell the user runs (fish, …).
 */
function paneArgs(candidate: Candidate, windowName?: string, format = '#{pane_id}'): string[] {
  const name = windowName === undefined ? [] : ['-n', literal(windowName)];
  return ['-c', literal(candidate.worktree), ...name, '-P', '-F', format, 'bash', candidate.launcher];
}

const windowOptions = (target: string) => [
  ...['set-option', '-w', '-t', target, 'remain-on-exit', 'on', THEN],
  ...['set-option', '-w', '-t', target, 'allow-rename', 'off'],
];

async function labelPane(paneId: string, candidate: Candidate): Promise<void> {
  await tmuxOk([
    ...['set-option', '-p', '-t', paneId, '@parallel_index', String(candidate.index), THEN],
    ...['select-pane', '-t', paneId, '-T', literal(candidate.paneName)],
  ]);
}

/** tmux expands formats (`#{…}`, `#(shell)`) in -c, -n and -T: `##` is a literal `#`. */
const literal = (text: string) => text.replaceAll('#', '##');

async function sameServer(target: string): Promise<boolean> {
  const ours = await tmux(['display-message', '-p', '-t', target, '#{socket_path}']);
  return ours.exitCode === 0 && String(ours.stdout).trim() === process.env.TMUX?.split(',')[0];
}

/** Without $TMUX the client finds the server from TMUX_TMPDIR (or -L/-S), not the enclosing session. */
function childEnv(): NodeJS.ProcessEnv {
  const { TMUX: _tmux, TMUX_PANE: _pane, ...env } = process.env;
  return env;
}

/** Separates commands of one tmux invocation (NUL cannot occur in a real argument). */
const THEN = '\0;';

/** tmux reads an argument ending in `;` as a command separator; `\;` keeps the `;`. */
const escapeArg = (arg: string) => {
  if (arg === THEN) return ';';
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
};

function tmux(args: string[]): Promise<Result> {
  return execa('tmux', args.map(escapeArg), {
    reject: false,
    timeout: TIMEOUT_MS,
    env: childEnv(),
    extendEnv: false,
    stdin: 'ignore',
  }) as Promise<Result>;
}

async function tmuxOk(args: string[]): Promise<string> {
  const result = await tmux(args);
  if (result.exitCode !== 0 || result.timedOut) {
    const why = result.timedOut ? `timed out after ${TIMEOUT_MS / 1000} s` : `exit ${result.exitCode}`;
    const command = args.map((arg) => (arg === THEN ? ';' : arg)).join(' ');
    const output = String(result.stderr ?? '').trim() || result.shortMessage;
    throw new Error(`tmux ${command} failed (${why}): ${output}`);
  }
  return String(result.stdout).trim();
}

const exitCode = (result: Result) => result.exitCode ?? 1;
