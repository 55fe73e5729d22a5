import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { PaneTitleCommand } from '../hook/settings.js';
import type { Candidate, Plan, PlanView } from '../plan/plan.js';
import { signalGroup } from '../proc/group.js';
import { waitUntil } from '../proc/poll.js';
import { spawnGroup } from '../proc/spawn.js';
import { isBuiltinLayout } from '../render/layout-names.js';
import { MIN_PANE, panesPerWindow, REFERENCE_SCREEN } from '../render/spill.js';
import { CAPABILITIES } from './capabilities.js';
import type { MuxDriver, PaneState, SessionState } from './types.js';

/**
 * How long one zellij CLI call may take before it is killed (its client retries a dead socket
 * forever). `PARALLEL_ZELLIJ_TIMEOUT_MS` overrides the 10 s default (a positive number of ms),
 * e.g. to keep the hang test short or to give a slow machine longer.
 */
function timeoutMs(): number {
  const wanted = Number(process.env.PARALLEL_ZELLIJ_TIMEOUT_MS);
  return Number.isFinite(wanted) && wanted > 0 ? wanted : 10_000;
}

/** `10 s`, or `1500 ms` when not whole seconds. */
const duration = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

interface ZellijPane {
  id: number;
  is_plugin: boolean;
  title: string;
  exited: boolean;
  exit_status?: number | null;
  terminal_command?: string | null;
}

/**
 * Zellij, driven through its CLI as documented in shared/zellij/REFERENCE.md. Every call runs
 * under a timeout (its client retries a dead socket forever) and without the ZELLIJ* variables
 * of an enclosing session, which would redirect actions to that session.
 */
export class ZellijDriver implements MuxDriver {
  readonly name = 'zellij' as const;
  readonly capabilities = CAPABILITIES.zellij;

  async inspect(plan: PlanView): Promise<SessionState | null> {
    const sessions = await this.sessions();
    if (sessions.get(plan.session) !== 'live') return null;
    const result = await zellij(['--session', plan.session, 'action', 'list-panes', '--json']);
    if (result.exitCode !== 0) return null;
    const panes = (JSON.parse(result.stdout || '[]') as ZellijPane[]).filter((p) => !p.is_plugin);
    // Another owner's panes are never shown, so no command can act on one of them.
    if (!isOurs(plan, panes)) return { name: plan.session, panes: [], foreign: true };
    return { name: plan.session, panes: panes.map(toPaneState) };
  }

  /** Session name → live | exited (resurrectable). */
  async sessions(): Promise<Map<string, 'live' | 'exited'>> {
    const result = await zellij(['list-sessions', '--no-formatting']);
    const map = new Map<string, 'live' | 'exited'>();
    if (result.exitCode !== 0) return map; // "No active zellij sessions found." exits 1
    for (const line of result.stdout.split('\n')) {
      const at = line.indexOf(' [Created ');
      if (at <= 0) continue;
      map.set(line.slice(0, at), line.includes('(EXITED') ? 'exited' : 'live');
    }
    return map;
  }

  async createSession(plan: Plan, candidates: Candidate[]): Promise<void> {
    // An exited session would be resurrected with its old layout and every command suspended.
    if ((await this.sessions()).has(plan.session)) await zellij(['delete-session', '--force', plan.session]);
    const result = await zellij(
      ['attach', '--create-background', plan.session, 'options', '--default-layout', plan.paths.layoutFile],
      { cwd: plan.repo.root },
    );
    if (result.exitCode !== 0) {
      throw new UserError(
        `zellij could not create session ${plan.session}: ${result.stderr.trim() || result.stdout.trim()} (layout: ${plan.paths.layoutFile}).`,
      );
    }
    // attach -b returns before the server has applied the layout.
    await waitFor(async () => {
      const state = await this.inspect(plan);
      return !!state && candidates.every((c) => state.panes.some((p) => p.index === c.index));
    }, `the panes of session ${plan.session}`);
  }

  async addPane(plan: Plan, candidate: Candidate): Promise<void> {
    const cwd =
      candidate.worktree.includes('$') || candidate.worktree.startsWith('~')
        ? []
        : ['--cwd', candidate.worktree];
    const result = await zellij(
      [
        '--session',
        plan.session,
        'action',
        'new-pane',
        ...cwd,
        '--name',
        candidate.paneName,
        '--',
        'bash',
        candidate.launcher,
      ],
      { cwd: plan.repo.root },
    );
    if (result.exitCode !== 0) {
      throw new UserError(
        `zellij could not add the pane of candidate ${candidate.index}: ${result.stderr.trim() || result.stdout.trim()}`,
      );
    }
  }

  /**
   * Closes the old pane (stopping an agent still in it), then opens a new one like addPane, so no
   * dead pane stays beside the new one. When it is the session's last terminal pane, the new one
   * opens first: closing the last pane would end the session.
   */
  async restartPane(plan: Plan, pane: PaneState, candidate: Candidate): Promise<void> {
    const state = await this.inspect(plan);
    const last = !state?.panes.some((p) => p.id !== pane.id);
    if (last) await this.addPane(plan, candidate);
    await this.closePane(plan, pane);
    if (!last) await this.addPane(plan, candidate);
  }

  async paneOutput(plan: Plan, pane: PaneState): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'parallel-dump-'));
    try {
      const file = join(dir, 'screen.txt');
      const args = [
        '--session',
        plan.session,
        'action',
        'dump-screen',
        '--pane-id',
        pane.id,
        '--full',
        '--path',
        file,
      ];
      const result = await zellij(args);
      if (result.exitCode !== 0) {
        throw new UserError(
          `zellij could not read pane ${pane.id}: ${result.stderr.trim() || result.stdout.trim()}`,
        );
      }
      return await readFile(file, 'utf8');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async closePane(plan: Plan, pane: PaneState): Promise<void> {
    const result = await zellij(['--session', plan.session, 'action', 'close-pane', '--pane-id', pane.id]);
    if (result.exitCode === 0) return;
    // Already gone (closed by hand in the meantime) is what we wanted.
    const state = await this.inspect(plan);
    if (state && !state.panes.some((p) => p.id === pane.id)) return;
    throw new UserError(
      `zellij could not close pane ${pane.id} of candidate ${pane.index}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }

  async killSession(plan: Plan): Promise<void> {
    const sessions = await this.sessions();
    if (sessions.get(plan.session) === 'live') {
      if ((await this.inspect(plan))?.foreign) return;
      await zellij(['kill-session', plan.session]);
    }
    if (sessions.has(plan.session)) await zellij(['delete-session', '--force', plan.session]);
  }

  attach(plan: Plan): Promise<number> {
    return new Promise((resolve) => {
      const child = spawn('zellij', ['attach', plan.session], { stdio: 'inherit', env: cleanEnv() });
      child.on('error', () => resolve(1));
      child.on('close', (code) => resolve(code ?? 1));
    });
  }

  async sendText(plan: Plan, pane: PaneState, text: string): Promise<void> {
    const target = ['--session', plan.session, 'action'];
    const typed = await zellij([...target, 'write-chars', '--pane-id', pane.id, text]);
    const entered =
      typed.exitCode === 0 ? await zellij([...target, 'send-keys', '--pane-id', pane.id, 'Enter']) : typed;
    if (entered.exitCode !== 0) {
      throw new UserError(
        `zellij could not type into pane ${pane.id}: ${entered.stderr.trim() || entered.stdout.trim()}`,
      );
    }
  }

  /** `rename-pane --pane-id` (Zellij ≥ 0.44): a name set this way wins over the title the agent sets. */
  titleCommand(plan: Plan): PaneTitleCommand {
    return {
      paneEnv: 'ZELLIJ_PANE_ID',
      argv: [
        'zellij',
        '--session',
        plan.session,
        'action',
        'rename-pane',
        '--pane-id',
        'terminal_{pane}',
        '{title}',
      ],
    };
  }

  /** The built-in layouts repeat their agents' tab when the panes would be too small (render/zellij.ts). */
  spillNote(plan: Plan): string | undefined {
    if (!isBuiltinLayout(plan.layout) || plan.layout === 'tabs') return undefined;
    const perTab = panesPerWindow(plan.layout, REFERENCE_SCREEN, true);
    const tabs = Math.ceil(plan.candidates.length / perTab);
    if (tabs < 2) return undefined;
    return `${plan.candidates.length} panes in ${tabs} Zellij tabs, at most ${perTab} per tab so that each is at least ${MIN_PANE.columns}x${MIN_PANE.rows} at ${REFERENCE_SCREEN.columns}x${REFERENCE_SCREEN.rows}`;
  }

  attachHint(plan: Plan): string {
    return `zellij attach ${plan.session}   (or: parallel attach ${plan.task})`;
  }
}

/**
 * Zellij sessions hold no options: the owner mark is the task's launcher path, which every
 * pane of ours runs (a session of another task or clone runs launchers from another directory).
 */
function isOurs(plan: PlanView, panes: ZellijPane[]): boolean {
  const commands = panes.map((p) => p.terminal_command).filter((c): c is string => !!c);
  if (commands.length) return commands.some((c) => c.includes(plan.paths.launchDir));
  return panes.some((p) => toPaneState(p).index !== undefined);
}

function toPaneState(pane: ZellijPane): PaneState {
  const match = /^#(\d+) /.exec(pane.title);
  return {
    index: match ? Number(match[1]) : undefined,
    id: `terminal_${pane.id}`,
    alive: !pane.exited,
    exitCode: pane.exited && typeof pane.exit_status === 'number' ? pane.exit_status : undefined,
  };
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['ZELLIJ', 'ZELLIJ_SESSION_NAME', 'ZELLIJ_PANE_ID']) delete env[key];
  return env;
}

interface Result {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function zellij(args: string[], options: { cwd?: string } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawnGroup('zellij', args, {
      cwd: options.cwd,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timeout = timeoutMs();
    const timer = setTimeout(() => {
      if (child.pid) signalGroup(child.pid, 'SIGKILL');
      reject(
        new UserError(
          `\`zellij ${args.slice(0, 4).join(' ')}\` did not answer within ${duration(timeout)} (its client retries forever when the server is stuck). Check \`zellij list-sessions\`, or kill the session with \`zellij kill-session NAME\` and run again.`,
        ),
      );
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new UserError(`Cannot run zellij: ${error.message}. Install Zellij or use --mux tmux.`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode: code ?? 1 });
    });
  });
}

/** Polls `check` for up to the call timeout, but at least 10 s: a slow layout is not a hang. */
async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const waitMs = Math.max(timeoutMs(), 10_000);
  if (await waitUntil(check, waitMs, 20, 250)) return;
  throw new UserError(
    `Timed out after ${duration(waitMs)} waiting for ${what}. See \`zellij list-sessions\`; \`parallel up\` again repairs what is missing.`,
  );
}
