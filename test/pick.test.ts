import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture, git, upTask } from './support/task-fixture.js';

const tip = (fx: Fixture, ref: string) => git(fx.repo, 'rev-parse', ref);

async function assertUntouched(fx: Fixture, before: string) {
  expect(await tip(fx, 'main')).toBe(before);
  expect(existsSync(join(fx.commonDir, 'MERGE_HEAD'))).toBe(false);
  expect(existsSync(join(fx.commonDir, 'CHERRY_PICK_HEAD'))).toBe(false);
  expect(await git(fx.repo, 'status', '--porcelain', '--untracked-files=no')).toBe('');
}

describe('parallel pick', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture();
    await upTask(fx, 'own', 3); // each candidate adds its own file
    await upTask(fx, 'clash', 3, { FAKE_AGENT_EDIT: 'shared' }); // all edit shared.txt
  });
  afterAll(() => fx?.cleanup());

  it('merges a candidate into the base branch where it is checked out; the others stay', async () => {
    const before = await tip(fx, 'main');
    const result = await fx.cli(['pick', 'own', '2']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('Merged candidate 2 (own-2, 1 commit) into main');
    const parents = (await git(fx.repo, 'rev-list', '--parents', '-n1', 'main')).split(' ');
    expect(parents.slice(1)).toEqual([before, await tip(fx, 'own-2')]);
    expect(readFileSync(join(fx.repo, 'candidate-2.txt'), 'utf8')).toBe('candidate 2 was here\n');
    expect(await git(fx.repo, 'status', '--porcelain')).toBe('');
    for (const b of ['own-1', 'own-2', 'own-3']) await tip(fx, b);
  });

  it('refuses a candidate with nothing new, and an unknown candidate', async () => {
    const again = await fx.cli(['pick', 'own', '2']);
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain('has no commits that main does not already have');
    const unknown = await fx.cli(['pick', 'own', '7']);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('has no candidate 7');
  });

  it('refuses when the base worktree has uncommitted changes, changing nothing', async () => {
    const before = await tip(fx, 'main');
    await writeFile(join(fx.repo, 'README.md'), '# local edit\n');
    const result = await fx.cli(['pick', 'own', '1']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('which has 1 uncommitted change(s)');
    expect(result.stderr).toContain(`git -C ${fx.repo} stash push`);
    expect(await tip(fx, 'main')).toBe(before);
    expect(readFileSync(join(fx.repo, 'README.md'), 'utf8')).toBe('# local edit\n');
    await git(fx.repo, 'checkout', '--', 'README.md');
  });

  it('aborts a conflicting merge: base branch unchanged, nothing half-merged, exact commands given', async () => {
    expect((await fx.cli(['pick', 'clash', '1'])).exitCode).toBe(0);
    const before = await tip(fx, 'main');
    const result = await fx.cli(['pick', 'clash', '2']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('stopped with conflicts in shared.txt');
    expect(result.stderr).toContain(`cd ${fx.repo}\`, \`git merge --no-ff clash-2\``);
    await assertUntouched(fx, before);
  });

  it('aborts a conflicting squash (reset --merge) and cherry-pick too', async () => {
    const before = await tip(fx, 'main');
    const squash = await fx.cli(['pick', 'clash', '3', '--squash']);
    expect(squash.exitCode).not.toBe(0);
    expect(squash.stderr).toContain('git merge --squash clash-3');
    await assertUntouched(fx, before);
    const cherry = await fx.cli(['pick', 'clash', '3', '--cherry-pick']);
    expect(cherry.exitCode).not.toBe(0);
    expect(cherry.stderr).toContain('git cherry-pick --continue');
    await assertUntouched(fx, before);
  });

  it('squashes into one commit, cherry-picks commit by commit', async () => {
    const wt = fx.worktree('own', 3);
    await writeFile(join(wt, 'more.txt'), 'more\n');
    await git(wt, 'add', 'more.txt');
    await git(wt, 'commit', '-q', '-m', 'second commit of 3');
    const before = await tip(fx, 'main');
    const squash = await fx.cli(['pick', 'own', '3', '--squash']);
    expect(squash.exitCode, squash.stderr).toBe(0);
    expect(await git(fx.repo, 'rev-list', '--parents', '-n1', 'main')).toBe(
      `${await tip(fx, 'main')} ${before}`,
    );
    expect(await git(fx.repo, 'log', '-1', '--format=%B', 'main')).toContain('* second commit of 3');
    const cherry = await fx.cli(['pick', 'own', '1', '--cherry-pick']);
    expect(cherry.exitCode, cherry.stderr).toBe(0);
    expect(await git(fx.repo, 'log', '-1', '--format=%s', 'main')).toBe('fake agent 1');
    expect(await git(fx.repo, 'log', '-1', '--format=%an', 'main')).toBe('fake');
    const two = await fx.cli(['pick', 'own', '1', '--merge', '--squash']);
    expect(two.exitCode).toBe(2);
  });

  it('uses a temporary worktree when the base branch is not checked out anywhere', async () => {
    await upTask(fx, 'away', 1, { FAKE_AGENT_EDIT: 'none' });
    const wt = fx.worktree('away', 1);
    await writeFile(join(wt, 'away.txt'), 'away\n');
    await git(wt, 'add', 'away.txt');
    await git(wt, 'commit', '-q', '-m', 'away');
    await git(fx.repo, 'switch', '-q', '-c', 'elsewhere');
    try {
      const before = await tip(fx, 'main');
      const result = await fx.cli(['pick', 'away', '1']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(await git(fx.repo, 'rev-parse', 'main^2')).toBe(await tip(fx, 'away-1'));
      expect(await git(fx.repo, 'rev-parse', 'main^1')).toBe(before);
      expect(await git(fx.repo, 'symbolic-ref', '--short', 'HEAD')).toBe('elsewhere');
      expect(existsSync(join(fx.repo, 'away.txt'))).toBe(false);
      const worktrees = await git(fx.repo, 'worktree', 'list', '--porcelain');
      expect(worktrees).not.toContain('parallel-pick-');
    } finally {
      await git(fx.repo, 'switch', '-q', 'main');
    }
  });

  it('refuses a task based on a detached commit, and a missing identity', async () => {
    const sha = await tip(fx, 'main');
    // Its agent edits nothing: main already holds candidate-1.txt from the first pick, so the
    // fake agent's commit would be empty and it would fail at start.
    await upTask(fx, 'detached', 1, { FAKE_AGENT_EDIT: 'none' }, ['--base', sha]);
    const detached = await fx.cli(['pick', 'detached', '1']);
    expect(detached.exitCode).not.toBe(0);
    expect(detached.stderr).toContain('which is not a branch');
    await git(fx.repo, 'config', '--unset', 'user.name');
    try {
      const before = await tip(fx, 'main');
      const noId = await fx.cli(['pick', 'own', '3'], {
        GIT_CONFIG_GLOBAL: join(fx.tmp, 'no-such-gitconfig'),
        GIT_CONFIG_NOSYSTEM: '1',
      });
      expect(noId.exitCode).not.toBe(0);
      expect(noId.stderr).toContain('git has no user.name configured');
      expect(await tip(fx, 'main')).toBe(before);
    } finally {
      await git(fx.repo, 'config', 'user.name', 'Test User');
    }
  });
});
