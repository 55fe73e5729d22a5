// The attention states end to end: two Claude agents (stand-ins firing Claude's documented hook
// payloads), one asking permission and one finished. `status`, the panes' titles, the
// notifications, `wait` and `watch` all tell the same, under tmux and the Zellij double.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  hasTmux,
  hasZellijDouble,
  makeRepo,
  ROOT,
  type TestRepo,
  tmux,
  waitFor,
} from './support/repo.js';
import { zellij, zellijPanes } from './support/up-flow.js';

const STANDINS = resolve(ROOT, 'test/fixtures/agents/bin');
const ASKS =
  'SessionStart UserPromptSubmit PreToolUse:Bash PermissionRequest:Bash Notification:permission_prompt';
const DONE = 'SessionStart UserPromptSubmit PreToolUse:Bash PostToolUse:Bash Stop';

async function twoClaudes(zellijDouble: boolean): Promise<TestRepo> {
  const repo = await makeRepo({
    zellij: zellijDouble,
    config: {
      agents: [
        { preset: 'claude', name: 'asks', env: { STANDIN_STEPS: ASKS } },
        { preset: 'claude', name: 'done', env: { STANDIN_STEPS: DONE } },
      ],
      notify: { command: 'echo "$PARALLEL_INDEX $PARALLEL_STATE $PARALLEL_REASON" >> "$NOTES"' },
      startupWait: 30_000,
    },
  });
  Object.assign(repo.env, {
    PATH: [STANDINS, repo.env.PATH].join(delimiter),
    NOTES: join(repo.parent, 'notes.txt'),
  });
  return repo;
}

const notes = (repo: TestRepo) => {
  try {
    return readFileSync(join(repo.parent, 'notes.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort();
  } catch {
    return [];
  }
};

async function statusJson(repo: TestRepo) {
  const result = await repo.run(['status', 't', '--json']);
  return JSON.parse(result.stdout).candidates as { state: string; reason: string | null; since: string }[];
}

/** `watch --json` until it has printed `lines` lines, then stopped. */
function watchJson(repo: TestRepo, lines: number): Promise<string[]> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'watch', 't', '--json'], { cwd: repo.dir, env: repo.env });
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      fail(new Error(`watch printed only: ${out}`));
    }, 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const got = out.split('\n').filter(Boolean);
      if (got.length >= lines) {
        clearTimeout(timer);
        child.kill();
        done(got);
      }
    });
  });
}

describe.skipIf(!hasTmux)('attention states under tmux: one agent asks permission, one is done', () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await twoClaudes(false);
    const up = await repo.run(['up', 't', '--mux', 'tmux', '--no-attach', '--prompt', 'go']);
    expect(up.code, up.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await repo.run(['down', 't']);
    await repo.cleanup();
  });

  it('status shows waiting (permission) and idle, with since', async () => {
    await waitFor(
      async () =>
        JSON.stringify((await statusJson(repo)).map((c) => [c.state, c.reason])) ===
        '[["waiting","permission"],["idle",null]]',
      { timeout: 20_000, message: 'waiting (permission) and idle' },
    );
    const text = (await repo.run(['status', 't'])).stdout;
    expect(text).toMatch(/#1 asks .*waiting \(permission\)/);
    expect(text).toMatch(/#2 done .*idle/);
    for (const c of await statusJson(repo)) expect(Date.parse(c.since)).not.toBeNaN();
  });

  it('the tmux panes show the same state (pane option shown in the border)', async () => {
    const panes = () =>
      tmux(repo, ['list-panes', '-s', '-t', '=repo-t', '-F', '#{@parallel_index}\t#{@parallel_state}'])
        .trim()
        .split('\n')
        .sort();
    await waitFor(() => JSON.stringify(panes()) === '["1\\twaiting (permission)","2\\tidle"]', {
      timeout: 20_000,
      interval: 100,
      message: 'pane states',
    });
    const border = tmux(repo, ['show-options', '-w', '-v', '-t', '=repo-t:', 'pane-border-format']);
    expect(border).toContain('#{@parallel_state}');
  });

  it('one notification each, for entering waiting and idle', async () => {
    const wait = await repo.run(['wait', 't', '--until', 'any', '--timeout', '30']);
    expect(wait.code, wait.stderr).toBe(0);
    await waitFor(() => notes(repo).length === 2, { timeout: 20_000, message: 'two notifications' });
    expect(notes(repo)).toEqual(['1 waiting permission', '2 idle']);
  });

  it('wait --until idle says not every agent got there (one waits for the person)', async () => {
    const wait = await repo.run(['wait', 't', '--until', 'idle', '--timeout', '1']);
    expect(wait.code).toBe(1);
    expect(wait.stderr).toContain('#1 waiting (permission)');
  });

  it('watch --json shows both', async () => {
    const lines = await watchJson(repo, 1);
    const view = JSON.parse(lines[0]!);
    expect(view.candidates.map((c: { state: string }) => c.state)).toEqual(['waiting', 'idle']);
  });
});

describe.skipIf(!hasZellijDouble)('attention states under the Zellij double: pane names follow', () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await twoClaudes(true);
    const up = await repo.run(['up', 't', '--mux', 'zellij', '--no-attach', '--prompt', 'go']);
    expect(up.code, up.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    try {
      zellij(repo, ['kill-all-sessions', '-y']);
    } catch {
      // none left
    }
    await repo.cleanup();
  });

  it('rename-pane --pane-id gives each pane its name and state', async () => {
    const titles = () =>
      zellijPanes(repo, 'repo-t')
        .map((p) => p.title)
        .sort();
    await waitFor(() => JSON.stringify(titles()) === '["#1 asks · waiting (permission)","#2 done · idle"]', {
      timeout: 20_000,
      message: `pane titles (last: ${titles()})`,
    });
    const states = (await statusJson(repo)).map((c) => c.state);
    expect(states).toEqual(['waiting', 'idle']);
  });
});
