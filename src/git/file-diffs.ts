import { gitStream } from './stream.js';

/** One file's part of a unified diff, kept up to a byte cap. */
export interface FileDiff {
  /** The path as on the `diff --git` line (both sides are the same: renames are off). */
  path: string;
  /** The diff text up to the cap, cut at a line end. */
  text: Buffer;
  /** Size of the whole file's diff, kept or not. */
  bytes: number;
  cut: boolean;
}

const DIFF_ARGS = ['-c', 'core.quotePath=false', 'diff', '--no-ext-diff', '--no-color', '--no-renames'];

/** Base commit → tip, file by file, as git writes it (never the whole diff in memory). */
export const committedFileDiffs = (cwd: string, from: string, to: string, maxFileBytes: number) =>
  splitFileDiffs(gitStream(cwd, [...DIFF_ARGS, from, to, '--']), maxFileBytes);

/** A worktree's tracked changes against its HEAD (staged and unstaged), file by file. */
export const uncommittedFileDiffs = (worktree: string, maxFileBytes: number) =>
  splitFileDiffs(gitStream(worktree, [...DIFF_ARGS, 'HEAD', '--']), maxFileBytes);

const HEADER = Buffer.from('diff --git ');
/** A line longer than this is not kept whole while waiting for its end. */
const MAX_PENDING = 1024 * 1024;

interface Pending {
  path: string;
  parts: Buffer[];
  kept: number;
  bytes: number;
  cut: boolean;
}

/**
 * Splits a unified diff into files at each `diff --git ` line (content lines always start with
 * a space, `+`, `-`, `\` or `@`, so the header cannot be mistaken).
 */
export async function* splitFileDiffs(
  chunks: AsyncIterable<Buffer>,
  maxFileBytes: number,
): AsyncGenerator<FileDiff> {
  let current: Pending | undefined;
  let rest: Buffer = Buffer.alloc(0);
  let midLine = false;
  for await (const chunk of chunks) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const line = buf.subarray(start, nl + 1);
      start = nl + 1;
      if (!midLine && isHeader(line)) {
        if (current) yield done(current);
        current = {
          path: headerPath(line),
          parts: [line],
          kept: line.length,
          bytes: line.length,
          cut: false,
        };
      } else if (current) add(current, line, maxFileBytes, midLine);
      midLine = false;
    }
    rest = Buffer.from(buf.subarray(start));
    if (rest.length > MAX_PENDING && current) {
      current.bytes += rest.length;
      current.cut = true;
      rest = Buffer.alloc(0);
      midLine = true;
    }
  }
  if (rest.length && current) add(current, rest, maxFileBytes, midLine);
  if (current) yield done(current);
}

function add(file: Pending, line: Buffer, max: number, partial: boolean): void {
  file.bytes += line.length;
  if (!file.cut && !partial && file.kept + line.length <= max) {
    file.parts.push(line);
    file.kept += line.length;
  } else file.cut = true;
}

const done = (file: Pending): FileDiff => ({
  path: file.path,
  text: Buffer.concat(file.parts),
  bytes: file.bytes,
  cut: file.cut,
});

const isHeader = (line: Buffer) =>
  line.length > HEADER.length && line.subarray(0, HEADER.length).equals(HEADER);

/** `diff --git a/P b/P` or, when P needs quoting, `diff --git "a/P" "b/P"`. */
export function headerPath(line: Buffer): string {
  const text = line.toString('utf8', HEADER.length).replace(/\n$/, '');
  if (text.startsWith('"')) return unquote(text).slice(2);
  return text.slice(2, 2 + (text.length - 5) / 2);
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Git's C-style quoting of the first quoted word (octal escapes are UTF-8 bytes). */
function unquote(text: string): string {
  const bytes: number[] = [];
  for (let i = 1; i < text.length && text[i] !== '"'; i++) {
    const ch = text[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch));
      continue;
    }
    const next = text[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(text.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(...Buffer.from(ESCAPES[next] ?? next));
  }
  return Buffer.from(bytes).toString('utf8');
}
