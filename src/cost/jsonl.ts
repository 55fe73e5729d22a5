import { open, readFile } from 'node:fs/promises';

/** Each parseable JSON line of a file whose text contains `needle` (others are skipped unparsed). */
export async function jsonLines(file: string, needle?: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const values: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line || (needle && !line.includes(needle))) continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      // A line being written right now, or not JSON: not ours to judge.
    }
  }
  return values;
}

/** The first line of a file, read without loading the whole file (at most `limit` bytes). */
export async function firstLine(file: string, limit = 64 * 1024): Promise<string> {
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const buffer = Buffer.alloc(limit);
    const { bytesRead } = await handle.read(buffer, 0, limit, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    return end < 0 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}
