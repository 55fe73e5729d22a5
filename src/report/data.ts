import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type { CompareJson } from '../compare/types.js';
import { committedFileDiffs, type FileDiff, uncommittedFileDiffs } from '../git/file-diffs.js';
import { readHead } from '../logs/tail.js';
import type { Index, Kind, ReportCaps } from './rows.js';

/** A data block's entry flags. */
export const CUT = 1;
export const BINARY = 2;
export const UNREADABLE = 4;

/** What went into the page's data blocks. */
export interface Embedded {
  /** `${position}${kind}` → per row: 0 not embedded, 1 whole, 2 cut. */
  marks: Map<string, Uint8Array>;
  cut: number;
  leftOut: number;
  /** Diff bytes embedded (before compression). */
  bytes: number;
}

export type Sink = (text: string) => Promise<void>;

/**
 * Writes one data block per candidate and kind of change: a line per file with its deflated
 * text (base64), which the page inflates when the file is opened. Reads one file's diff at a
 * time from git's stream; nothing holds a whole diff.
 */
export async function writeDiffData(
  sink: Sink,
  repoRoot: string,
  json: CompareJson,
  index: Index,
  caps: ReportCaps,
): Promise<Embedded> {
  const embedded: Embedded = { marks: new Map(), cut: 0, leftOut: 0, bytes: 0 };
  const block = async (pos: number, kind: Kind, files: AsyncGenerator<FileDiff>) => {
    const marks = new Uint8Array(index.rows.length);
    embedded.marks.set(`${pos}${kind}`, marks);
    await sink(`<script type="application/x-parallel-diff" id="z-${pos}-${kind}">\n`);
    const chunks = new Chunker(sink);
    for await (const file of files) {
      const row = index.rowOf.get(file.path);
      if (row === undefined) continue;
      if (embedded.bytes + file.text.length > caps.maxReportBytes) {
        await files.return(undefined);
        break;
      }
      embedded.bytes += file.text.length;
      marks[row] = file.cut ? 2 : 1;
      if (file.cut) embedded.cut++;
      await chunks.add(row, file);
    }
    await chunks.flush();
    await sink('</script>\n');
  };
  for (const [pos, c] of json.candidates.entries()) {
    const has = (kind: Kind) =>
      index.rows.some((r) => {
        const cell = r.cells[pos];
        return cell && (kind === 'c' ? cell.committed : kind === 'u' ? cell.uncommitted : cell.untracked);
      });
    if (c.head && c.head !== json.base.commit && has('c')) {
      await block(pos, 'c', committedFileDiffs(repoRoot, json.base.commit, c.head, caps.maxFileBytes));
    }
    if (c.worktreeExists && has('u')) {
      await block(pos, 'u', uncommittedFileDiffs(c.worktree, caps.maxFileBytes));
    }
    if (c.worktreeExists && has('n')) {
      await block(pos, 'n', untrackedFiles(c.worktree, c.untracked, index, caps.maxFileBytes));
    }
  }
  countLeftOut(embedded, json, index);
  return embedded;
}

/** Untracked files' content, capped, as if each were a diff (the page shows it as added). */
async function* untrackedFiles(
  worktree: string,
  paths: string[],
  index: Index,
  maxFileBytes: number,
): AsyncGenerator<FileDiff> {
  for (const path of paths) {
    if (!index.rowOf.has(path)) continue;
    const head = await readHead(join(worktree, path), maxFileBytes).catch(() => undefined);
    if (!head) {
      yield { path, text: Buffer.alloc(0), bytes: -1, cut: false };
      continue;
    }
    yield { path, text: head.bytes, bytes: head.size, cut: head.size > head.bytes.length };
  }
}

/** Raw bytes deflated together: files of one candidate compress far better side by side. */
const CHUNK_BYTES = 256 * 1024;

/**
 * A data block's lines: `row,flags,bytes,chunk,start,end` per file (its text is bytes
 * start…end of the inflated chunk), and `=chunk,<base64 of deflate-raw>` per chunk.
 */
class Chunker {
  private parts: Buffer[] = [];
  private lines: string[] = [];
  private size = 0;
  private chunk = 0;
  constructor(private readonly sink: Sink) {}

  async add(row: number, file: FileDiff): Promise<void> {
    if (file.bytes < 0) {
      this.lines.push(`${row},${UNREADABLE},0,-1,0,0`);
      return;
    }
    const binary = file.text.subarray(0, 8000).includes(0);
    const flags = (file.cut ? CUT : 0) | (binary ? BINARY : 0);
    const text = binary ? Buffer.alloc(0) : file.text;
    this.lines.push(`${row},${flags},${file.bytes},${this.chunk},${this.size},${this.size + text.length}`);
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK_BYTES) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.lines.length) return;
    const data = deflateRawSync(Buffer.concat(this.parts)).toString('base64');
    await this.sink(`${this.lines.join('\n')}\n=${this.chunk},${data}\n`);
    this.chunk++;
    this.parts = [];
    this.lines = [];
    this.size = 0;
  }
}

function countLeftOut(embedded: Embedded, json: CompareJson, index: Index): void {
  json.candidates.forEach((_, pos) => {
    for (const [row, r] of index.rows.entries()) {
      const cell = r.cells[pos];
      if (!cell) continue;
      const kinds: Kind[] = [];
      if (cell.committed) kinds.push('c');
      if (cell.uncommitted) kinds.push('u');
      if (cell.untracked) kinds.push('n');
      for (const kind of kinds) if (!embedded.marks.get(`${pos}${kind}`)?.[row]) embedded.leftOut++;
    }
  });
}
