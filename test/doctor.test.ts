/**
 * `parallel doctor`: the judging of what was found is pure and tested in-process; one pair of
 * CLI runs checks the real probes (stand-in agent and GNU parallel on PATH, a broken task dir).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAgent } from '../src/config/resolve.js';
import { judgeAgent } from '../src/doctor/agents.js';
import { atLeast, parseVersion } from '../src/doctor/check.js';
import { judgePath } from '../src/doctor/on-path.js';
import { judgeMultiplexers, type MuxProbe } from '../src/mux/requirements.js';
import { validJson } from './support/json-schema.js';
import { makeRepo, type TestRepo } from './support/repo.js';

const level = (checks: { id: string; level: string }[], id: string) => checks.find((c) => c.id === id)?.level;

describe('judging what was found', () => {
  it('reads version banners and compares them part by part', () => {
    expect(parseVersion('tmux 3.3a')).toEqual([3, 3, 0]);
    expect(parseVersion('git version 2.39.5')).toEqual([2, 39, 5]);
    expect(parseVersion('2.1.331 (Claude Code)')).toEqual([2, 1, 331]);
    expect(atLeast([2, 39, 5], '2.38.0')).toBe(true);
    expect(atLeast([2, 37, 9], '2.38.0')).toBe(false);
    expect(atLeast([0, 44, 0], '0.44.0')).toBe(true);
    expect(atLeast([1, 0, 60], '1.0.61')).toBe(false);
  });

  const tmux: MuxProbe = { mux: 'tmux', path: '/usr/bin/tmux', banner: 'tmux 3.3a' };
  const oldZellij: MuxProbe = { mux: 'zellij', path: '/bin/zellij', banner: 'zellij 0.43.1' };
  it.each([
    ['auto, no zellij, tmux: zellij only warns', [{ mux: 'zellij' }, tmux], 'auto', 'warning', 'ok'],
    [
      'auto, nothing installed: headless runs, both warn',
      [{ mux: 'zellij' }, { mux: 'tmux' }],
      'auto',
      'warning',
      'warning',
    ],
    ['zellij asked for and missing: blocker', [{ mux: 'zellij' }, tmux], 'zellij', 'blocker', 'ok'],
    ['auto picks an old zellij on PATH: blocker', [oldZellij, tmux], 'auto', 'blocker', 'ok'],
    ['an old zellij that tmux replaces: warning', [oldZellij, tmux], 'tmux', 'warning', 'ok'],
    [
      'tmux 2.9 asked for: blocker',
      [{ mux: 'zellij' }, { ...tmux, banner: 'tmux 2.9a' }],
      'tmux',
      'warning',
      'blocker',
    ],
  ] as const)('%s', (_, probes, wanted, zellij, tmuxLevel) => {
    const checks = judgeMultiplexers([...probes] as MuxProbe[], wanted);
    expect(level(checks, 'mux.zellij')).toBe(zellij);
    expect(level(checks, 'mux.tmux')).toBe(tmuxLevel);
  });

  it('an agent missing blocks; one too old for its hooks warns; a custom one has no hooks to check', () => {
    const claude = resolveAgent({ preset: 'claude' });
    expect(judgeAgent({ agent: claude }).level).toBe('blocker');
    expect(judgeAgent({ agent: claude }).fix).toMatch(/npm install -g @anthropic-ai\/claude-code/);
    expect(judgeAgent({ agent: claude, path: '/x/claude', banner: '1.0.50 (Claude Code)' })).toMatchObject({
      level: 'warning',
      found: '1.0.50',
      need: '1.0.61',
    });
    expect(judgeAgent({ agent: claude, path: '/x/claude', banner: '2.1.331 (Claude Code)' }).level).toBe(
      'ok',
    );
    const codex = resolveAgent({ preset: 'codex' });
    expect(judgeAgent({ agent: codex, path: '/x/codex', banner: 'codex-cli 0.169.0' }).message).toMatch(
      /hooks supported/,
    );
    const custom = resolveAgent({ name: 'local', command: './my-agent' });
    expect(judgeAgent({ agent: custom, path: '/r/my-agent' }).level).toBe('ok');
  });

  it('tells this tool, GNU parallel and another copy apart', () => {
    const gnu = judgePath(
      { parallel: { path: '/usr/bin/parallel', self: false, banner: 'GNU parallel 20221122' } },
      '0.1.0',
    );
    expect(level(gnu, 'path.parallel')).toBe('warning');
    expect(level(gnu, 'path.git-parallel')).toBe('warning');
    const self = judgePath(
      { parallel: { path: '/a/parallel', self: true }, gitParallel: '/a/git-parallel' },
      '0.1.0',
    );
    expect(self.map((c) => c.level)).toEqual(['ok', 'ok']);
    expect(
      level(
        judgePath({ parallel: { path: '/b/parallel', self: false, banner: '0.1.0' } }, '0.1.0'),
        'path.parallel',
      ),
    ).toBe('info');
  });
});

describe('parallel doctor through the CLI', { timeout: 60_000 }, () => {
  let repo: TestRepo;
  let bin: string;
  beforeAll(async () => {
    repo = await makeRepo({ config: { agents: [{ preset: 'claude', count: 2 }] } });
    bin = join(repo.parent, 'standin-bin');
    mkdirSync(bin);
    const script = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    script('claude', 'echo "2.1.331 (Claude Code)"');
    // What GNU parallel prints for --version (first line).
    script('parallel', 'echo "GNU parallel 20221122"; echo "Copyright (C) 2007-2022 Ole Tange"');
    const state = repo.stateDir('broken');
    mkdirSync(state, { recursive: true });
    writeFileSync(join(state, 'state.json'), '{"version": 1, "candidates": [');
    // A lock whose owner (a process that has ended) is gone.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    const lock = join(repo.stateDir('left'), 'lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(
      join(lock, 'owner.json'),
      JSON.stringify({
        pid: Number(dead.stdout),
        host: hostname(),
        token: 't',
        since: '2026-11-30T00:00:00Z',
        argv: 'up left',
      }),
    );
  });
  afterAll(() => repo.cleanup());

  it('reports GNU parallel, the agent with its hooks, an unreadable state.json and a stale lock; warnings exit 0', async () => {
    const result = await repo.run(['doctor', '--json'], {
      env: { PATH: `${bin}${delimiter}${repo.env.PATH}` },
    });
    expect(result.stderr).toBe('');
    const report = validJson('doctor', result.stdout) as {
      version: number;
      checks: { id: string; level: string; message: string }[];
      blockers: number;
    };
    expect(report.version).toBe(1);
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(byId['git']).toMatchObject({ level: 'ok' });
    expect(byId['mux.tmux']).toMatchObject({ level: 'ok' });
    expect(byId['mux.zellij']).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(/not on PATH/),
    });
    expect(byId['agent.claude']).toMatchObject({
      level: 'ok',
      found: '2.1.331',
      message: expect.stringMatching(/hooks supported/),
    });
    expect(byId['path.parallel']).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(/GNU parallel/),
    });
    expect(byId['task.broken']).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(/unreadable/),
    });
    expect(byId['task.left.lock']).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(/stale lock/),
    });
    expect(report.blockers).toBe(0);
    expect(result.code).toBe(0);
  });

  it('a configured agent missing from PATH is a blocker: exit 1, with the install command', async () => {
    // A config nearer the working directory wins; its agent's command is on no PATH.
    const sub = join(repo.dir, 'sub');
    mkdirSync(sub);
    const agents = [{ preset: 'claude', command: 'gp-agent-not-installed' }];
    writeFileSync(join(sub, 'parallel.config.json'), JSON.stringify({ agents }));
    const result = await repo.run(['doctor'], { cwd: sub });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ agent claude: `gp-agent-not-installed` is not on PATH/);
    expect(result.stdout).toMatch(/npm install -g @anthropic-ai\/claude-code/);
    expect(result.stdout).toMatch(/1 blocker/);
  });
});
