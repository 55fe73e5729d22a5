import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { type ArchiveManifest, branchRef } from './archive.js';
import { git, gitOk } from './run.js';
import { worktreeAdd } from './worktrees.js';

/** Brings the branches of an archive back from its bundle (or straight from the base's history). */
export async function restoreRefs(root: string, dir: string, manifest: ArchiveManifest): Promise<void> {
  const heads = manifest.bundle
    ? new Set(
        (await gitOk(root, ['bundle', 'list-heads', join(dir, manifest.bundle)]))
          .split('\n')
          .map((l) => l.split(' ')[1])
          .filter(Boolean),
      )
    : new Set<string>();
  const refspecs: string[] = [];
  for (const c of manifest.candidates) {
    const ref = branchRef(c);
    // A remote candidate's refs here only mirror its host (and may still be here): replaced.
    const force = c.host ? '+' : '';
    if (c.commit && heads.has(ref)) refspecs.push(`${force}${ref}:${ref}`);
    if (c.wip && heads.has(c.wip.ref)) refspecs.push(`+${c.wip.ref}:${c.wip.ref}`);
    if (c.detachedHead && heads.has(c.detachedHead.ref)) {
      refspecs.push(`${c.detachedHead.ref}:${c.detachedHead.ref}`);
    }
  }
  if (refspecs.length) {
    await gitOk(root, [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-write-fetch-head',
      join(dir, manifest.bundle!),
      ...refspecs,
    ]);
  }
  // Refs whose commits the base still holds were left out of the bundle: create them directly.
  for (const c of manifest.candidates) {
    if (c.commit && !heads.has(branchRef(c))) {
      await gitOk(root, ['update-ref', branchRef(c), c.commit, ...(c.host ? [] : [''])]);
    }
  }
}

/** The candidate's worktree as archived: on its branch (or detached), staged, unstaged and untracked files. */
export async function restoreWorktree(root: string, dir: string, c: ArchiveManifest['candidates'][number]) {
  if (c.detachedHead) {
    await worktreeAdd(root, ['--quiet', '--detach', c.worktree, c.detachedHead.commit]);
    await git(root, ['update-ref', '-d', c.detachedHead.ref]);
  } else if (c.commit) {
    await worktreeAdd(root, ['--quiet', c.worktree, c.branch]);
  } else {
    return;
  }
  if (c.staged) await gitOk(c.worktree, ['apply', '--index', '--whitespace=nowarn', join(dir, c.staged)]);
  if (c.unstaged) await gitOk(c.worktree, ['apply', '--whitespace=nowarn', join(dir, c.unstaged)]);
  for (const path of c.untracked) {
    await cp(join(dir, String(c.index), 'untracked', path), join(c.worktree, path), {
      recursive: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
      errorOnExist: true,
      force: false,
    });
  }
}
