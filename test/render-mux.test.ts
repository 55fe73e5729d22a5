/** `render` prints the arrangement of the multiplexer the task would use. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from './support/repo.js';

describe('render for every multiplexer', { timeout: 180_000 }, () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await makeRepo({ zellij: true });
  });
  afterAll(() => repo.cleanup());

  it('--mux tmux prints the tmux commands that build the session', async () => {
    const result = await repo.run(['render', 't', '--mux', 'tmux', '--agents', '3']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^# tmux session repo-t for task t: 3 pane\(s\), layout tiled/);
    expect(result.stdout).toMatch(/tmux new-session -d -s repo-t/);
    expect(result.stdout.match(/tmux split-window/g)?.length).toBe(2);
    expect(result.stdout).toMatch(/@parallel_index 3/);
    expect(result.stdout).not.toMatch(/layout \{/);
  });

  it('--mux tmux --layout tabs opens a window per candidate', async () => {
    const result = await repo.run(['render', 't', '--mux', 'tmux', '--agents', '2', '--layout', 'tabs']);
    expect(result.stdout.match(/tmux new-window/g)?.length).toBe(1);
  });

  it('--mux none prints the headless launchers and their logs', async () => {
    const result = await repo.run(['render', 't', '--mux', 'none', '--agents', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^# headless: 2 launcher/);
    expect(result.stdout).toMatch(/launch\/2\.sh'? >> .*logs\/2\.log'? 2>&1 &/);
  });

  it('--mux zellij prints the KDL layout', async () => {
    const result = await repo.run(['render', 't', '--mux', 'zellij', '--agents', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^layout \{/m);
  });
});
