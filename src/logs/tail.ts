import { open } from 'node:fs/promises';

/**
 * The last `maxBytes` of a file, read from its end (a log of gigabytes costs one read), or
 * undefined when it cannot be read. `cut` says whether anything came before.
 */
export async function readTail(
  file: string,
  maxBytes: number,
): Promise<{ text: string; cut: boolean } | undefined> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, size - length);
    let text = buffer.subarray(0, bytesRead).toString('utf8');
    // Start at a line (and never inside a UTF-8 sequence) when the tail begins mid-file.
    if (size > length) text = text.slice(text.indexOf('\n') + 1 || 0);
    return { text, cut: size > length };
  } finally {
    await handle.close();
  }
}

/** The first `maxBytes` of a file, and its whole size; undefined when it cannot be read. */
export async function readHead(
  file: string,
  maxBytes: number,
): Promise<{ bytes: Buffer; size: number } | undefined> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(size, maxBytes));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { bytes: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/** The end of a capped log: its current file, and as much of its older half as fills `maxBytes`. */
export async function readLogTail(
  file: string,
  maxBytes: number,
): Promise<{ text: string; cut: boolean } | undefined> {
  const current = await readTail(file, maxBytes);
  if (!current || current.cut) return current;
  const room = maxBytes - Buffer.byteLength(current.text);
  const older = room > 0 ? await readTail(`${file}.1`, room) : undefined;
  if (!older) return current;
  return { text: older.text + current.text, cut: true };
}
