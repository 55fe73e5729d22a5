import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, realpath, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  addPoolWorktree,
  attachNewBranch,
  isPristine,
  listPoolWorktrees,
  moveWorktree,
  type PoolWorktree,
  removePoolWorktree,
  renameAdminDir,
  switchToNewBranch,
} from '../git/pool.js';
import { postCheckout, pruneWorktrees } from '../git/worktrees.js';

/**
 * The worktree pool: ready checkouts under `<worktrees dir>/.pool/`, detached at a recent base,
 * that `up` moves into place instead of checking out a new worktree. An entry never holds
 * anyone's work: it is made by `fill`, taken whole by `up` only while it has no changes, and
 * removed by `drain` only while it has none.
 */
export interface Pool {
  root: string;
  dir: string;
}

/** Entries ready to take (checked out, unlocked), and those still being made. */
export async function poolEntries(pool: Pool): Promise<{ ready: PoolWorktree[]; filling: PoolWorktree[] }> {
  const dir = await realpath(pool.dir).catch(() => pool.dir);
  const all = await listPoolWorktrees(pool.root, dir);
  return { ready: all.filter((e) => !e.locked), filling: all.filter((e) => e.locked) };
}

/**
 * Adds entries at `commit` until the pool holds `size`, one at a time (it runs in the
 * background and must leave the machine to the agents). One fill per repository at a time:
 * a second returns at once. → the number of entries made.
 */
export async function fillPool(pool: Pool, size: number, commit: string): Promise<number> {
  const unlock = await lockPool(pool);
  if (!unlock) return 0;
  let made = 0;
  try {
    await pruneWorktrees(pool.root);
    const { ready } = await poolEntries(pool);
    for (let have = ready.length; have < size; have++) {
      await addPoolWorktree(pool.root, join(pool.dir, `pool-${randomBytes(4).toString('hex')}`), commit);
      made++;
    }
  } finally {
    await unlock();
  }
  return made;
}

/**
 * This process's view of each pool (by directory): the ready entries as listed once, and those
 * it already took or tried. Listing once per command keeps `up` ×N from running N `worktree
 * list`s; an entry another process took meanwhile makes our `worktree move` fail, and the next
 * entry is tried.
 */
const views = new Map<string, { ready: Promise<PoolWorktree[]>; tried: Set<string> }>();
function viewOf(pool: Pool) {
  let view = views.get(pool.dir);
  if (!view) {
    view = {
      ready: poolEntries(pool).then(
        (e) => e.ready,
        () => [],
      ),
      tried: new Set(),
    };
    views.set(pool.dir, view);
  }
  return view;
}

/**
 * Moves a ready entry to `path` and puts it on a new `branch` at `commit`, touching only the
 * files that differ (none when the entry is at `commit`). → false (nothing changed) when the
 * pool has no usable entry; the caller then makes a fresh worktree. An entry with changes is
 * left where it is. Several takes run at once: each claims a different entry.
 */
export async function takeFromPool(
  pool: Pool,
  path: string,
  branch: string,
  commit: string,
): Promise<boolean> {
  const claimed = await claimEntry(pool, path);
  if (!claimed) return false;
  const atCommit = claimed.head === commit;
  try {
    if (atCommit) await attachNewBranch(pool.root, path, branch, commit);
    else await switchToNewBranch(path, branch, commit);
  } catch {
    // The branch exists or the switch failed: give the entry back, untouched, and go fresh.
    await moveWorktree(pool.root, path, claimed.path);
    return false;
  }
  // `checkout -b` ran the hook itself.
  if (atCommit) await postCheckout(pool.root, path, commit);
  return true;
}

/** → the entry (as it was in the pool) once it is at `path`, or undefined. */
async function claimEntry(pool: Pool, path: string): Promise<PoolWorktree | undefined> {
  const view = viewOf(pool);
  const ready = await view.ready;
  if (ready.length === 0) return undefined;
  await mkdir(dirname(path), { recursive: true });
  for (const entry of ready) {
    if (view.tried.has(entry.path)) continue;
    view.tried.add(entry.path);
    if (!(await moveWorktree(pool.root, entry.path, path))) continue;
    if (await isPristine(path)) {
      await renameAdminDir(path);
      return entry;
    }
    await moveWorktree(pool.root, path, entry.path);
  }
  return undefined;
}

/** Removes every entry without changes. → what was removed and what was kept (with changes). */
export async function drainPool(pool: Pool): Promise<{ removed: string[]; kept: string[] }> {
  const unlock = await lockPool(pool, { wait: true });
  const removed: string[] = [];
  const kept: string[] = [];
  try {
    const { ready, filling } = await poolEntries(pool);
    // With the lock held no fill is running: a locked entry was left by a killed one.
    for (const entry of [...ready, ...filling]) {
      if (await removePoolWorktree(pool.root, entry.path, entry.locked)) removed.push(entry.path);
      else kept.push(entry.path);
    }
  } finally {
    await unlock?.();
  }
  await rmdir(pool.dir).catch(() => undefined);
  return { removed, kept };
}

/**
 * `<pool dir>/.lock` holding the filler's pid; a lock whose process is gone is taken over.
 * → the release, or undefined when another live process holds it (and `wait` is not set).
 */
async function lockPool(pool: Pool, { wait = false } = {}): Promise<(() => Promise<void>) | undefined> {
  const file = join(pool.dir, '.lock');
  await mkdir(pool.dir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    // Written whole under another name, then linked: nobody ever reads a lock without its pid.
    const mine = `${file}.${process.pid}`;
    await writeFile(mine, String(process.pid));
    try {
      await link(mine, file);
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(mine, { force: true });
    }
    const holder = Number(await readFile(file, 'utf8').catch(() => ''));
    if (!alive(holder)) {
      await rm(file, { force: true });
      continue;
    }
    if (!wait || attempt > 600) return undefined;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
