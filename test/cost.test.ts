import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareJson } from '../src/compare/types.js';
import { claudeProjectDir, claudeUsage } from '../src/cost/claude.js';
import { codexUsage } from '../src/cost/codex.js';
import { candidateCost } from '../src/cost/collect.js';
import { formatCost, formatTokens, formatWall } from '../src/cost/format.js';
import { UNKNOWN_COST } from '../src/cost/types.js';
import { writeAgentState } from '../src/task/agent-state.js';
import { createFixture, type Fixture, upTask } from './support/task-fixture.js';

const jsonl = (lines: unknown[]) => `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;

/** An assistant line as Claude Code writes it: one per content block, the usage repeated. */
const assistant = (id: string, at: string, usage: Record<string, number>, costUSD?: number) => ({
  type: 'assistant',
  timestamp: at,
  requestId: `req-${id}`,
  sessionId: 's1',
  message: { id, role: 'assistant', model: 'claude-x', usage },
  ...(costUSD === undefined ? {} : { costUSD }),
});

async function writeClaudeTranscript(home: string, cwd: string, lines: unknown[], name = 's1.jsonl') {
  const dir = claudeProjectDir(cwd, home);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), jsonl(lines));
}

describe('agent usage readers', () => {
  let tmp: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gp-cost-'));
    process.env.CLAUDE_CONFIG_DIR = join(tmp, 'claude');
    process.env.CODEX_HOME = join(tmp, 'codex');
  });
  afterAll(async () => {
    process.env = saved;
    await rm(tmp, { recursive: true, force: true });
  });

  it("names Claude Code's project directory from the cwd (every non-alphanumeric character becomes -)", () => {
    expect(claudeProjectDir('/tmp/a_b/x.y-z', '/h')).toBe('/h/projects/-tmp-a-b-x-y-z');
  });

  it('sums Claude usage once per message, since the start, with cost only when every message has one', async () => {
    const cwd = '/work/repo-worktrees/t-1';
    const now = Date.now();
    const at = (s: number) => new Date(now + s * 1000).toISOString();
    const usage = {
      input_tokens: 10,
      output_tokens: 100,
      cache_creation_input_tokens: 1000,
      cache_read_input_tokens: 5,
    };
    await writeClaudeTranscript(process.env.CLAUDE_CONFIG_DIR!, cwd, [
      { type: 'user', timestamp: at(0), message: { role: 'user', content: 'do it' } },
      assistant('old', at(-3600), usage, 9),
      assistant('m1', at(1), usage, 0.25),
      assistant('m1', at(1), usage, 0.25),
      assistant('m2', at(2), { input_tokens: 1, output_tokens: 2 }, 0.5),
      'not json {',
    ]);
    const since = new Date(now - 60_000);
    const got = await claudeUsage([cwd], since);
    expect(got?.tokens).toEqual({ input: 11, output: 102, cacheRead: 5, cacheWrite: 1000, total: 1118 });
    expect(got?.costUsd).toBeCloseTo(0.75);
    expect(got?.lastAt?.toISOString()).toBe(at(2));
    await writeClaudeTranscript(
      process.env.CLAUDE_CONFIG_DIR!,
      cwd,
      [assistant('m3', at(3), { input_tokens: 1, output_tokens: 1 })],
      's2.jsonl',
    );
    const without = await claudeUsage([cwd], since);
    expect(without?.tokens.total).toBe(1120);
    expect(without?.costUsd).toBeNull();
    expect(await claudeUsage(['/elsewhere'], since)).toBeUndefined();
  });

  it('takes the last cumulative totals of each Codex session that ran in the worktree', async () => {
    const cwd = '/work/repo-worktrees/t-2';
    const now = new Date();
    const day = join(
      process.env.CODEX_HOME!,
      'sessions',
      String(now.getUTCFullYear()),
      String(now.getUTCMonth() + 1).padStart(2, '0'),
      String(now.getUTCDate()).padStart(2, '0'),
    );
    await mkdir(day, { recursive: true });
    const meta = (dir: string) => ({
      timestamp: now.toISOString(),
      type: 'session_meta',
      payload: { id: 'x', cwd: dir },
    });
    const count = (input: number, cached: number, output: number) => ({
      timestamp: now.toISOString(),
      type: 'event_msg',
      payload: {
        type: 'token_count',
        info: {
          total_token_usage: {
            input_tokens: input,
            cached_input_tokens: cached,
            output_tokens: output,
            reasoning_output_tokens: 0,
            total_tokens: input + output,
          },
          last_token_usage: { input_tokens: 1, output_tokens: 1 },
        },
      },
    });
    await writeFile(
      join(day, 'rollout-2026-a.jsonl'),
      jsonl([
        meta(cwd),
        { type: 'event_msg', payload: { type: 'token_count', info: null } },
        count(100, 40, 10),
        count(300, 200, 30),
      ]),
    );
    await writeFile(join(day, 'rollout-2026-b.jsonl'), jsonl([meta('/other'), count(999, 0, 999)]));
    const got = await codexUsage([cwd], new Date(now.getTime() - 60_000));
    expect(got?.tokens).toEqual({ input: 100, output: 30, cacheRead: 200, cacheWrite: 0, total: 330 });
    expect(got?.costUsd).toBeNull();
    expect(got?.sources).toHaveLength(1);
  });

  it('wall time runs from the start marker to the exit marker; no marker is unknown, not zero', async () => {
    const runDir = join(tmp, 'run');
    await mkdir(runDir, { recursive: true });
    await writeFile(
      join(runDir, '1.started'),
      `${new Date(Date.now() - 125_000).toISOString().slice(0, 19)}Z\n`,
    );
    await writeFile(join(runDir, '1.exit'), '0\n');
    const cost = await candidateCost({ index: 1, worktree: join(tmp, 'none'), runDir });
    expect(cost.until).toBe('exited');
    expect(cost.wallMs).toBeGreaterThan(120_000);
    expect(formatWall(cost)).toMatch(/^2m 0\ds$/);
    await writeFile(join(runDir, '2.started'), new Date(Date.now() - 5_000).toISOString());
    const running = await candidateCost({ index: 2, worktree: join(tmp, 'none'), runDir });
    expect(running.until).toBe('running');
    expect(formatWall(running)).toMatch(/^\d+s\+$/);
    // An agent whose hooks said its turn is done: wall time stops at the moment it went idle.
    const stateDir = tmp;
    await writeFile(join(runDir, '4.started'), new Date(Date.now() - 90_000).toISOString());
    writeAgentState(stateDir, {
      version: 1,
      index: 4,
      state: 'idle',
      since: new Date(Date.now() - 30_000).toISOString(),
      updatedAt: new Date().toISOString(),
      source: 'claude',
    });
    const idle = await candidateCost({ index: 4, worktree: join(tmp, 'none'), runDir, stateDir });
    expect(idle.until).toBe('idle');
    expect(idle.wallMs).toBeGreaterThanOrEqual(59_000);
    expect(idle.wallMs).toBeLessThan(85_000);
    expect(formatWall(idle)).toMatch(/^1m 0\ds$/);
    const unknown = await candidateCost({ index: 3, worktree: join(tmp, 'none'), runDir });
    expect(unknown).toEqual(UNKNOWN_COST);
    expect([formatWall(unknown), formatTokens(unknown), formatCost(unknown)]).toEqual([
      'unknown',
      'unknown',
      'unknown',
    ]);
  });
});

describe('cost in status, compare and the report (end to end)', () => {
  let fx: Fixture;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    fx = await createFixture();
    env = { CLAUDE_CONFIG_DIR: join(fx.tmp, 'claude'), CODEX_HOME: join(fx.tmp, 'codex') };
    await upTask(fx, 't', 2);
    // Candidate 1 ran "Claude Code": its transcript sits where Claude Code keeps it for that worktree.
    await writeClaudeTranscript(env.CLAUDE_CONFIG_DIR!, fx.worktree('t', 1), [
      assistant('m1', new Date().toISOString(), { input_tokens: 1200, output_tokens: 34 }, 0.12),
    ]);
  });
  afterAll(() => fx?.cleanup());

  it('shows tokens and cost where the agent recorded them and unknown elsewhere', async () => {
    const json = JSON.parse((await fx.cli(['compare', 't', '--json'], env)).stdout) as CompareJson;
    const [c1, c2] = json.candidates;
    expect(c1!.cost).toMatchObject({
      until: 'exited',
      costUsd: 0.12,
      tokens: { input: 1200, output: 34, total: 1234 },
    });
    expect(c1!.cost.wallMs).toBeGreaterThanOrEqual(0);
    expect(c2!.cost).toMatchObject({ until: 'exited', tokens: null, costUsd: null });
    const text = await fx.cli(['compare', 't'], env);
    expect(text.stdout).toMatch(/time\s+tokens\s+cost/);
    expect(text.stdout.split('\n').find((l) => l.startsWith('1 '))).toMatch(/1\.2k\s+\$0\.12$/);
    expect(text.stdout.split('\n').find((l) => l.startsWith('2 '))).toMatch(/unknown\s+unknown$/);
    const status = await fx.cli(['status', 't'], env);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/#1 .*tokens 1\.2k, cost \$0\.12/);
    expect(status.stdout).toMatch(/#2 .*tokens unknown, cost unknown/);
    const statusJson = JSON.parse((await fx.cli(['status', 't', '--json'], env)).stdout);
    expect(statusJson.candidates[1].cost.tokens).toBeNull();
    const out = join(fx.tmp, 'r.html');
    expect((await fx.cli(['report', 't', '--out', out], env)).exitCode).toBe(0);
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<th>time</th><th>tokens</th><th>cost</th>');
    expect(html).toContain('1.2k (input 1200, output 34, cache read 0, cache write 0)');
  });
});
