import { constants } from 'node:fs';
import { copyFile, link, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';

/** File by file, all in flight at once (libuv queues them); existing entries in `to` are kept. */
export async function walk(from: string, to: string, method: 'reflink' | 'hardlink' | 'copy'): Promise<void> {
  await mkdir(to, { recursive: true });
  const entries = await readdir(from, { withFileTypes: true });
  const mode = method === 'reflink' ? constants.COPYFILE_FICLONE_FORCE : 0;
  await Promise.all(
    entries.map(async (entry) => {
      const source = join(from, entry.name);
      const target = join(to, entry.name);
      try {
        if (entry.isDirectory()) await walk(source, target, method);
        else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
        else if (method === 'hardlink') await link(source, target);
        else await copyFile(source, target, mode | constants.COPYFILE_EXCL);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }),
  );
}
