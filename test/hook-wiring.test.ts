// Each preset's per-run hook wiring, end to end through the built CLI, against stand-ins of the
// agent CLIs (test/fixtures/agents) that read the same flags, files and environment as the real
// ones and fire hooks with the documented JSON. The user's own agent config stays byte-for-byte.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAgentState } from '../src/task/agent-state.js';
import { makeRepo, ROOT, type TestRepo, waitFor } from './support/repo.js';

const STANDINS = resolve(ROOT, 'test/fixtures/agents/bin');

interface StatusCandidate {
  index: number;
  agent: string;
  state: string;
  reason: string | null;
  since: string | null;
}

describe('hook wiring per preset (headless, stand-in CLIs)', () => {
  let repo: TestRepo;
  let home: string;
  let homeFiles: Map<string, string>;
  const standinLog = () =>
    readFileSync(join(repo.parent, 'standin.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));

  beforeAll(async () => {
    repo = await makeRepo({
      config: {
        agents: [
          {
            preset: 'claude',
            env: { STANDIN_STEPS: 'SessionStart UserPromptSubmit PreToolUse:Bash PermissionRequest:Bash' },
          },
          { preset: 'codex', env: { STANDIN_STEPS: 'agent-turn-complete' } },
          {
            preset: 'gemini',
            env: { STANDIN_STEPS: 'SessionStart BeforeAgent BeforeTool Notification:ToolPermission' },
          },
          { preset: 'opencode', env: { STANDIN_STEPS: 'session.status:busy sleep:50 question.asked' } },
          { preset: 'aider', env: { STANDIN_STEPS: 'notify' } },
        ],
        notify: false,
        startupWait: 30_000,
      },
    });
    home = join(repo.parent, 'home');
    // The user's own config of each agent, with hooks and a notify program of their own.
    const userNotify = join(home, 'bin', 'my-notify');
    homeFiles = new Map([
      [join(home, '.claude', 'settings.json'), '{ "hooks": { "Stop": [] }, "model": "opus" }\n'],
      [
        join(home, '.codex', 'config.toml'),
        `model = "o4"\nnotify = ["${userNotify}", "--from-user"]\n\n[tui]\nx = 1\n`,
      ],
      [join(home, '.gemini', 'settings.json'), '{ "general": { "vimMode": true } }\n'],
      [join(home, '.config', 'opencode', 'opencode.json'), '{ "theme": "dark" }\n'],
      [join(home, '.aider.conf.yml'), 'dark-mode: true\n'],
      [
        userNotify,
        `#!/bin/sh\nprintf '%s\\n' "$@" > ${JSON.stringify(join(repo.parent, 'user-notify.txt'))}\n`,
      ],
    ]);
    for (const [file, content] of homeFiles) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, content);
    }
    chmodSync(userNotify, 0o755);
    const system = join(repo.parent, 'gemini-system.json');
    writeFileSync(system, JSON.stringify({ security: { auth: { selectedType: 'oauth' } } }));
    const env = {
      HOME: home,
      PATH: [STANDINS, repo.env.PATH].join(delimiter),
      STANDIN_LOG: join(repo.parent, 'standin.jsonl'),
      GEMINI_CLI_SYSTEM_SETTINGS_PATH: system,
    };
    Object.assign(repo.env, env);
    const up = await repo.run(['up', 'w', '--mux', 'none', '--no-attach', '--prompt', 'go']);
    expect(up.code, up.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await repo.run(['down', 'w']);
    await repo.cleanup();
  });

  const status = async (): Promise<StatusCandidate[]> => {
    const result = await repo.run(['status', 'w', '--json']);
    return JSON.parse(result.stdout).candidates;
  };

  it('every preset reports its state through its own hooks', async () => {
    const expected = [
      ['claude', 'waiting', 'permission'],
      ['codex', 'idle', null],
      ['gemini', 'waiting', 'permission'],
      ['opencode', 'waiting', 'question'],
      ['aider', 'idle', 'input'],
    ];
    // Five stand-in agents, each firing hooks that start node: minutes' worth on a loaded machine.
    // Wait on their state files (a read) rather than on `status` (a node start per poll, which
    // competed with the very hooks it waited for); then `status` must say the same.
    await waitFor(
      () =>
        expected.every(([, state, reason], i) => {
          const record = readAgentState(repo.stateDir('w'), i + 1);
          return record?.state === state && (record.reason ?? null) === reason;
        }),
      { timeout: 75_000, interval: 100, message: "each preset's state file in its state" },
    );
    const states = await waitFor(
      async () => {
        const list = (await status()).map((c) => [c.agent, c.state, c.reason]);
        return JSON.stringify(list) === JSON.stringify(expected) && list;
      },
      { timeout: 30_000, interval: 250, message: 'each preset in its state' },
    );
    expect(states).toEqual(expected);
    for (const c of await status()) expect(Date.parse(c.since!)).not.toBeNaN();
  }, 120_000);

  it('Claude gets --settings with hooks; its hooks print nothing; the session id and transcript are recorded', () => {
    const runs = standinLog().filter((e) => e.kind === 'claude');
    const start = runs.find((e) => e.event === 'start');
    expect(start.argv[0]).toBe('--settings');
    const hooks = runs.filter((e) => e.event !== 'start' && e.event !== 'steps done');
    expect(hooks.map((e) => e.event)).toEqual([
      'SessionStart',
      'UserPromptSubmit',
      'PreToolUse',
      'PermissionRequest',
    ]);
    for (const run of hooks) expect(run).toMatchObject({ stdout: '', code: 0 });
    const record = JSON.parse(readFileSync(join(repo.stateDir('w'), 'agents', '1.json'), 'utf8'));
    expect(record.session.id).toMatch(/^standin-\d+$/);
    expect(record.session.transcriptPath).toMatch(/\.standin-standin-\d+\.jsonl$/);
  });

  it('Gemini: a generated system settings file that keeps the real one; hooks print {}', () => {
    const start = standinLog().find((e) => e.kind === 'gemini' && e.event === 'start');
    const generated = JSON.parse(readFileSync(start.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH, 'utf8'));
    expect(generated.security).toEqual({ auth: { selectedType: 'oauth' } });
    expect(Object.keys(generated.hooks)).toContain('AfterAgent');
    const hooks = standinLog().filter((e) => e.kind === 'gemini' && 'stdout' in e);
    expect(hooks.length).toBe(4);
    for (const run of hooks) expect(JSON.parse(run.stdout)).toEqual({});
  });

  it("Codex: -c notify=[…] reaches the hook, and the user's own notify program still gets the payload", async () => {
    const start = standinLog().find((e) => e.kind === 'codex' && e.event === 'start');
    expect(start.argv[0]).toBe('-c');
    expect(start.argv[1]).toMatch(/^notify=\[/);
    const called = await waitFor(() => {
      try {
        return readFileSync(join(repo.parent, 'user-notify.txt'), 'utf8');
      } catch {
        return '';
      }
    });
    const [flag, payload] = called.trim().split('\n');
    expect(flag).toBe('--from-user');
    expect(JSON.parse(payload!)).toMatchObject({ type: 'agent-turn-complete' });
  });

  it('opencode gets a plugin in a generated OPENCODE_CONFIG_DIR; aider gets --notifications-command', () => {
    const opencode = standinLog().find((e) => e.kind === 'opencode' && e.event === 'start');
    expect(opencode.env.OPENCODE_CONFIG_DIR).toContain(repo.stateDir('w'));
    const aider = standinLog().find((e) => e.kind === 'aider' && e.event === 'start');
    expect(aider.argv).toContain('--notifications');
    expect(aider.argv).toContain('--notifications-command');
  });

  it("the user's own agent config files are untouched, byte for byte", () => {
    for (const [file, content] of homeFiles) expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('the events log has one line per change, in order per agent', () => {
    const events = readFileSync(join(repo.stateDir('w'), 'events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const claude = events.filter((e) => e.index === 1).map((e) => e.state);
    expect(claude).toEqual(['starting', 'idle', 'working', 'waiting']);
  });
});
