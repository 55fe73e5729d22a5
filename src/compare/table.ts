import { formatCost, formatTokens, formatWall } from '../cost/format.js';
import { oneLine } from '../judge/answer.js';
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
  'time',
  'tokens',
  'cost',
];

/** The compare table, overlap list and notes as text. Pure. */
export function renderCompare(json: CompareJson, style: Style = PLAIN): string {
  const judged = json.judge !== null;
  const rows = json.candidates.map((c) => [
    String(c.index),
    c.agent,
    c.picked ? `${c.branch} ${style.green(`picked (${c.picked.mode})`)}` : c.branch,
    String(c.commitsAhead),
    String(c.filesChanged),
    `${style.green(`+${c.insertions}`)} ${style.red(`-${c.deletions}`)}`,
    String(c.uncommitted.length),
    String(c.untracked.length),
    c.evals.length ? c.evals.map((e) => evalCell(e, style)).join(' ') : style.dim('-'),
    c.overlap.length ? `${c.overlap.length} file${c.overlap.length > 1 ? 's' : ''}` : '-',
    ...[formatWall(c.cost), formatTokens(c.cost), formatCost(c.cost)].map((v) =>
      v === 'unknown' ? style.dim(v) : v,
    ),
    ...(judged ? [c.verdict?.rank ? style.bold(String(c.verdict.rank)) : '-'] : []),
  ]);
  const headers = judged ? [...HEADERS, 'rank'] : HEADERS;
  const lines = [
    `Task ${json.task}: ${json.candidates.length} candidate(s) against ${json.base.ref} (${json.base.commit.slice(0, 12)})`,
    '',
    ...table([headers.map(style.bold), ...rows]),
  ];
  if (json.judge) lines.push('', ...verdictLines(json, style));
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

/** The judge's ranking, one line per candidate with the first line of its reason. */
function verdictLines(json: CompareJson, style: Style): string[] {
  const judge = json.judge!;
  const lines = [`Verdict of ${judge.agent} (${judge.at.replace('T', ' ').slice(0, 16)} UTC), best first:`];
  for (const n of judge.ranking) {
    const c = json.candidates.find((c) => c.index === n);
    const reason = oneLine(c?.verdict?.reason, 100);
    lines.push(
      `  ${c?.verdict?.rank ?? '?'}. #${n} ${c?.agent ?? ''}${reason ? `  ${style.dim(reason)}` : ''}`,
    );
  }
  if (judge.changedSince.length) {
    lines.push(
      style.yellow(
        `  candidate ${judge.changedSince.join(', ')} changed since the verdict; \`parallel judge ${json.task}\` judges again.`,
      ),
    );
  }
  return lines;
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
