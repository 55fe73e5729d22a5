/**
 * restartPane, per driver: an agent that exited 3 is started again in place. Afterwards its
 * candidate has exactly one pane, alive, and the agent resumed (`--continue`, no prompt).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDriver } from '../src/mux/index.js';
import type { MuxDriver } from '../src/mux/types.js';
import type { Plan } from '../src/plan/plan.js';
import { renderLauncher } from '../src/render/launcher.js';
import { renderLayout } from '../src/render/zellij.js';
import { recordsByIndex, running, writePlan } from './support/plan-fixture.js';
import { FIXTURE_BIN, hasTmux, hasZellijDouble } from './support/repo.js';
import { waitFor } from './support/wait.js';

type Mux = 'tmux' | 'none' | 'zellij';

const ENV_KEYS = [
  'PATH',
  'TMUX',
  'TMUX_TMPDIR',
  'ZELLIJ_SOCKET_DIR',
  'ZELLIJ',
  'ZELLIJ_SESSION_NAME',
  'ZELLIJ_PANE_ID',
];
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));
let tmp: string;
let records: string;
let sockDir: string | undefined;
let cleanups: (() => Promise<void>)[] = [];

const readRecords = () => recordsByIndex(records);

/** A repo with two worktrees and their launchers (and the Zellij layout): what `up` writes. */
async function fixture(mux: Mux): Promise<Plan> {
  // Agent 1 stays; agent 2 exits 3 on its first start and stays once resumed.
  const exitOnce = `[ -e ${join(tmp, 'exited')} ] || { touch ${join(tmp, 'exited')}; unset FAKE_AGENT_STAY; export FAKE_AGENT_EXIT=3; }`;
  const plan = await writePlan({
    root: join(tmp, 'repo'),
    records,
    mux,
    agents: 2,
    prompt: 'do it\n',
    launcher: (plan, candidate) => {
      const launcher = renderLauncher(plan, candidate);
      const knobs =
        candidate.index === 2 ? `export FAKE_AGENT_STAY=1\n${exitOnce}\n` : 'export FAKE_AGENT_STAY=1\n';
      // The knobs go right after `set -u`, before the launcher exports and starts the agent.
      return launcher.replace('set -u\n', `set -u\n${knobs}`);
    },
  });
  if (mux === 'zellij') writeFileSync(plan.paths.layoutFile, renderLayout(plan));
  return plan;
}

beforeEach(() => {
  cleanups = [];
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'gp-restart-')));
  records = join(tmp, 'records');
  mkdirSync(join(tmp, 's'));
  process.env.TMUX_TMPDIR = join(tmp, 's');
  for (const key of ['TMUX', 'ZELLIJ', 'ZELLIJ_SESSION_NAME', 'ZELLIJ_PANE_ID']) delete process.env[key];
  // The Zellij double keeps its state in ZELLIJ_SOCKET_DIR (short: a socket path limit applies).
  sockDir = mkdtempSync('/tmp/zd-');
  process.env.ZELLIJ_SOCKET_DIR = sockDir;
  process.env.PATH = `${FIXTURE_BIN}${delimiter}${savedEnv.PATH ?? ''}`;
});

afterEach(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  try {
    execFileSync('tmux', ['kill-server'], { stdio: 'ignore' });
  } catch {
    // no server
  }
  for (const record of readRecords()) if (running(record.pid)) process.kill(record.pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
  if (sockDir) rmSync(sockDir, { recursive: true, force: true });
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const available: Record<Mux, boolean> = { tmux: hasTmux, none: true, zellij: hasZellijDouble };

describe.each(['tmux', 'none', 'zellij'] as const)('restartPane (%s)', (mux) => {
  it.skipIf(!available[mux])(
    'restarts an agent that exited 3 in place: one pane, alive, resumed',
    async () => {
      const plan = await fixture(mux);
      const driver: MuxDriver = await loadDriver(mux);
      cleanups.push(() => driver.killSession(plan));
      await driver.createSession(plan, plan.candidates);
      const deadline = { timeout: 15_000 };

      const dead = await waitFor(
        async () => {
          const pane = (await driver.inspect(plan))?.panes.find((p) => p.index === 2);
          return pane && !pane.alive && pane.exitCode === 3 && pane;
        },
        { ...deadline, message: 'agent 2 exited 3' },
      );
      const first = await waitFor(() => readRecords().find((r) => r.env.PARALLEL_INDEX === '1'), deadline);

      await driver.restartPane(plan, dead, plan.candidates[1]!);

      const resumed = await waitFor(
        () => readRecords().find((r) => r.resumed && r.env.PARALLEL_INDEX === '2'),
        { ...deadline, message: 'agent 2 resumed' },
      );
      expect(resumed.argv).toEqual(['--continue']);
      expect(resumed.prompt).toBeNull();
      const state = await waitFor(
        async () => {
          const s = await driver.inspect(plan);
          return s?.panes.find((p) => p.index === 2)?.alive && s;
        },
        { ...deadline, message: 'pane 2 alive' },
      );
      expect(state.panes.filter((p) => p.index === 2)).toEqual([expect.objectContaining({ alive: true })]);
      expect(state.panes.filter((p) => p.index === 1)).toEqual([expect.objectContaining({ alive: true })]);
      expect(readRecords().filter((r) => r.env.PARALLEL_INDEX === '2').length).toBe(2);
      // Agent 1 was left alone.
      expect(running(first.pid)).toBe(true);
      expect(readRecords().filter((r) => r.env.PARALLEL_INDEX === '1').length).toBe(1);
    },
  );
});
