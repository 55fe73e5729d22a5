/**
 * After `pick --squash`, the picked candidate is marked (picked.json, status, compare) and
 * `down --clean` sees its work in the base; `restore` applies `copy` and `setup` again.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeAgent, makeRepo, type TestRepo, waitFor, waitForStarts } from './support/repo.js';

describe('a picked candidate', { timeout: 180_000 }, () => {
  let repo: TestRepo;
  let setupLog: string;
  beforeAll(async () => {
    repo = await makeRepo();
    setupLog = join(repo.parent, 'setup.log');
    const config = {
      agents: [fakeAgent({ count: 3 })],
      copy: ['.env'],
      setup: [`echo "$PARALLEL_INDEX" >> ${JSON.stringify(setupLog)}`],
    };
    writeFileSync(join(repo.dir, 'parallel.config.json'), JSON.stringify(config));
    writeFileSync(join(repo.dir, '.gitignore'), '.env\n');
    writeFileSync(join(repo.dir, '.env'), 'SECRET=1\n');
    repo.git(['add', 'parallel.config.json', '.gitignore']);
    repo.git(['commit', '-qm', 'config']);
    const up = await repo.run(['up', 't', '--mux', 'none', '--no-attach', '-p', 'go']);
    expect(up.code, up.stderr).toBe(0);
    await waitForStarts(repo, 3);
    await waitFor(
      () => [1, 2, 3].every((n) => repo.git(['rev-list', '--count', `main..t-${n}`]).trim() === '1'),
      { interval: 100 },
    );
  });
  afterAll(() => repo.cleanup());

  it('is recorded and shown by status and compare', async () => {
    // Two commits squashed into one: no single commit of the candidate has the squash's patch id.
    writeFileSync(join(repo.worktree('t', 2), 'extra.txt'), 'more\n');
    repo.git(['add', 'extra.txt'], repo.worktree('t', 2));
    repo.git(['commit', '-qm', 'second'], repo.worktree('t', 2));
    const pick = await repo.run(['pick', 't', '2', '--squash']);
    expect(pick.code, pick.stderr).toBe(0);
    const picked = JSON.parse(readFileSync(join(repo.stateDir('t'), 'picked.json'), 'utf8'));
    expect(picked).toMatchObject({ index: 2, mode: 'squash', branch: 'main' });
    expect(picked.commit).toBe(repo.git(['rev-parse', 'main']).trim());
    const status = await repo.run(['status', 't', '--json']);
    expect(JSON.parse(status.stdout).candidates.map((c: { picked?: unknown }) => !!c.picked)).toEqual([
      false,
      true,
      false,
    ]);
    expect((await repo.run(['status', 't'])).stdout).toMatch(/#2 .*picked \(squash into main\)/);
    const compare = await repo.run(['compare', 't', '--json', '--no-eval']);
    const json = JSON.parse(compare.stdout);
    expect(json.candidates[1].picked).toMatchObject({ mode: 'squash' });
    expect(json.candidates[0].picked).toBeNull();
    expect((await repo.run(['compare', 't', '--no-eval'])).stdout).toMatch(/t-2 picked \(squash\)/);
  });

  it('down --clean counts squashed and cherry-picked work as in the base', async () => {
    const pick = await repo.run(['pick', 't', '3', '--cherry-pick']);
    expect(pick.code, pick.stderr).toBe(0);
    await repo.run(['down', 't']);
    const clean = await repo.run(['down', 't', '--clean']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stderr).toMatch(/Removed 2 candidate/);
    expect(clean.stderr).toMatch(/#1 .*1 commit not in main/);
    expect(existsSync(repo.worktree('t', 2))).toBe(false);
    expect(existsSync(repo.worktree('t', 3))).toBe(false);
    expect(existsSync(repo.worktree('t', 1))).toBe(true);
  });

  it('restore applies copy and setup again', async () => {
    const force = await repo.run(['down', 't', '--clean', '--force']);
    expect(force.code, force.stderr).toBe(0);
    expect(existsSync(repo.worktree('t', 1))).toBe(false);
    writeFileSync(setupLog, '');
    const restore = await repo.run(['restore', 't']);
    expect(restore.code, restore.stderr).toBe(0);
    expect(readFileSync(join(repo.worktree('t', 1), '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(readFileSync(setupLog, 'utf8')).toBe('1\n');
    expect(restore.stderr).toMatch(/copied \.env and ran setup/);
  });

  it('leaves no empty worktrees folder once the last candidate is removed', async () => {
    const clean = await repo.run(['down', 't', '--clean', '--force']);
    expect(clean.code, clean.stderr).toBe(0);
    // The worktrees were moved aside at once; their files and the folder go in the background.
    await waitFor(() => !existsSync(join(repo.parent, 'repo-worktrees')));
  });
});
