import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Per-worktree state that must not be shared: tool caches, npm's record of what it installed. */
const LOCAL = new Set(['.cache', '.vite', '.package-lock.json', '.yarn-state.yml', '.modules.yaml']);

/**
 * The shared-store layout: `to` is a real directory whose entries are symlinks to `from`'s
 * (one per package; `@scope/` directories hold one per scoped package), so module resolution
 * finds every package (and `.bin`, whose relative links resolve inside `from`) while caches
 * written into `to` stay per worktree. Existing entries are kept.
 */
export async function linkStore(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      if (LOCAL.has(entry.name)) return;
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      if (entry.name.startsWith('@') && entry.isDirectory()) return linkStore(source, target);
      await symlink(source, target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }),
  );
}
