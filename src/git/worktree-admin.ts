import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pruneWorktrees, unlockWorktree, type WorktreeEntry } from './worktrees.js';

/*
 * What git keeps about each linked worktree in `<common-dir>/worktrees/<id>/`, read directly:
 * `git worktree list` cannot read a registration that a killed `git worktree add` left half
 * written, and only the worktree's own HEAD reflog remembers a branch deleted under it.
 */

export interface AdminEntry {
  /** `<common-dir>/worktrees/<id>` */
  dir: string;
  /** Lock reason ('' when locked without one); `initializing` while `git worktree add` runs. */
  locked?: string;
  /** gitdir, commondir and HEAD all there: git can read it. */
  complete: boolean;
  /**
   * Left by a killed `git worktree add`: it writes `locked` (\`initializing\`) first, then
   * `gitdir`, `commondir`, `HEAD`; killed before `gitdir`, the lock may be missing or empty.
   */
  interrupted: boolean;
  head?: string;
  branch?: string;
}

/**
 * Worktree path → its administrative directory, read from the files git keeps there. A
 * registration without its `gitdir` file (killed right after `git worktree add` made the
 * directory) is matched to a candidate by name, as git names it after the worktree's basename.
 */
export async function worktreeAdmin(
  commonDir: string,
  candidates: string[],
): Promise<Map<string, AdminEntry>> {
  const root = join(commonDir, 'worktrees');
  const ids = await readdir(root).catch(() => [] as string[]);
  const map = new Map<string, AdminEntry>();
  await Promise.all(
    ids.map(async (id) => {
      const dir = join(root, id);
      const read = (name: string) =>
        readFile(join(dir, name), 'utf8').then(
          (t) => t.trim(),
          () => undefined,
        );
      const [gitdir, locked, commondir, head] = await Promise.all([
        read('gitdir'),
        read('locked'),
        read('commondir'),
        read('HEAD'),
      ]);
      const path = gitdir
        ? resolve(dirname(gitdir))
        : candidates.find((p) => new RegExp(`^${escapeRegExp(basename(p))}\\d*$`).test(id));
      if (!path) return;
      const entry: AdminEntry = {
        dir,
        locked,
        complete: !!(gitdir && commondir && head),
        interrupted: locked === 'initializing' || (!gitdir && !locked),
      };
      if (head?.startsWith('ref: refs/heads/')) entry.branch = head.slice('ref: refs/heads/'.length);
      else if (head && /^[0-9a-f]{40,64}$/.test(head)) entry.head = head;
      map.set(path, entry);
    }),
  );
  return map;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What `git worktree list` would say about the linked worktrees, when it cannot say it. */
export function worktreesFromAdmin(admin: Map<string, AdminEntry>): WorktreeEntry[] {
  return [...admin].map(([path, entry]) => ({
    path,
    head: entry.head,
    branch: entry.branch,
    prunable: !existsSync(path) && entry.locked === undefined,
  }));
}

/**
 * Removes a worktree whose `git worktree add` was killed half-way (git's own `initializing`
 * lock is still there): it holds only part of a checkout, and its agent never started. A
 * registration killed before git wrote all of its files (`adminDir`) is removed by hand, since
 * git cannot read it; its directory only when git made it (it has nothing but git's `.git` file).
 */
export async function discardWorktree(root: string, path: string, adminDir?: string): Promise<void> {
  if (adminDir) {
    const known = existsSync(join(adminDir, 'gitdir'));
    await rm(adminDir, { recursive: true, force: true });
    const entries = await readdir(path).catch(() => undefined);
    if (entries && (known || entries.every((e) => e === '.git')))
      await rm(path, { recursive: true, force: true });
  } else {
    await unlockWorktree(root, path).catch(() => undefined);
    await rm(path, { recursive: true, force: true });
  }
  await pruneWorktrees(root);
}
