import { setTimeout as delay } from 'node:timers/promises';
import { execa, type Result } from 'execa';
import { UserError } from '../errors.js';
import type { PaneTitleCommand } from '../hook/settings.js';
import { lastLines } from '../hook/tail.js';
import { type Candidate, type Plan, type PlanView, taskId } from '../plan/plan.js';
import { stopProcessGroups } from '../proc/group.js';
import { isBuiltinLayout } from '../render/layout-names.js';
import { shellQuote } from '../render/shell.js';
import { MIN_PANE, panesPerWindow, REFERENCE_SCREEN, type Screen } from '../render/spill.js';
import { readRunNumber } from '../task/run-markers.js';
import { CAPABILITIES } from './capabilities.js';
import {
  label,
  layoutName,
  literal,
  paneArgs,
  sessionSize,
  spilledName,
  THEN,
  windowOptions,
  windowsFor,
} from './tmux-commands.js';
import type { MuxDriver, PaneState, SessionState } from './types.js';

const TIMEOUT_MS = 10_000;
/** How long inspect waits for tmux to reap a dead pane whose launcher wrote no exit file. */
const DEAD_STATUS_WAIT_MS = 3_000;
const PANE_FORMAT = [
  '#{pane_id}',
  '#{@parallel_index}',
  '#{pane_dead}',
  '#{pane_dead_status}',
  '#{pane_dead_signal}',
  '#{pane_pid}',
  '#{pane_current_command}',
  '#{@parallel_owner}',
].join('\t');
/** What one `send-keys -l` carries; tmux refuses client messages over ~16 KB. */
const SEND_CHUNK = 2_000;

/**
 * tmux backend. Panes are found by the pane option `@parallel_index` (agents change titles),
 * targets use tmux ids (`@1`, `%3`) or the exact-match `=session` prefix. `remain-on-exit` and
 * the pane's `@parallel_index` and title are set in the same command list that creates the pane:
 * tmux runs a list as a whole, so no pane is ever unlabelled (a crash in between would make the
 * next `up` add a duplicate), and even an agent that exits at once leaves a dead pane with its
 * exit status.
 */
export class TmuxDriver implements MuxDriver {
  readonly name = 'tmux' as const;
  readonly capabilities = CAPABILITIES.tmux;

  async inspect(plan: PlanView): Promise<SessionState | null> {
    let rows = await listPanes(plan.session);
    // tmux marks a pane dead when its pty closes and records the status when it reaps the
    // process, a moment later (longer under load). The launcher's own `<n>.exit` has the status
    // too; only when there is none (it died before writing it) wait out that gap.
    const settle = (list: PaneRow[] | null) => list?.map((row) => withExitFile(plan, row)) ?? null;
    rows = settle(rows);
    const deadline = Date.now() + DEAD_STATUS_WAIT_MS;
    while (rows?.some((row) => !row.alive && row.exitCode === undefined) && Date.now() < deadline) {
      await delay(20);
      rows = settle(await listPanes(plan.session));
    }
    if (rows === null) return null;
    // Another owner's panes are never shown, so no command can act on one of them.
    if (!isOurs(plan, rows)) return { name: plan.session, panes: [], foreign: true };
    return { name: plan.session, panes: rows.map(({ pid: _, owner: __, ...pane }) => pane) };
  }

  async createSession(plan: Plan, candidates: Candidate[]): Promise<void> {
    const screen = terminalScreen();
    const windows = windowsFor(plan, candidates, screen);
    for (const [w, window] of windows.entries()) {
      const [first, ...rest] = window.candidates as [Candidate, ...Candidate[]];
      if (w > 0 && plan.stagger > 0) await delay(plan.stagger);
      const windowId =
        w === 0
          ? await tmuxOk([
              ...['new-session', '-d', '-s', plan.session, ...sessionSize(screen)],
              ...paneArgs(first, window.name, '#{window_id}'),
              // The new session has one window with one pane: `=session:` is that pane.
              ...[THEN, ...windowOptions(`=${plan.session}:`, plan)],
              ...[THEN, ...label(`=${plan.session}:`, first)],
            ])
          : await newWindow(plan, first, window.name);
      for (const candidate of rest) {
        if (plan.stagger > 0) await delay(plan.stagger);
        await splitInto(plan, windowId, candidate);
      }
    }
  }

  /** Into the first window with room for a pane of a usable size at its current size, else a new window. */
  async addPane(plan: Plan, candidate: Candidate): Promise<void> {
    if (plan.layout === 'tabs') {
      await newWindow(plan, candidate, candidate.paneName);
      return;
    }
    const layout = isBuiltinLayout(plan.layout) ? plan.layout : 'tiled';
    const format = '#{window_id}\t#{window_panes}\t#{window_width}\t#{window_height}';
    const windows = (await tmuxOk(['list-windows', '-t', `=${plan.session}`, '-F', format]))
      .split('\n')
      .map((line) => line.split('\t'));
    const room = windows.find(([, panes, columns, rows]) => {
      // The window's height leaves out tmux's status line.
      const screen = { columns: Number(columns), rows: Number(rows) + 1 };
      return Number(panes) < panesPerWindow(layout, screen, false);
    });
    if (room) await splitInto(plan, room[0]!, candidate);
    else await newWindow(plan, candidate, spilledName(plan, windows.length));
  }

  /**
   * Starts the launcher again in the same pane (`respawn-pane -k`): same pane id, label and
   * place, so no dead pane is left beside a new one. A still-running agent gets SIGHUP from tmux;
   * its process group is stopped too, for agents that ignore SIGHUP.
   */
  async restartPane(_plan: Plan, pane: PaneState, candidate: Candidate): Promise<void> {
    const old = pane.alive ? await panePid(pane.id) : undefined;
    await tmuxOk([
      ...['respawn-pane', '-k', '-t', pane.id, '-c', literal(candidate.worktree), 'bash', candidate.launcher],
      ...[THEN, ...label(pane.id, candidate)],
    ]);
    if (old !== undefined) await stopProcessGroups([old]);
  }

  async closePane(_plan: Plan, pane: PaneState): Promise<void> {
    const pid = pane.alive ? await panePid(pane.id) : undefined;
    await tmux(['kill-pane', '-t', pane.id]);
    if (pid !== undefined) await stopProcessGroups([pid]);
  }

  async paneOutput(_plan: Plan, pane: PaneState): Promise<string> {
    // -J joins wrapped lines; -S - starts at the top of the scrollback.
    return tmuxOk(['capture-pane', '-p', '-J', '-S', '-', '-t', pane.id]);
  }

  async killSession(plan: Plan): Promise<void> {
    const rows = await listPanes(plan.session);
    if (rows === null || !isOurs(plan, rows)) return;
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

  /** The state goes to the pane option `@parallel_state`, which the pane border shows. */
  titleCommand(): PaneTitleCommand {
    return {
      paneEnv: 'TMUX_PANE',
      argv: ['tmux', 'set-option', '-p', '-t', '{pane}', '@parallel_state', '{state}'],
    };
  }

  async focusPane(_plan: Plan, paneId: string): Promise<void> {
    await tmux(['select-window', '-t', paneId, THEN, 'select-pane', '-t', paneId]);
  }

  async lastLines(_plan: PlanView, pane: PaneState, count: number): Promise<string[]> {
    const result = await tmux(['capture-pane', '-p', '-J', '-t', pane.id, '-S', `-${Math.max(50, count)}`]);
    return result.exitCode === 0 ? lastLines(String(result.stdout), count) : [];
  }

  spillNote(plan: Plan): string | undefined {
    const screen = terminalScreen();
    const windows = windowsFor(plan, plan.candidates, screen);
    if (plan.layout === 'tabs' || windows.length < 2) return undefined;
    return `${plan.candidates.length} panes in ${windows.length} tmux windows, at most ${windows[0]!.candidates.length} per window so that each is at least ${MIN_PANE.columns}x${MIN_PANE.rows} at ${screen.columns}x${screen.rows}; next window: prefix + n`;
  }

  attachHint(plan: Plan): string {
    const dir = process.env.TMUX_TMPDIR;
    return `${dir ? `TMUX_TMPDIR=${shellQuote(dir)} ` : ''}tmux attach -t ${shellQuote(plan.session)}`;
  }
}

interface PaneRow extends PaneState {
  pid: number;
  /** The session's `@parallel_owner` (the task id), '' when it has none. */
  owner: string;
}

/** The owner mark is the task's id; a session from before the mark is ours if it has our labelled panes. */
function isOurs(plan: PlanView, rows: PaneRow[]): boolean {
  const owner = rows.find((row) => row.owner)?.owner;
  if (owner) return owner === taskId(plan.repo.commonDir, plan.task);
  return rows.some((row) => row.index !== undefined);
}

async function listPanes(session: string): Promise<PaneRow[] | null> {
  if ((await tmux(['has-session', '-t', `=${session}`])).exitCode !== 0) return null;
  const out = await tmuxOk(['list-panes', '-s', '-t', `=${session}`, '-F', PANE_FORMAT]);
  return out.split('\n').filter(Boolean).map(parsePane);
}

function parsePane(line: string): PaneRow {
  const [id = '', index = '', dead, status = '', signal = '', pid = '', command = '', owner = ''] =
    line.split('\t');
  const n = Number.parseInt(index, 10);
  const row: PaneRow = {
    index: Number.isInteger(n) ? n : undefined,
    id,
    alive: dead !== '1',
    pid: Number(pid),
    ...(command ? { command } : {}),
    owner,
  };
  // Killed by a signal: the shell's convention, 128 + signal number.
  const code = status ? Number(status) : signal ? 128 + Number(signal) : undefined;
  if (!row.alive && code !== undefined && Number.isInteger(code)) row.exitCode = code;
  return row;
}

async function splitInto(plan: Plan, windowId: string, candidate: Candidate): Promise<void> {
  // Without -d the new pane becomes its window's active one, which the chained commands target
  // through the window id (tmux runs the whole list before any other client's command).
  await tmuxOk([
    ...['split-window', '-t', windowId, ...paneArgs(candidate)],
    ...[THEN, ...label(windowId, candidate)],
    // Re-tiling after every split keeps room for the next one ("no space for new pane").
    ...[THEN, 'select-layout', '-t', windowId, layoutName(plan)],
  ]);
}

/** A window with the candidate's pane; resolves with the window's id. */
async function newWindow(plan: Plan, candidate: Candidate, name: string): Promise<string> {
  // Without -d the new window becomes the session's current one, which the chained commands target.
  const target = `=${plan.session}:`;
  return tmuxOk([
    ...['new-window', '-t', target, ...paneArgs(candidate, name, '#{window_id}')],
    ...[THEN, ...windowOptions(target, plan)],
    ...[THEN, ...label(target, candidate)],
  ]);
}

/** The size of the terminal `up` runs in, else the reference size (no terminal). */
function terminalScreen(): Screen {
  const { columns, rows, isTTY } = process.stdout;
  return isTTY && columns > 0 && rows > 0 ? { columns, rows } : REFERENCE_SCREEN;
}

/**
 * A dead pane without a status from tmux yet: the status its launcher wrote to `<n>.exit`, when
 * this pane's launcher wrote it: `<n>.pid` holds the pane's pid, or there is none because the
 * launcher failed before starting the agent (it removes both markers of an earlier run first).
 */
function withExitFile(plan: PlanView, row: PaneRow): PaneRow {
  if (row.alive || row.exitCode !== undefined || row.index === undefined) return row;
  const pid = readRunNumber(plan.paths.runDir, row.index, 'pid');
  if (pid !== undefined && pid !== row.pid) return row;
  const code = readRunNumber(plan.paths.runDir, row.index, 'exit');
  return code !== undefined ? { ...row, exitCode: code } : row;
}

async function panePid(paneId: string): Promise<number | undefined> {
  const result = await tmux(['display-message', '-p', '-t', paneId, '#{pane_pid}']);
  const pid = Number(String(result.stdout).trim());
  return result.exitCode === 0 && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function sameServer(target: string): Promise<boolean> {
  const ours = await tmux(['display-message', '-p', '-t', target, '#{socket_path}']);
  return ours.exitCode === 0 && String(ours.stdout).trim() === process.env.TMUX?.split(',')[0];
}

/** Without $TMUX the client finds the server from TMUX_TMPDIR (or -L/-S), not the enclosing session. */
function childEnv(): NodeJS.ProcessEnv {
  const { TMUX: _tmux, TMUX_PANE: _pane, ...env } = process.env;
  return env;
}

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
