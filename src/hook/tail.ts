import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The last `count` non-empty lines of a file after byte `from` (at most its last 16 KiB), without escape sequences. */
export function tailLines(file: string, count: number, from = 0): string[] {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const length = Math.max(0, Math.min(size - from, 16 * 1024));
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return lastLines(buffer.toString('utf8'), count);
  } catch {
    return [];
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Terminal output → its last `count` lines with text on them, colours and cursor moves removed. */
export function lastLines(text: string, count: number): string[] {
  return text
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '')
    .split(/\r?\n|\r/)
    .map((line) => line.trimEnd())
    .filter((line) => line.trim())
    .slice(-count);
}
