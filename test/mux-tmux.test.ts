import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/errors.js';
import { TmuxDriver } from '../src/mux/tmux.js';
import type { Plan } from '../src/plan/plan.js';
import { processesUnder, recordsByIndex, running, writePlan } from './support/plan-fixture.js';
import { waitFor } from './support/wait.js';

const PROMPT = `-leading dash 'single' "double" $(touch x) \`touch y\` $HOME;\n\ttab ünïcødé 🚀 \\ #{pane_id} end;\n`;
/** Spaces, quotes, `$`, and tmux format syntax (tmux expands `#{…}` in -c and -n). */
const HOSTILE_REPO = `my repo 'q' "d" $HOME #{pane_id}`;

const driver = new TmuxDriver();
let tmp: string;
let records: string;
const savedEnv = { TMUX: process.env.TMUX, TMUX_TMPDIR: process.env.TMUX_TMPDIR };

const sh = (cwd: string, command: string, args: string[]) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const tmux = (...args: string[]) => sh(tmp, 'tmux', args).trim();

interface FixtureOptions {
  agents: number;
  env?: Record<string, string>;
  repoName?: string;
  layout?: string;
}

/** A real repo, one worktree per candidate, launchers and the prompt file written: what `up` does. */
const fixture = (options: FixtureOptions): Promise<Plan> =>
  writePlan({
    ...options,
    root: join(tmp, options.repoName ?? 'repo'),
    records,
    mux: 'tmux',
    prompt: PROMPT,
  });

const readRecords = () => recordsByIndex(records);
const recordsOf = (count: number) => waitFor(() => readRecords().length >= count && readRecords());

const indexes = async (plan: Plan) =>
  ((await driver.inspect(plan))?.panes ?? []).map((pane) => pane.index).sort();

beforeEach(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'gp-tmux-')));
  records = join(tmp, 'records');
  mkdirSync(join(tmp, 's'));
  process.env.TMUX_TMPDIR = join(tmp, 's');
  delete process.env.TMUX;
});

afterEach(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server
  }
  for (const record of readRecords()) if (running(record.pid)) process.kill(record.pid, 'SIGKILL');
  // An agent still starting (no record yet) would write into tmp while it is removed.
  await waitFor(
    () => {
      for (const pid of processesUnder(tmp)) process.kill(pid, 'SIGKILL');
      return processesUnder(tmp).length === 0;
    },
    { message: 'no process left in the test directory' },
  );
  rmSync(tmp, { recursive: true, force: true });
  for (const [key, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe('TmuxDriver', () => {
  it('creates one pane per candidate, found by @parallel_index, and passes the prompt byte-exact', async () => {
    const plan = await fixture({ agents: 3, env: { FAKE_AGENT_STAY: '1' }, repoName: HOSTILE_REPO });
    expect(await driver.inspect(plan)).toBeNull();
    await driver.createSession(plan, plan.candidates);

    const seen = await recordsOf(3);
    for (const [i, record] of seen.entries()) {
      const candidate = plan.candidates[i]!;
      expect(record.prompt).toBe(PROMPT);
      expect(record.argv.slice(-2)).toEqual(['--', PROMPT]);
      expect(record.cwd).toBe(candidate.worktree);
      expect(existsSync(join(candidate.worktree, 'x'))).toBe(false);
    }
    const state = await driver.inspect(plan);
    expect(state?.name).toBe(plan.session);
    expect(state?.panes.map((p) => [p.index, p.alive])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    const panes = tmux(
      'list-panes',
      '-s',
      '-t',
      `=${plan.session}`,
      '-F',
      '#{pane_title}|#{pane_start_path}',
    );
    expect(panes.split('\n')).toEqual(plan.candidates.map((c) => `${c.paneName}|${c.worktree}`));
    expect(tmux('show-options', '-w', '-v', '-t', `=${plan.session}:`, 'allow-rename')).toBe('off');
    expect(tmux('list-windows', '-t', `=${plan.session}`, '-F', '#{window_name}')).toBe('feat');
  });

  it('keeps a dead pane with the exit code, even for a launcher that fails at once', async () => {
    const plan = await fixture({ agents: 2, env: { FAKE_AGENT_EXIT: '3' } });
    rmSync(plan.candidates[1]!.worktree, { recursive: true }); // its launcher exits 1 before anything
    await driver.createSession(plan, plan.candidates);
    // Under load tmux can show a pane dead a while before it has its status: wait for both.
    const state = await waitFor(
      async () => {
        const s = await driver.inspect(plan);
        return s?.panes.every((pane) => !pane.alive && pane.exitCode !== undefined) && s;
      },
      { timeout: 45_000, message: 'both panes dead with their exit status' },
    );
    expect(state.panes.map((p) => [p.index, p.exitCode])).toEqual([
      [1, 3],
      [2, 1],
    ]);
  });

  // A launcher that closes its pty (tmux shows the pane dead) before exiting: tmux 3.3 then never
  // records a status, so it comes from the launcher's exit file.
  it.each([
    [
      'the pid file names this pane',
      (run: string) => `echo $$ > '${run}/1.pid'; echo 7 > '${run}/1.exit'`,
      7,
    ],
    [
      'there is no pid file (the launcher failed before starting its agent)',
      (run: string) => `rm -f '${run}/1.pid'; echo 1 > '${run}/1.exit'`,
      1,
    ],
  ])(
    "takes a dead pane's status from its launcher's exit file when tmux has none: %s",
    async (_name, markers, code) => {
      const plan = await fixture({ agents: 1 });
      const run = plan.paths.runDir;
      writeFileSync(
        plan.candidates[0]!.launcher,
        `trap '' HUP; mkdir -p '${run}'; echo $$ > '${run}/held'; ${markers(run)}; exec >&- 2>&- <&-; sleep 30\n`,
      );
      await driver.createSession(plan, plan.candidates);
      // A loaded machine can take seconds to start the pane: wait on the condition, with room.
      const state = await waitFor(
        async () => {
          const s = await driver.inspect(plan);
          return s?.panes[0]?.alive === false && s;
        },
        { timeout: 30_000 },
      );
      // The launcher outlives its pty (sleep 30), so tmux cannot have reaped it and recorded a
      // status of its own before the check, however slow the machine is; then it is stopped.
      const pid = Number(readFileSync(join(run, 'held'), 'utf8'));
      try {
        expect(state.panes).toEqual([expect.objectContaining({ index: 1, alive: false, exitCode: code })]);
      } finally {
        process.kill(pid, 'SIGKILL');
      }
    },
  );

  it('labels every pane in the tmux command that creates it', async () => {
    // A tmux first on PATH that logs each invocation's arguments, then runs the real one.
    const bin = join(tmp, 'bin');
    const log = join(tmp, 'tmux.log');
    mkdirSync(bin);
    const real = sh(tmp, 'sh', ['-c', 'command -v tmux']).trim();
    writeFileSync(
      join(bin, 'tmux'),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\037' "$a"; done >> '${log}'\nprintf '\\036' >> '${log}'\nexec '${real}' "$@"\n`,
      { mode: 0o755 },
    );
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      const plan = await fixture({ agents: 3, env: { FAKE_AGENT_STAY: '1' }, repoName: HOSTILE_REPO });
      const labels = () =>
        tmux('list-panes', '-s', '-t', `=${plan.session}`, '-F', '#{@parallel_index}|#{pane_title}').split(
          '\n',
        );
      await driver.createSession(plan, plan.candidates);
      expect(labels()).toEqual(plan.candidates.map((c) => `${c.index}|${c.paneName}`));
      const pane = (await driver.inspect(plan))!.panes.find((p) => p.index === 2)!;
      tmux('kill-pane', '-t', pane.id);
      await driver.addPane(plan, plan.candidates[1]!);
      expect(labels().sort()).toEqual(plan.candidates.map((c) => `${c.index}|${c.paneName}`));

      const calls = readFileSync(log, 'utf8')
        .split('\x1e')
        .filter(Boolean)
        .map((call) => call.split('\x1f').slice(0, -1));
      const creating = calls.filter((args) =>
        args.some((a) => ['new-session', 'split-window', 'new-window'].includes(a)),
      );
      expect(creating.length).toBe(4);
      for (const args of creating) {
        const index = args[args.indexOf('@parallel_index') + 1];
        expect(args, args.join(' ')).toContain('@parallel_index');
        expect(args).toContain('-T');
        expect(index).toMatch(/^[1-3]$/);
      }
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('reports an agent killed by a signal as 128 + signal', async () => {
    const plan = await fixture({ agents: 1, env: { FAKE_AGENT_STAY: '1' } });
    await driver.createSession(plan, plan.candidates);
    await recordsOf(1);
    const launcher = Number(tmux('list-panes', '-t', `=${plan.session}:`, '-F', '#{pane_pid}'));
    process.kill(-launcher, 'SIGTERM');
    // A loaded machine can take seconds to start the pane: wait on the condition, with room.
    const state = await waitFor(
      async () => {
        const s = await driver.inspect(plan);
        return s?.panes[0]?.alive === false && s;
      },
      { timeout: 30_000 },
    );
    expect(state.panes[0]!.exitCode).toBe(143);
  });

  it('brings a killed pane back with addPane, and the agent resumes', async () => {
    const plan = await fixture({ agents: 2, env: { FAKE_AGENT_STAY: '1' } });
    await driver.createSession(plan, plan.candidates);
    const [, second] = await recordsOf(2);
    const pane = (await driver.inspect(plan))!.panes.find((p) => p.index === 2)!;
    tmux('kill-pane', '-t', pane.id);
    await waitFor(async () => (await indexes(plan)).join() === '1');
    await waitFor(() => !running(second!.pid));

    await driver.addPane(plan, plan.candidates[1]!);
    const resumed = await waitFor(() => readRecords().find((r) => r.resumed && r.env.PARALLEL_INDEX === '2'));
    expect(resumed.argv).toContain('--continue');
    expect(resumed.prompt).toBeNull();
    expect(await indexes(plan)).toEqual([1, 2]);
    expect(tmux('list-windows', '-t', `=${plan.session}`, '-F', '#{window_panes}')).toBe('2');
  });

  it('killSession stops every agent, and succeeds when there is no session', async () => {
    const plan = await fixture({ agents: 2, env: { FAKE_AGENT_STAY: '1' } });
    await driver.createSession(plan, plan.candidates);
    const pids = (await recordsOf(2)).map((r) => r.pid);
    await driver.killSession(plan);
    expect(await driver.inspect(plan)).toBeNull();
    await waitFor(() => pids.every((pid) => !running(pid)), { message: 'agents gone' });
    await driver.killSession(plan);
  });

  it('tabs: one window per candidate; addPane opens a new window', async () => {
    const plan = await fixture({ agents: 2, layout: 'tabs', env: { FAKE_AGENT_STAY: '1' } });
    await driver.createSession(plan, plan.candidates);
    const names = () => tmux('list-windows', '-t', `=${plan.session}`, '-F', '#{window_name}').split('\n');
    expect(names()).toEqual(['#1 fake', '#2 fake']);
    await recordsOf(2);
    const pane = (await driver.inspect(plan))!.panes.find((p) => p.index === 1)!;
    tmux('kill-pane', '-t', pane.id);
    await driver.addPane(plan, plan.candidates[0]!);
    expect(names().sort()).toEqual(['#1 fake', '#2 fake']);
    expect(await indexes(plan)).toEqual([1, 2]);
  });

  it('spills panes that would be too small into a further window; addPane fills one with room', async () => {
    // stacked at the reference 200x50: five panes of 8 rows (and a title line) fit a window.
    const plan = await fixture({ agents: 7, layout: 'stacked', env: { FAKE_AGENT_STAY: '1' } });
    await driver.createSession(plan, plan.candidates);
    expect(await indexes(plan)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const windows = () =>
      tmux('list-windows', '-t', `=${plan.session}`, '-F', '#{window_name}:#{window_panes}').split('\n');
    expect(windows()).toEqual(['feat:5', 'feat 2:2']);
    const heights = tmux('list-panes', '-s', '-t', `=${plan.session}`, '-F', '#{pane_height}').split('\n');
    expect(heights.every((h) => Number(h) >= 8)).toBe(true);
    await recordsOf(7);
    const pane = (await driver.inspect(plan))!.panes.find((p) => p.index === 2)!;
    tmux('kill-pane', '-t', pane.id);
    await driver.addPane(plan, plan.candidates[1]!);
    expect(windows()).toEqual(['feat:5', 'feat 2:2']);
    expect(await indexes(plan)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('sendText types into the pane', async () => {
    const plan = await fixture({ agents: 1, env: { FAKE_AGENT_STAY: '1' } });
    await driver.createSession(plan, plan.candidates);
    await recordsOf(1);
    const pane = (await driver.inspect(plan))!.panes[0]!;
    const text = `-n 'hi' "there" $(nope) #{pane_id};`;
    await driver.sendText(plan, pane, text);
    await waitFor(() => tmux('capture-pane', '-p', '-t', pane.id).includes(text), { message: 'typed text' });
    // One tmux command may not exceed ~16 KB ("command too long"): long text goes in pieces.
    await driver.sendText(plan, pane, 'a'.repeat(20_000));
  });

  it('attach needs a terminal; attachHint names the tmux socket directory', async () => {
    const plan = await fixture({ agents: 1 });
    const error = await driver.attach(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain(`tmux attach -t ${plan.session}`);
    expect(driver.attachHint(plan)).toBe(`TMUX_TMPDIR=${tmp}/s tmux attach -t ${plan.session}`);
  });
});
