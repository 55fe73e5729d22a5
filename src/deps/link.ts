import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { linkStore } from './store.js';
import { walk } from './walk.js';

/**
 * How a directory tree (typically `node_modules`) is put into a new worktree:
 * - `reflink`: copy-on-write clones (btrfs, XFS, APFS, ZFS 2.2…): independent files, no data
 *   copied, but one file-system operation per file.
 * - `hardlink`: the same files under a second name (pnpm's store does this): one cheap
 *   operation per file; a file edited *in place* changes in every worktree (package managers
 *   write new files instead, so installs in one worktree do not leak into the others).
 * - `symlink`: a shared store: the directory is real, each top-level entry (package) a
 *   symlink into the source tree: one operation per package. Writes inside a package reach
 *   the source tree, and tools that refuse files outside the project root (Vite's dev-server
 *   allow list, Turbopack) see the packages outside it, so it is opt-in.
 * - `copy`: a plain copy.
 * `auto` (the default) takes reflink where the file system can clone, else hard links (same
 * file system), else a copy.
 */
export type LinkMethod = 'reflink' | 'hardlink' | 'symlink' | 'copy';

export interface LinkOptions {
  /** Default: the `PARALLEL_LINK_METHOD` environment variable, else `auto`. */
  method?: LinkMethod | 'auto';
}

const METHODS: readonly string[] = ['reflink', 'hardlink', 'symlink', 'copy', 'auto'];

/**
 * Copies the directory `from` to `to` by the cheapest method that works; → the method used.
 * A `to` that exists is merged into: files already there are kept, never overwritten.
 */
export async function linkTree(from: string, to: string, options: LinkOptions = {}): Promise<LinkMethod> {
  const wanted = options.method ?? envMethod() ?? 'auto';
  await mkdir(dirname(to), { recursive: true });
  const method = wanted === 'auto' ? await bestMethod(from, dirname(to)) : wanted;
  if (method === 'symlink') {
    await linkStore(from, to);
    return method;
  }
  if (!(await exists(to))) {
    try {
      if (await copyWithCp(method, from, to)) return method;
    } catch {
      // Fall back to the walk below, from scratch.
      await rm(to, { recursive: true, force: true });
    }
  }
  try {
    await walk(from, to, method);
    return method;
  } catch (error) {
    if (method === 'copy') throw error;
    await walk(from, to, 'copy');
    return 'copy';
  }
}

const probes = new Map<string, Promise<'reflink' | 'hardlink'>>();

/** Reflink where a clone of one real file succeeds, else hard links; a copy across file systems. */
async function bestMethod(from: string, toDir: string): Promise<'reflink' | 'hardlink' | 'copy'> {
  const [source, target] = await Promise.all([lstat(from), lstat(toDir)]);
  if (source.dev !== target.dev) return 'copy';
  const key = `${source.dev}`;
  let probe = probes.get(key);
  if (!probe) {
    probe = (async () => {
      const file = await firstFile(from);
      if (!file) return 'hardlink';
      const tmp = join(toDir, `.parallel-clone-probe-${process.pid}-${probes.size}`);
      try {
        await copyFile(file, tmp, constants.COPYFILE_FICLONE_FORCE);
        return 'reflink';
      } catch {
        return 'hardlink';
      } finally {
        await rm(tmp, { force: true });
      }
    })();
    probes.set(key, probe);
  }
  return probe;
}

/** Some regular file inside `dir` (breadth-first, a few levels deep), to probe the file system with. */
async function firstFile(dir: string, depth = 4): Promise<string | undefined> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const file = entries.find((e) => e.isFile());
  if (file) return join(dir, file.name);
  if (depth === 0) return undefined;
  for (const entry of entries.filter((e) => e.isDirectory()).slice(0, 8)) {
    const found = await firstFile(join(dir, entry.name), depth - 1);
    if (found) return found;
  }
  return undefined;
}

function envMethod(): LinkMethod | 'auto' | undefined {
  const value = process.env.PARALLEL_LINK_METHOD;
  return value && METHODS.includes(value) ? (value as LinkMethod | 'auto') : undefined;
}

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  );

/**
 * One `cp` process for the whole tree where the platform's cp can do it (GNU: `--reflink=always`,
 * `-l`; macOS: `-c` clones): far fewer round trips than a file-by-file walk. → false when this
 * platform's cp has no such option; throws when cp fails (not supported by the file system, …).
 */
async function copyWithCp(
  method: Exclude<LinkMethod, 'symlink'>,
  from: string,
  to: string,
): Promise<boolean> {
  const args = cpArgs(method);
  if (!args) return false;
  await new Promise<void>((resolve, reject) => {
    execFile('cp', [...args, from, to], { encoding: 'utf8' }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`cp ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
  return true;
}

function cpArgs(method: Exclude<LinkMethod, 'symlink'>): string[] | undefined {
  if (process.platform === 'linux') {
    if (method === 'reflink')
      return ['-R', '--no-dereference', '--preserve=mode,timestamps', '--reflink=always', '-T'];
    if (method === 'hardlink') return ['-R', '--no-dereference', '--link', '-T'];
    return ['-R', '--no-dereference', '--preserve=mode,timestamps', '-T'];
  }
  if (process.platform === 'darwin' && method === 'reflink') return ['-c', '-R', '-p'];
  return undefined;
}
