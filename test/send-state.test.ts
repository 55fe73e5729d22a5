// `send` types only into a pane whose agent is alive (working, waiting or idle): a pane holding
// a bare shell (its agent could not be resumed) or an ended agent is refused, naming the state.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAgent, hasTmux, makeRepo, type TestRepo, tmux, waitFor } from './support/repo.js';

describe.skipIf(!hasTmux)('send checks the agent state first (tmux)', () => {
  let repo: TestRepo;
  const states = async () => {
    const result = await repo.run(['status', 's', '--json']);
    return JSON.parse(result.stdout).candidates.map((c: { state: string }) => c.state) as string[];
  };
  const paneOf = (n: number) =>
    tmux(repo, ['list-panes', '-s', '-t', '=repo-s', '-F', '#{@parallel_index} #{pane_id}'])
      .split('\n')
      .find((line) => line.startsWith(`${n} `))!
      .split(' ')[1]!;

  beforeAll(async () => {
    repo = await makeRepo({
      config: {
        agents: [
          fakeAgent({ name: 'stays', env: { FAKE_AGENT_STAY: '1' } }),
          { name: 'once', command: './once', resume: false },
        ],
        notify: false,
        startupWait: 30_000,
      },
    });
    // Gets a session going (its hook says so), then crashes: it has no resume option, so the
    // next `up` leaves a shell in its pane.
    writeFileSync(join(repo.dir, 'once'), `#!/bin/sh\n"$PARALLEL_HOOK" working\necho crashed >&2\nexit 3\n`, {
      mode: 0o755,
    });
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'agent']);
    const up = await repo.run(['up', 's', '--mux', 'tmux', '--no-attach', '--prompt', 'go']);
    expect(up.stderr).toContain('#2 once failed at start (exit 3)');
  });
  afterAll(async () => {
    await repo.run(['down', 's']);
    await repo.cleanup();
  });

  it('an agent that failed: refused, with the state and the fix', async () => {
    await waitFor(async () => JSON.stringify(await states()) === '["idle","failed"]', {
      timeout: 20_000,
      message: '#1 idle, #2 failed',
    });
    const result = await repo.run(['send', 's', 'hello', '--to', '2']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      "#2's agent is not running (state failed (exit 3)); `parallel up s` starts it again",
    );
  });

  it('a pane that holds a shell: refused, and nothing is typed into it', async () => {
    const up = await repo.run(['up', 's', '--no-attach']);
    expect(up.code, up.stderr).toBe(0);
    await waitFor(async () => (await states())[1] === 'shell', {
      timeout: 20_000,
      message: '#2 to hold a shell',
    });
    const result = await repo.run(['send', 's', 'echo typed-into-shell', '--to', '2']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("#2's pane holds a shell, not its agent (state shell)");
    expect(tmux(repo, ['capture-pane', '-p', '-t', paneOf(2)])).not.toContain('typed-into-shell');
  });

  it('to every candidate: sent to the live agent, the shell is named and skipped', async () => {
    const result = await repo.run(['send', 's', 'more please']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Sent 11 character(s) to #1');
    expect(result.stderr).toContain("not sent to #2's pane holds a shell");
    await waitFor(() => tmux(repo, ['capture-pane', '-p', '-t', paneOf(1)]).includes('more please'), {
      message: 'pane 1 to show the text',
    });
  });
});
