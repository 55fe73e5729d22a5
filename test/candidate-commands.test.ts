/**
 * Per-candidate commands through the built CLI: attach <task> <n>, restart, logs, down <task> <n>
 * (with and without --clean) and open, with real tmux and headless.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, hasTmux, makeRepo, type TestRepo, tmux, waitFor, waitForStarts } from './support/repo.js';

const UP = ['--agents', '3', '--no-attach', '--prompt', 'do the thing'];

interface StatusJson {
  candidates: { index: number; agentState: string }[];
}
const statusOf = async (repo: TestRepo, task: string) => {
  const result = await repo.run(['status', task, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StatusJson;
};
const panesOf = (repo: TestRepo, session: string) =>
  tmux(repo, ['list-panes', '-s', '-t', `=${session}`, '-F', '#{@parallel_index} #{pane_dead}'])
    .trim()
    .split('\n')
    .sort();

describe.skipIf(!hasTmux)('per-candidate commands under tmux', { timeout: 180_000 }, () => {
  let repo: TestRepo;
  const session = 'repo-t';
  beforeAll(async () => {
    repo = await makeRepo({ env: { FAKE_AGENT_STAY: '1', FAKE_AGENT_EDIT: 'none' } });
    const up = await repo.run(['up', 't', '--mux', 'tmux', ...UP]);
    expect(up.code, up.stderr).toBe(0);
    await waitForStarts(repo, 3);
  });
  afterAll(async () => {
    await repo.run(['down', 't']);
    await repo.cleanup();
  });

  it('logs <task> <n> prints what that agent printed', async () => {
    const logs = await waitFor(
      async () => {
        const result = await repo.run(['logs', 't', '2']);
        return result.stdout.includes('fake-agent 2: done') && result;
      },
      { timeout: 30_000 },
    );
    expect(logs.code).toBe(0);
    expect(logs.stdout).not.toMatch(/fake-agent [13]/);
  });

  it('restart <task> <n> resumes that agent in its own pane; --fresh sends the prompt again', async () => {
    const resumed = await repo.run(['restart', 't', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const starts = await waitForStarts(repo, 4);
    expect(starts[3]).toMatchObject({ index: 2, kind: 'resume' });
    expect(panesOf(repo, session)).toEqual(['1 0', '2 0', '3 0']);

    const fresh = await repo.run(['restart', 't', '2', '--fresh']);
    expect(fresh.code, fresh.stderr).toBe(0);
    const again = await waitForStarts(repo, 5);
    expect(again[4]).toMatchObject({ index: 2, kind: 'start' });
    const last = repo
      .records()
      .filter((r) => r.env.PARALLEL_INDEX === '2')
      .at(-1)!;
    expect(last.prompt).toBe('do the thing');
    expect(panesOf(repo, session)).toEqual(['1 0', '2 0', '3 0']);
  });

  it('attach <task> <n> attaches with pane n focused', async () => {
    // `script` gives the CLI a terminal; the attached client is then detached from outside.
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} attach t 3`;
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: repo.dir,
      env: repo.env,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('close', resolve));
    await waitFor(() => tmux(repo, ['list-clients', '-t', `=${session}`]).trim() !== '', { timeout: 30_000 });
    const active = tmux(repo, [
      'list-panes',
      '-s',
      '-t',
      `=${session}`,
      '-F',
      '#{window_active}#{pane_active} #{@parallel_index}',
    ])
      .split('\n')
      .find((line) => line.startsWith('11 '));
    expect(active).toBe('11 3');
    tmux(repo, ['detach-client', '-s', `=${session}`]);
    await exited;
  });

  it('down <task> <n> stops only that candidate; --clean then removes it (no unique work)', async () => {
    const down = await repo.run(['down', 't', '2']);
    expect(down.code, down.stderr).toBe(0);
    expect(panesOf(repo, session)).toEqual(['1 0', '3 0']);
    const states = (await statusOf(repo, 't')).candidates.map((c) => [c.index, c.agentState]);
    expect(states).toEqual([
      [1, 'running'],
      [2, 'missing'],
      [3, 'running'],
    ]);
    const clean = await repo.run(['down', 't', '2', '--clean']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(existsSync(repo.worktree('t', 2))).toBe(false);
    expect(existsSync(repo.worktree('t', 1))).toBe(true);
    expect((await statusOf(repo, 't')).candidates.map((c) => c.index)).toEqual([1, 3]);
    expect(panesOf(repo, session)).toEqual(['1 0', '3 0']);
  });

  it('a candidate number the task does not have is refused', async () => {
    for (const args of [
      ['logs', 't', '9'],
      ['restart', 't', '9'],
      ['down', 't', '9'],
      ['open', 't', '9'],
    ]) {
      const result = await repo.run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/has no candidate 9/);
    }
  });
});

describe('per-candidate commands headless', { timeout: 180_000 }, () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await makeRepo();
    const up = await repo.run(['up', 'h', '--mux', 'none', ...UP]);
    expect(up.code, up.stderr).toBe(0);
    await waitForStarts(repo, 3);
  });
  afterAll(async () => {
    await repo.run(['down', 'h']);
    await repo.cleanup();
  });

  it('logs <task> <n> prints its log; -f follows it', async () => {
    const logs = await waitFor(
      async () => {
        const result = await repo.run(['logs', 'h', '1']);
        return result.stdout.includes('fake-agent 1: done') && result;
      },
      { timeout: 30_000 },
    );
    expect(logs.stdout).not.toMatch(/fake-agent [23]/);
    const follow = spawn(process.execPath, [CLI, 'logs', 'h', '3', '-f'], { cwd: repo.dir, env: repo.env });
    let seen = '';
    follow.stdout.on('data', (d) => (seen += d));
    await waitFor(() => seen.includes('fake-agent 3: done'), { timeout: 30_000 });
    writeFileSync(join(repo.stateDir('h'), 'logs', '3.log'), 'fake-agent 3: done\nmore output\n', {
      flag: 'w',
    });
    await waitFor(() => seen.includes('more output'), { timeout: 30_000 });
    follow.kill();
  });

  it('open <task> <n> prints the worktree path; --editor opens it in $EDITOR', async () => {
    const path = await repo.run(['open', 'h', '2']);
    expect(path.code, path.stderr).toBe(0);
    expect(path.stdout.trim()).toBe(repo.worktree('h', 2));
    const editor = join(repo.parent, 'editor.sh');
    writeFileSync(
      editor,
      `#!/bin/sh\nprintf '%s\\n' "$1" > ${JSON.stringify(join(repo.parent, 'edited'))}\n`,
    );
    chmodSync(editor, 0o755);
    const opened = await repo.run(['open', 'h', '2', '--editor'], { env: { EDITOR: editor, VISUAL: '' } });
    expect(opened.code, opened.stderr).toBe(0);
    expect(readFileSync(join(repo.parent, 'edited'), 'utf8').trim()).toBe(repo.worktree('h', 2));
  });
});
