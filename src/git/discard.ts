import { mkdir, readdir, rename, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { spawnGroup } from '../proc/spawn.js';
import { dirtyFiles, removeWorktree } from './worktrees.js';

/** Beside the worktrees (so on their file system): worktrees moved out of the way, being deleted. */
export const trashDir = (worktree: string) => join(dirname(worktree), '.parallel-trash');

/**
 * Removes a worktree without making anyone wait for its files: it is renamed into the trash
 * beside it (one step, so an interrupted command never leaves a half-deleted worktree at its
 * path) and a detached `rm -rf` deletes it in the background. Git still lists it (prunable)
 * until the caller runs `git worktree prune`, once for all it discarded. Without `force` a
 * worktree with changes or untracked files is refused, as `git worktree remove` does.
 * → git's or the file system's message on failure.
 */
export async function discardWorktree(
  root: string,
  path: string,
  force = false,
): Promise<string | undefined> {
  if (!force) {
    const dirty = await dirtyFiles(path).catch(() => []);
    if (dirty.length) return `'${path}' contains modified or untracked files, use --force to delete it`;
  }
  const trash = trashDir(path);
  const aside = join(trash, `${basename(path)}-${process.pid}-${Date.now().toString(36)}`);
  if (!(await moveAside(path, trash, aside))) {
    // Another file system, or a permission: git removes it in place.
    const failure = await removeWorktree(root, path, force);
    if (!failure) await rmdir(dirname(path)).catch(() => undefined);
    return failure;
  }
  deleteInBackground(trash, [aside]);
  return undefined;
}

/**
 * Renames the worktree into the trash. An earlier discard's background delete removes the trash
 * once it is empty, possibly between our mkdir and rename (ENOENT): make it again and retry.
 */
async function moveAside(path: string, trash: string, aside: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await mkdir(trash, { recursive: true });
      await rename(path, aside);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
  }
  return false;
}

/** Deletes what an interrupted earlier command left in the trash beside these worktrees. */
export async function finishDiscards(worktrees: string[]): Promise<void> {
  for (const trash of new Set(worktrees.map(trashDir))) {
    const left = await readdir(trash).catch(() => [] as string[]);
    if (left.length)
      deleteInBackground(
        trash,
        left.map((name) => join(trash, name)),
      );
    // An empty trash goes, and the shared worktrees folder with it when that was its last entry.
    else
      await rmdir(trash).then(
        () => rmdir(dirname(trash)).catch(() => undefined),
        () => undefined,
      );
  }
}

/** A detached `rm -rf` that outlives this command; it then removes the trash and its folder if empty. */
function deleteInBackground(trash: string, entries: string[]): void {
  const script =
    'rm -rf -- "$@"; rmdir -- "$0" 2>/dev/null && rmdir -- "$(dirname -- "$0")" 2>/dev/null; exit 0';
  const child = spawnGroup('sh', ['-c', script, trash, ...entries], { stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
