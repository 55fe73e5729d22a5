import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, upTask, waitFor } from './support/task-fixture.js';

describe('parallel send', () => {
  let fx: Fixture;
  let tmuxEnv: NodeJS.ProcessEnv;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', args, { env: { ...process.env, ...tmuxEnv }, encoding: 'utf8' });

  beforeAll(async () => {
    fx = await createFixture();
    // A private tmux server for this test only.
    const socketDir = join(fx.tmp, 'tmux');
    await mkdir(socketDir);
    tmuxEnv = { TMUX_TMPDIR: socketDir, TMUX: '' };
    const up = await fx.cli(['up', 's', '--agents', '3', '--mux', 'tmux', '--no-attach', '--prompt', 'go'], {
      ...tmuxEnv,
      FAKE_AGENT_STAY: '1',
    });
    expect(up.exitCode, up.stderr).toBe(0);
    await waitFor(() => paneIds().size === 3, 'three tmux panes');
  });
  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {}
    await fx?.cleanup();
  });

  /** candidate index → tmux pane id */
  function paneIds(): Map<number, string> {
    try {
      const out = tmux('list-panes', '-s', '-t', '=repo-s', '-F', '#{@parallel_index} #{pane_id}');
      return new Map(
        out
          .trim()
          .split('\n')
          .map((l) => l.split(' '))
          .filter(([i]) => i)
          .map(([i, id]) => [Number(i), id!]),
      );
    } catch {
      return new Map();
    }
  }
  const screen = (n: number) => tmux('capture-pane', '-p', '-t', paneIds().get(n)!);

  it('types the text into the chosen panes only', async () => {
    const result = await fx.cli(['send', 's', 'please add tests too', '--to', '1,3'], tmuxEnv);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('Sent 20 character(s) to #1, #3');
    for (const n of [1, 3])
      await waitFor(() => screen(n).includes('please add tests too'), `pane ${n} to show it`);
    expect(screen(2)).not.toContain('please add tests too');
  });

  it('reads the text from --file and sends to every pane', async () => {
    const file = join(fx.tmp, 'follow-up.txt');
    await writeFile(file, 'from a file: $(no) `expansion`\n');
    const result = await fx.cli(['send', 's', '--file', file], tmuxEnv);
    expect(result.exitCode, result.stderr).toBe(0);
    for (const n of [1, 2, 3]) {
      await waitFor(
        () => screen(n).includes('from a file: $(no) `expansion`'),
        `pane ${n} to show the file text`,
      );
    }
  });

  it('rejects bad input: no text, both text and file, an unknown candidate', async () => {
    expect((await fx.cli(['send', 's'], tmuxEnv)).exitCode).toBe(2);
    expect((await fx.cli(['send', 's', 'x', '--file', 'y'], tmuxEnv)).exitCode).toBe(2);
    const unknown = await fx.cli(['send', 's', 'x', '--to', '9'], tmuxEnv);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('--to names candidate 9');
    const noTask = await fx.cli(['send', 'nope', 'x'], tmuxEnv);
    expect(noTask.exitCode).not.toBe(0);
    expect(noTask.stderr).toContain('no task "nope"');
  });

  it('with the headless driver: a clear error from the driver', async () => {
    await upTask(fx, 'quiet', 1);
    const result = await fx.cli(['send', 'quiet', 'hello']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('The headless driver has no terminal to type into');
  });
});
