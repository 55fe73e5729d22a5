import type { CompareJson } from '../compare/types.js';

/** What the report shows at most; past a cap it says what it left out and how to see it. */
export interface ReportCaps {
  /** Bytes of one file's diff (or one untracked file) embedded; the rest is cut. */
  maxFileBytes: number;
  /** Bytes of diffs embedded in one report; files past it are left out. */
  maxReportBytes: number;
  /** Files (rows of the index) listed in one report. */
  maxFiles: number;
}

export const DEFAULT_CAPS: ReportCaps = {
  maxFileBytes: 256 * 1024,
  maxReportBytes: 64 * 1024 * 1024,
  maxFiles: 20_000,
};

/** The kinds of change a candidate can have on a file, as one letter each. */
export type Kind = 'c' | 'u' | 'n';
export const KINDS: readonly Kind[] = ['c', 'u', 'n'];

export interface Cell {
  /** Committed stats, when the branch changed the file. */
  committed?: { insertions: number; deletions: number; binary: boolean };
  uncommitted?: true;
  untracked?: true;
}

/** One file of the index: a cell per candidate (in the order of `json.candidates`). */
export interface Row {
  path: string;
  cells: (Cell | undefined)[];
}

export interface Index {
  rows: Row[];
  /** Row number of each listed path. */
  rowOf: Map<string, number>;
  /** Files that any candidate touched. */
  total: number;
}

/** Every file any candidate touched, sorted by path, the first `maxFiles` of them. Pure. */
export function buildIndex(json: CompareJson, maxFiles: number): Index {
  const byPath = new Map<string, Row>();
  const cellOf = (path: string, pos: number): Cell => {
    let row = byPath.get(path);
    if (!row) {
      row = { path, cells: new Array(json.candidates.length).fill(undefined) };
      byPath.set(path, row);
    }
    row.cells[pos] ??= {};
    return row.cells[pos]!;
  };
  json.candidates.forEach((c, pos) => {
    for (const f of c.files) {
      cellOf(f.path, pos).committed = { insertions: f.insertions, deletions: f.deletions, binary: f.binary };
    }
    for (const path of c.uncommitted) cellOf(path, pos).uncommitted = true;
    for (const path of c.untracked) cellOf(path, pos).untracked = true;
  });
  const rows = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const listed = rows.slice(0, maxFiles);
  return { rows: listed, rowOf: new Map(listed.map((row, i) => [row.path, i])), total: rows.length };
}

export const kindsOf = (cell: Cell): Kind[] =>
  KINDS.filter((k) => (k === 'c' ? cell.committed : k === 'u' ? cell.uncommitted : cell.untracked));
