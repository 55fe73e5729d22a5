/**
 * Removing a worktree moves it out of the way in one rename and deletes it in the background, so
 * an interrupted command never leaves a half-deleted worktree; the next command finishes it.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discardWorktree, finishDiscards, trashDir } from '../src/git/discard.js';
import { waitFor } from './support/wait.js';

let tmp: string;
let repo: string;
let folder: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd: repo,
    encoding: 'utf8',
  });
const worktrees = () => git('worktree', 'list', '--porcelain').match(/^worktree /gm)?.length ?? 0;

beforeEach(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'gp-discard-')));
  repo = join(tmp, 'repo');
  folder = join(tmp, 'repo-worktrees');
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  for (let i = 0; i < 200; i++) writeFileSync(join(repo, `f${i}.txt`), `${i}\n`);
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  for (const n of [1, 2]) git('worktree', 'add', '-q', '-b', `t-${n}`, join(folder, `t-${n}`));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('discardWorktree', () => {
  it('moves the worktree out of the way at once, git forgets it at the next prune, the files go in the background', async () => {
    const path = join(folder, 't-1');
    writeFileSync(join(path, 'scratch.txt'), 'uncommitted\n');
    expect(await discardWorktree(repo, path, true)).toBeUndefined();
    expect(existsSync(path)).toBe(false);
    // Still registered (prunable) until the caller's one prune for everything it discarded.
    expect(git('worktree', 'list', '--porcelain')).toMatch(/prunable/);
    expect(await discardWorktree(repo, join(folder, 't-2'), true)).toBeUndefined();
    git('worktree', 'prune');
    expect(worktrees()).toBe(1);
    // The trash, then the shared folder with it once it was the last worktree there.
    await waitFor(() => !existsSync(folder), { message: 'the worktrees folder deleted', timeout: 30_000 });
  });

  it('without force, refuses a worktree with untracked files and leaves it in place', async () => {
    const path = join(folder, 't-1');
    writeFileSync(join(path, 'scratch.txt'), 'mine\n');
    expect(await discardWorktree(repo, path)).toMatch(/modified or untracked files/);
    expect(existsSync(join(path, 'scratch.txt'))).toBe(true);
    expect(worktrees()).toBe(3);
  });

  it('a discard interrupted after its move (kill -9) is finished by the next command', async () => {
    const path = join(folder, 't-1');
    // What a killed command leaves: the worktree moved into the trash, its deletion not done.
    mkdirSync(trashDir(path));
    execFileSync('mv', [path, join(trashDir(path), 't-1-killed')]);
    git('worktree', 'prune');
    expect(readdirSync(trashDir(path))).toEqual(['t-1-killed']);
    await finishDiscards([path, join(folder, 't-2')]);
    await waitFor(() => !existsSync(trashDir(path)), { message: 'the trash emptied' });
    expect(existsSync(join(folder, 't-2', 'f0.txt'))).toBe(true);
  });
});
