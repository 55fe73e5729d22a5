// `parallel hook` never gets in an agent's way, and `up` reports agents that fail at start
// (issue: "Not logged in" got ✔ and was later resumed instead of getting its prompt).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FAKE_AGENT, fakeAgent, makeRepo, runCli, type TestRepo, waitFor } from './support/repo.js';

function hook(args: string[], input: string | null, env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, 'hook', ...args], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    if (input !== null) child.stdin.end(input);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('parallel hook never stops the agent', () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await makeRepo();
  });
  afterAll(() => repo.cleanup());

  it('a state dir it cannot write: exit 0, nothing on stdout ({} for Gemini)', async () => {
    const file = join(repo.parent, 'a-file');
    writeFileSync(file, '');
    const payload = JSON.stringify({ hook_event_name: 'Stop', session_id: 's' });
    expect(await hook(['claude', '--dir', join(file, 'sub'), '--n', '1'], payload)).toEqual({
      code: 0,
      stdout: '',
    });
    expect(await hook(['gemini', '--dir', join(file, 'sub'), '--n', '1'], payload)).toEqual({
      code: 0,
      stdout: '{}\n',
    });
    expect(await hook(['nonsense'], '')).toEqual({ code: 0, stdout: '' });
  });

  it('input that never ends: it gives up reading and exits', async () => {
    const dir = join(repo.parent, 'open-stdin');
    const result = await hook(['claude', '--dir', dir, '--n', '1'], null);
    expect(result).toEqual({ code: 0, stdout: '' });
  });

  it('a slow notification command runs detached: the hook is done before it', async () => {
    const dir = join(repo.parent, 'slow');
    mkdirSync(dir, { recursive: true });
    const done = join(repo.parent, 'notified');
    const release = join(repo.parent, 'release');
    writeFileSync(
      join(dir, 'attention.json'),
      JSON.stringify({
        version: 1,
        task: 't',
        names: { 1: '#1 x' },
        // Cannot finish before the test releases it.
        notify: { command: `while [ ! -e ${release} ]; do sleep 0.05; done; touch ${done}` },
        failWindowMs: 1000,
        runDir: join(dir, 'run'),
        logDir: join(dir, 'logs'),
      }),
    );
    await hook(['working', '--dir', dir, '--n', '1'], '');
    const result = await hook(['waiting', '--reason', 'permission', '--dir', dir, '--n', '1'], '');
    expect(result.code).toBe(0);
    expect(existsSync(done)).toBe(false);
    writeFileSync(release, '');
    await waitFor(() => existsSync(done), { timeout: 20_000, message: 'the notification command to finish' });
  });
});

describe('up reports agents that fail at start', () => {
  let repo: TestRepo;
  let loggedIn: string;
  beforeAll(async () => {
    repo = await makeRepo({
      config: {
        agents: [
          fakeAgent({ name: 'ok', env: { FAKE_AGENT_STAY: '1' } }),
          { name: 'login', command: './login-agent', resume: ['--continue'] },
          { name: 'session', command: './session-agent', resume: ['--continue'] },
        ],
        startupWait: 30_000,
        notify: false,
      },
    });
    loggedIn = join(repo.parent, 'logged-in');
    // Fails before any session until "logged in"; then behaves like the fake agent.
    writeFileSync(
      join(repo.dir, 'login-agent'),
      `#!/bin/sh\nif [ -e ${loggedIn} ]; then FAKE_AGENT_STAY=1 exec ${FAKE_AGENT} "$@"; fi\necho "Checking credentials"\necho "Not logged in · Please run /login" >&2\nexit 1\n`,
      { mode: 0o755 },
    );
    // Reports a session through $PARALLEL_HOOK, then fails: it is resumed, not started again.
    writeFileSync(
      join(repo.dir, 'session-agent'),
      `#!/bin/sh\nif [ -e ${loggedIn} ]; then FAKE_AGENT_STAY=1 exec ${FAKE_AGENT} "$@"; fi\n"$PARALLEL_HOOK" working\necho "rate limited" >&2\nexit 2\n`,
      { mode: 0o755 },
    );
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'agents']);
  });
  afterAll(async () => {
    await repo.run(['down', 'f']);
    await repo.cleanup();
  });

  it('up exits 1 naming each failed agent with its last lines; status says failed', async () => {
    const up = await repo.run(['up', 'f', '--mux', 'none', '--no-attach', '--prompt', 'the prompt']);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain('2 agent(s) of task "f" failed at start');
    expect(up.stderr).toMatch(/#2 login failed at start \(exit 1\); it never got a session going/);
    expect(up.stderr).toContain('Not logged in · Please run /login');
    expect(up.stderr).toMatch(/#3 session failed at start \(exit 2\); it had started a session/);
    expect(up.stderr).toContain('rate limited');
    const status = JSON.parse((await repo.run(['status', 'f', '--json'])).stdout);
    expect(status.candidates.map((c: { state: string }) => c.state)).toEqual(['idle', 'failed', 'failed']);
    expect(status.candidates[1].lastLines).toContain('Not logged in · Please run /login');
  });

  it('the next up starts the agent that never got a session with its prompt, and resumes the other', async () => {
    writeFileSync(loggedIn, '');
    const up = await repo.run(['up', 'f', '--mux', 'none', '--no-attach']);
    expect(up.code, up.stderr).toBe(0);
    const records = await waitFor(
      () => {
        const list = repo.records().filter((r) => r.env.PARALLEL_INDEX !== '1');
        return list.length === 2 && list;
      },
      { timeout: 20_000, message: 'agents 2 and 3 to start again' },
    );
    const byIndex = (n: string) => records.find((r) => r.env.PARALLEL_INDEX === n)!;
    expect(byIndex('2')).toMatchObject({ resumed: false, prompt: 'the prompt' });
    expect(byIndex('3')).toMatchObject({ resumed: true });
  });

  it('status --json of a task of the plain fake agent still has state, reason and since', async () => {
    const status = JSON.parse(
      (await runCli(['status', 'f', '--json'], { cwd: repo.dir, env: repo.env })).stdout,
    );
    for (const c of status.candidates)
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['state', 'reason', 'since']));
  });
});
