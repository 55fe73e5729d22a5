import type { CandidateJson, CompareJson, EvalResult } from './types.js';

export interface Style {
  green: (s: string) => string;
  red: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const plain = (s: string) => s;
export const PLAIN: Style = { green: plain, red: plain, yellow: plain, dim: plain, bold: plain };

const HEADERS = [
  '#',
  'agent',
  'branch',
  'commits',
  'files',
  'lines',
  'uncommitted',
  'untracked',
  'evals',
  'overlap',
];

/** The compare table, overlap list and notes as text. Pure. */
export function renderCompare(json: CompareJson, style: Style = PLAIN): string {
  const rows = json.candidates.map((c) => [
    String(c.index),
    c.agent,
    c.branch,
    String(c.commitsAhead),
    String(c.filesChanged),
    `${style.green(`+${c.insertions}`)} ${style.red(`-${c.deletions}`)}`,
    String(c.uncommitted.length),
    String(c.untracked.length),
    c.evals.length ? c.evals.map((e) => evalCell(e, style)).join(' ') : style.dim('-'),
    c.overlap.length ? `${c.overlap.length} file${c.overlap.length > 1 ? 's' : ''}` : '-',
  ]);
  const lines = [
    `Task ${json.task}: ${json.candidates.length} candidate(s) against ${json.base.ref} (${json.base.commit.slice(0, 12)})`,
    '',
    ...table([HEADERS.map(style.bold), ...rows]),
  ];
  if (json.overlap.length) {
    lines.push('', 'Files touched by several candidates:');
    for (const o of json.overlap) lines.push(`  ${o.file}  ${style.dim(`(${o.candidates.join(', ')})`)}`);
  }
  const notes = json.candidates.flatMap((c) => candidateNotes(c));
  if (notes.length) lines.push('', ...notes.map((n) => style.yellow(`note: ${n}`)));
  return `${lines.join('\n')}\n`;
}

function evalCell(e: EvalResult, style: Style): string {
  switch (e.status) {
    case 'pass':
      return style.green(`${e.name} ✓`);
    case 'fail':
      return style.red(`${e.name} ✗`);
    case 'timeout':
      return style.red(`${e.name} timeout`);
    case 'missing':
      return style.red(`${e.name} missing`);
    case 'skipped':
      return style.dim(`${e.name} skipped`);
  }
}

export function candidateNotes(c: CandidateJson): string[] {
  const notes: string[] = [];
  if (!c.worktreeExists) notes.push(`candidate ${c.index}: the worktree ${c.worktree} is missing.`);
  if (c.head === null) notes.push(`candidate ${c.index}: the branch ${c.branch} does not exist.`);
  if (c.uncommitted.length || c.untracked.length) {
    notes.push(
      `candidate ${c.index}: ${c.uncommitted.length + c.untracked.length} uncommitted/untracked file(s) are not in the commit stats; see \`git -C ${c.worktree} status\`.`,
    );
  }
  return notes;
}

const ANSI = /\u001b\[[0-9;]*m/g;
const width = (s: string) => [...s.replace(ANSI, '')].length;

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => width(row[col] ?? ''))));
  return rows.map((row) =>
    row
      .map((cell, col) => (col === row.length - 1 ? cell : cell + ' '.repeat(widths[col]! - width(cell))))
      .join('  ')
      .trimEnd(),
  );
}
