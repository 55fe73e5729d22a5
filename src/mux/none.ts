import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '../errors.js';
import { tailLines } from '../hook/tail.js';
import type { Candidate, Plan, PlanView } from '../plan/plan.js';
import { stopProcessGroups } from '../proc/group.js';
import { waitUntil } from '../proc/poll.js';
import { spawnGroup } from '../proc/spawn.js';
import { runsWithArg } from '../proc/stat.js';
import { shellQuote } from '../render/shell.js';
import { readRunNumber, runMarker } from '../task/run-markers.js';
import { CAPABILITIES } from './capabilities.js';
import type { MuxDriver, PaneState, SessionState } from './types.js';

const START_TIMEOUT_MS = 10_000;

/**
 * No terminal at all: each launcher runs as a detached process group with its output appended
 * to `<logDir>/<n>.log`. The launchers' own run markers (`<n>.pid`, `<n>.exit`) are the state.
 */
export class HeadlessDriver implements MuxDriver {
  readonly name = 'none' as const;
  readonly capabilities = CAPABILITIES.none;

  async inspect(plan: PlanView): Promise<SessionState | null> {
    let started = false;
    const panes: PaneState[] = [];
    for (const candidate of plan.candidates) {
      if (!existsSync(runMarker(plan.paths.runDir, candidate.index, 'pid'))) continue;
      started = true;
      const pid = readRunNumber(plan.paths.runDir, candidate.index, 'pid');
      if (pid !== undefined && runsWithArg(pid, candidate.launcher)) {
        panes.push({ index: candidate.index, id: String(pid), alive: true });
        continue;
      }
      const exitCode = readRunNumber(plan.paths.runDir, candidate.index, 'exit');
      // Neither running nor finished (killed, machine rebooted): no pane, so it gets rebuilt.
      if (exitCode !== undefined)
        panes.push({ index: candidate.index, id: String(pid), alive: false, exitCode });
    }
    return started ? { name: plan.session, panes } : null;
  }

  async createSession(plan: Plan, candidates: Candidate[]): Promise<void> {
    const problems: string[] = [];
    if (plan.stagger > 0) {
      for (const [i, candidate] of candidates.entries()) {
        if (i > 0) await delay(plan.stagger);
        const problem = await start(plan, candidate);
        if (problem) problems.push(problem);
      }
    } else {
      // No stagger asked for: start them all at once; each waits for its own pid file.
      for (const problem of await Promise.all(candidates.map((c) => start(plan, c)))) {
        if (problem) problems.push(problem);
      }
    }
    if (problems.length > 0) throw new UserError(problems.join(' '));
  }

  async addPane(plan: Plan, candidate: Candidate): Promise<void> {
    await this.createSession(plan, [candidate]);
  }

  /** Stops the old launcher's process group if it still runs, then starts the launcher again. */
  async restartPane(plan: Plan, pane: PaneState, candidate: Candidate): Promise<void> {
    const recorded = readRunNumber(plan.paths.runDir, candidate.index, 'pid') ?? Number.NaN;
    const old = [Number.parseInt(pane.id, 10), recorded].filter((pid) =>
      runsWithArg(pid, candidate.launcher),
    );
    await stopProcessGroups([...new Set(old)]);
    await this.addPane(plan, candidate);
  }

  async closePane(plan: Plan, pane: PaneState): Promise<void> {
    const candidate = plan.candidates.find((c) => c.index === pane.index);
    const pid = Number.parseInt(pane.id, 10);
    if (candidate && runsWithArg(pid, candidate.launcher)) await stopProcessGroups([pid]);
    if (candidate) await rm(runMarker(plan.paths.runDir, candidate.index, 'pid'), { force: true });
  }

  async paneOutput(plan: Plan, pane: PaneState): Promise<string> {
    return readFile(logFile(plan, pane.index ?? 0), 'utf8').catch(() => '');
  }

  async killSession(plan: Plan): Promise<void> {
    const live = plan.candidates.flatMap((candidate) => {
      const pid = readRunNumber(plan.paths.runDir, candidate.index, 'pid');
      return pid !== undefined && runsWithArg(pid, candidate.launcher) ? [pid] : [];
    });
    // Each launcher leads its own process group (detached), which holds the agent too.
    await stopProcessGroups(live);
    await Promise.all(
      plan.candidates.map((c) => rm(runMarker(plan.paths.runDir, c.index, 'pid'), { force: true })),
    );
  }

  async attach(plan: Plan): Promise<number> {
    throw new UserError(
      `The agents of ${plan.task} run with the headless driver (--mux none): they have no terminal, so there is no session to attach to. Follow their output with \`${this.attachHint(plan)}\`, or run the task with \`--mux tmux\` or \`--mux zellij\` to get one pane per agent.`,
      { exitCode: 2 },
    );
  }

  async sendText(_plan: Plan, _pane: PaneState, _text: string): Promise<void> {
    throw new UserError(
      'The headless driver has no terminal to type into; use --mux tmux or zellij, or restart with a new prompt.',
      { exitCode: 2 },
    );
  }

  async lastLines(plan: PlanView, pane: PaneState, count: number): Promise<string[]> {
    return pane.index === undefined ? [] : tailLines(join(plan.paths.logDir, `${pane.index}.log`), count);
  }

  attachHint(plan: Plan): string {
    return `tail -F ${shellQuote(plan.paths.logDir)}/*.log`;
  }
}

/** Where a headless candidate's output goes. */
export const logFile = (plan: Plan, index: number) => join(plan.paths.logDir, `${index}.log`);

/** Starts one launcher and waits until it has written its pid; returns a problem or undefined. */

async function start(plan: Plan, candidate: Candidate): Promise<string | undefined> {
  mkdirSync(plan.paths.logDir, { recursive: true });
  const log = logFile(plan, candidate.index);
  const fd = openSync(log, 'a');
  let ended: string | undefined;
  try {
    const child = spawnGroup('bash', [candidate.launcher], {
      cwd: plan.repo.root,
      stdio: ['ignore', fd, fd],
    });
    child.once('error', (error) => {
      ended = error.message;
    });
    child.once('exit', (code, signal) => {
      ended = signal ? `killed by ${signal}` : `exit code ${code}`;
    });
    const wrote = () =>
      child.pid !== undefined && readRunNumber(plan.paths.runDir, candidate.index, 'pid') === child.pid;
    const settled = await waitUntil(() => wrote() || ended !== undefined, START_TIMEOUT_MS);
    child.unref();
    if (wrote()) return undefined;
    const why = settled ? `ended (${ended}) before starting the agent` : 'did not start within 10 s';
    return `The launcher of candidate ${candidate.label} ${why}; its output is in ${log}.`;
  } finally {
    closeSync(fd);
  }
}
