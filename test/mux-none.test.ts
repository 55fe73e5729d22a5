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
import { HeadlessDriver } from '../src/mux/none.js';
import type { Plan } from '../src/plan/plan.js';
import { recordsByIndex, running, writePlan } from './support/plan-fixture.js';
import { waitFor } from './support/wait.js';

const PROMPT = `-leading dash 'single' "double" $(touch x) \`touch y\` $HOME;\n\ttab ünïcødé 🚀 \\ end\n`;
const HOSTILE_REPO = `my repo 'q' "d" $HOME`;

const driver = new HeadlessDriver();
let tmp: string;
let records: string;
let plans: Plan[] = [];

interface FixtureOptions {
  agents: number;
  env?: Record<string, string>;
  repoName?: string;
  stagger?: number;
}

/** A real repo, one worktree per candidate, launchers and the prompt file written: what `up` does. */
async function fixture(options: FixtureOptions): Promise<Plan> {
  const root = join(tmp, options.repoName ?? 'repo');
  const plan = await writePlan({ ...options, root, records, mux: 'none', prompt: PROMPT });
  plans.push(plan);
  return plan;
}

const readRecords = () => recordsByIndex(records);
const recordsOf = (count: number) => waitFor(() => readRecords().length >= count && readRecords());

const pidFile = (plan: Plan, n: number) => join(plan.paths.runDir, `${n}.pid`);

beforeEach(() => {
  plans = [];
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'gp-none-')));
  records = join(tmp, 'records');
});

afterEach(async () => {
  // Stop launchers whose agent has not recorded itself yet, or it would recreate `records`.
  for (const plan of plans) await driver.killSession(plan);
  for (const record of readRecords()) if (running(record.pid)) process.kill(record.pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe('HeadlessDriver', () => {
  it('starts detached launchers, passes the prompt byte-exact, and killSession stops them', async () => {
    const plan = await fixture({ agents: 2, env: { FAKE_AGENT_STAY: '1' }, repoName: HOSTILE_REPO });
    expect(await driver.inspect(plan)).toBeNull();
    await driver.createSession(plan, plan.candidates);
    // createSession returns once each launcher has written its pid.
    const pids = plan.candidates.map((c) => Number(readFileSync(pidFile(plan, c.index), 'utf8')));
    const state = await driver.inspect(plan);
    expect(state).toEqual({
      name: plan.session,
      panes: pids.map((pid, i) => ({ index: i + 1, id: String(pid), alive: true })),
    });

    const seen = await recordsOf(2);
    for (const [i, record] of seen.entries()) {
      expect(record.prompt).toBe(PROMPT);
      expect(record.argv.slice(-2)).toEqual(['--', PROMPT]);
      expect(record.cwd).toBe(plan.candidates[i]!.worktree);
      expect(existsSync(join(record.cwd, 'x'))).toBe(false);
    }
    await waitFor(() =>
      readFileSync(join(plan.paths.logDir, '1.log'), 'utf8').includes('fake-agent 1: done'),
    );

    await driver.killSession(plan);
    expect([...pids, ...seen.map((r) => r.pid)].filter(running)).toEqual([]);
    expect(await driver.inspect(plan)).toBeNull();
    await driver.killSession(plan);
  });

  it('reports finished agents as dead panes with their exit code', async () => {
    const plan = await fixture({ agents: 2, env: { FAKE_AGENT_EXIT: '3' } });
    await driver.createSession(plan, plan.candidates);
    const state = await waitFor(async () => {
      const s = await driver.inspect(plan);
      return s?.panes.every((pane) => !pane.alive) && s;
    });
    expect(state.panes.map((p) => [p.index, p.alive, p.exitCode])).toEqual([
      [1, false, 3],
      [2, false, 3],
    ]);
  });

  it('a killed agent is missing; addPane starts it again and it resumes', async () => {
    const plan = await fixture({ agents: 2, env: { FAKE_AGENT_STAY: '1' } });
    await driver.createSession(plan, plan.candidates);
    await recordsOf(2);
    const launcher = Number(readFileSync(pidFile(plan, 2), 'utf8'));
    process.kill(-launcher, 'SIGKILL'); // no exit file is written: like a reboot
    await waitFor(async () => (await driver.inspect(plan))?.panes.map((p) => p.index).join() === '1');

    await driver.addPane(plan, plan.candidates[1]!);
    const resumed = await waitFor(() => readRecords().find((r) => r.resumed && r.env.PARALLEL_INDEX === '2'));
    expect(resumed.argv).toContain('--continue');
    expect(resumed.prompt).toBeNull();
    expect((await driver.inspect(plan))?.panes.map((p) => [p.index, p.alive])).toEqual([
      [1, true],
      [2, true],
    ]);
    await driver.killSession(plan);
  });

  it('does not take a reused pid for a running launcher', async () => {
    const plan = await fixture({ agents: 1 });
    mkdirSync(plan.paths.runDir, { recursive: true });
    writeFileSync(pidFile(plan, 1), `${process.pid}\n`); // alive, but not the launcher
    expect(await driver.inspect(plan)).toEqual({ name: plan.session, panes: [] });
    writeFileSync(join(plan.paths.runDir, '1.exit'), '0\n');
    expect((await driver.inspect(plan))?.panes).toEqual([
      { index: 1, id: String(process.pid), alive: false, exitCode: 0 },
    ]);
  });

  it('honours the stagger between starts', async () => {
    const plan = await fixture({ agents: 2, stagger: 300, env: { FAKE_AGENT_EDIT: 'none' } });
    const started = Date.now();
    await driver.createSession(plan, plan.candidates);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('fails with the log path when a launcher ends before starting the agent', async () => {
    const plan = await fixture({ agents: 1 });
    rmSync(plan.candidates[0]!.worktree, { recursive: true });
    const log = join(plan.paths.logDir, '1.log');
    await expect(driver.createSession(plan, plan.candidates)).rejects.toThrow(log);
    expect(readFileSync(log, 'utf8')).toContain('the worktree is missing');
  });

  it('has no terminal to attach to or type into', async () => {
    const plan = await fixture({ agents: 1 });
    const hint = `tail -F ${plan.paths.logDir.includes(' ') ? `'${plan.paths.logDir}'` : plan.paths.logDir}/*.log`;
    expect(driver.attachHint(plan)).toBe(hint);
    const error = await driver.attach(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toContain(hint);
    const pane = { index: 1, id: '1', alive: true };
    await expect(driver.sendText(plan, pane, 'hi')).rejects.toThrow(/no terminal to type into/);
  });
});
