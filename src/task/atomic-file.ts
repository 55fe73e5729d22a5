import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises';

/**
 * Writes `file` whole or not at all: the content goes to a temporary file beside it, is synced
 * to disk, then renamed over `file`, so a reader (or a crash) sees the old content or the new,
 * never a part. `mode`: the file's permissions; without it, an existing file keeps its own.
 */
export async function replaceFile(file: string, content: string, mode?: number): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const keep =
    mode ??
    (await stat(file).then(
      (s) => s.mode & 0o7777,
      () => undefined,
    ));
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', keep ?? 0o666);
    await handle.writeFile(content);
    // open() applied the umask; an explicit or existing mode is kept as it is.
    if (keep !== undefined) await handle.chmod(keep);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}
