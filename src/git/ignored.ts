import { lstat, readFile, readlink } from 'node:fs/promises';
import { gitBytes } from './run.js';

export interface IgnoredFile {
  /** Path relative to the worktree, as git's bytes. */
  path: Buffer;
  size: number;
}

/**
 * Ignored files of a worktree that are not exact copies of the same path in `baseRoot` (the
 * files `up` copied or linked in from the main worktree, untouched, are not work). Symlinks count
 * by their target. Paths stay bytes: a file name need not be UTF-8.
 */
export async function ignoredWork(worktree: string, baseRoot: string): Promise<IgnoredFile[]> {
  const out = await gitBytes(worktree, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard']);
  const work: IgnoredFile[] = [];
  for (const path of splitZ(out)) {
    const mine = await lstat(under(worktree, path)).catch(() => undefined);
    if (!mine || mine.isDirectory()) continue;
    if (!(await sameAsBase(under(worktree, path), under(baseRoot, path), mine))) {
      work.push({ path, size: mine.size });
    }
  }
  return work;
}

async function sameAsBase(file: Buffer, base: Buffer, mine: Awaited<ReturnType<typeof lstat>>) {
  const theirs = await lstat(base).catch(() => undefined);
  if (!theirs) return false;
  if (theirs.dev === mine.dev && theirs.ino === mine.ino) return true;
  if (mine.isSymbolicLink() || theirs.isSymbolicLink()) {
    if (!mine.isSymbolicLink() || !theirs.isSymbolicLink()) return false;
    const [a, b] = await Promise.all([readlink(file, 'buffer'), readlink(base, 'buffer')]);
    return a.equals(b);
  }
  if (!mine.isFile() || !theirs.isFile() || mine.size !== theirs.size || mine.mode !== theirs.mode)
    return false;
  const [a, b] = await Promise.all([readFile(file), readFile(base)]);
  return a.equals(b);
}

/** `dir/relative` as bytes. */
export const under = (dir: string, relative: Buffer): Buffer =>
  Buffer.concat([Buffer.from(dir.endsWith('/') ? dir : `${dir}/`), relative]);

/** Entries of git's `-z` output, as bytes. */
export function splitZ(out: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = out.indexOf(0); i >= 0; i = out.indexOf(0, start)) {
    if (i > start) parts.push(out.subarray(start, i));
    start = i + 1;
  }
  if (start < out.length) parts.push(out.subarray(start));
  return parts;
}

/** A path for messages (not for the file system): invalid UTF-8 shows as escapes. */
export function displayPath(path: Buffer): string {
  const text = path.toString('utf8');
  return Buffer.from(text).equals(path) ? text : JSON.stringify(path.toString('latin1')).slice(1, -1);
}
