/** `up` says what it changed for each candidate: created, rebuilt, restarted/resumed, left alone. */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo, waitFor, waitForStarts } from './support/repo.js';

const line = (stderr: string, n: number) =>
  stderr.split('\n').find((l) => l.trimStart().startsWith(`#${n} `)) ?? '';

describe('up reports its changes', { timeout: 180_000 }, () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await makeRepo({ env: { FAKE_AGENT_STAY: '1' } });
  });
  afterAll(async () => {
    await repo.run(['down', 't']);
    await repo.cleanup();
  });

  it('a first up lists the candidates it created, a second says nothing changed', async () => {
    const first = await repo.run(['up', 't', '--mux', 'none', '--no-attach', '-p', 'go']);
    expect(first.code, first.stderr).toBe(0);
    expect(line(first.stderr, 1)).not.toMatch(/left alone|resumed/);
    await waitForStarts(repo, 3);
    const second = await repo.run(['up', 't', '--no-attach']);
    expect(second.stderr).toMatch(/already up .*nothing changed/);
  });

  it('after a repair it names what it rebuilt, restarted and left alone', async () => {
    const run = join(repo.stateDir('t'), 'run');
    const pid = Number(readFileSync(join(run, '2.pid'), 'utf8'));
    process.kill(-pid, 'SIGKILL');
    await waitFor(async () => {
      const status = JSON.parse((await repo.run(['status', 't', '--json'])).stdout);
      return status.candidates[1].agentState !== 'running';
    });
    rmSync(repo.worktree('t', 3), { recursive: true, force: true });
    const repair = await repo.run(['up', 't', '--no-attach']);
    expect(repair.code, repair.stderr).toBe(0);
    expect(line(repair.stderr, 1)).toMatch(/left alone$/);
    expect(line(repair.stderr, 2)).toMatch(/(resumed|restarted) its agent/);
    expect(line(repair.stderr, 3)).toMatch(/rebuilt its worktree.*(resumed|restarted) its agent/);
  });
});
