import type { CandidateJson, CompareJson, EvalResult } from '../compare/types.js';
import { ansiToHtml } from './ansi.js';
import type { Embedded } from './data.js';
import { type Cell, type Index, kindsOf, type ReportCaps, type Row } from './rows.js';
import {
  candidateVerdict,
  costFacts,
  SELECTION_HEADERS,
  selectionCells,
  verdictSummary,
} from './selection.js';
import { PAGE_CSS } from './styles.js';

/** What the page says besides the diffs. */
export interface PageFacts {
  json: CompareJson;
  index: Index;
  embedded: Embedded;
  caps: ReportCaps;
  /** The task's prompt (maybe cut), when there is one. */
  prompt?: { text: string; cut: boolean };
  /** `${candidate index} ${eval name}` → the end of its log. */
  logTails: Map<string, { text: string; cut: boolean }>;
  generatedAt: string;
}

/**
 * The page's start: a strict CSP (no request of any kind; one script, allowed by its hash), the
 * summary, notes on what was left out, then the index's table head. Pure.
 */
export function pageStart(facts: PageFacts, scriptHash: string): string {
  const { json } = facts;
  const title = `git-parallel report: ${json.task}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '${scriptHash}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body data-task="${esc(json.task)}">
<header>
<h1>${esc(title)}</h1>
<p>${json.candidates.length} candidate(s) from <code>${esc(json.base.ref)}</code> at <code>${esc(json.base.commit.slice(0, 12))}</code>${json.base.branch ? ` (branch <code>${esc(json.base.branch)}</code>)` : ''}. Generated ${esc(facts.generatedAt)}.</p>
${facts.prompt ? `<details id="prompt" open><summary>Prompt</summary><pre>${esc(facts.prompt.text)}</pre>${facts.prompt.cut ? '<p class="warn">The prompt is longer; only its start is shown.</p>' : ''}</details>` : ''}
<nav><a href="#summary">summary</a> <a href="#files">files</a> ${json.candidates.map((c) => `<a href="#candidate-${c.index}">#${c.index} ${esc(c.agent)}</a>`).join(' ')}</nav>
</header>
<main>
${summary(json)}
<section id="files">
<h2>Files</h2>
${notes(facts).join('\n')}
<p class="dim">Click a file to see each candidate's change to it side by side. Committed changes are against the base commit; uncommitted (<i>M</i>) and untracked (<i>new</i>) work is shown apart.</p>
<input id="filter" type="search" placeholder="filter files" aria-label="filter files">
<table class="index" id="index">
<thead><tr><th>file</th>${json.candidates.map((c) => `<th data-n="${c.index}" data-a="${esc(c.agent)}">#${c.index} ${esc(c.agent)}</th>`).join('')}</tr></thead>
<tbody>
`;
}

/** Rows of the index, a slice at a time so a big index is written in pieces. Pure. */
export function indexRows(facts: PageFacts, from: number, to: number): string {
  const { embedded } = facts;
  let html = '';
  for (let row = from; row < to && row < facts.index.rows.length; row++) {
    const r: Row = facts.index.rows[row]!;
    html += `<tr data-r="${row}"><td class="p">${esc(r.path)}</td>`;
    r.cells.forEach((cell, pos) => {
      html += cell
        ? `<td data-k="${kindsOf(cell).join('')}">${cellText(cell, pos, row, embedded)}</td>`
        : '<td></td>';
    });
    html += '</tr>\n';
  }
  return html;
}

function cellText(cell: Cell, pos: number, row: number, embedded: Embedded): string {
  const parts: string[] = [];
  if (cell.committed) {
    parts.push(
      cell.committed.binary ? 'binary' : `+${cell.committed.insertions} −${cell.committed.deletions}`,
    );
  }
  if (cell.uncommitted) parts.push('<i title="uncommitted changes">M</i>');
  if (cell.untracked) parts.push('<i title="untracked file">new</i>');
  const marks = kindsOf(cell).map((k) => embedded.marks.get(`${pos}${k}`)?.[row] ?? 0);
  if (marks.includes(2)) parts.push('<i title="cut at the size cap per file">✂</i>');
  if (marks.includes(0)) parts.push('<i title="left out at the report size cap">…</i>');
  return parts.join(' ');
}

/** Closes the index and writes each candidate's facts and evals. Pure. */
export function pageMiddle(facts: PageFacts): string {
  return `</tbody>
</table>
</section>
${facts.json.candidates.map((c) => candidateSection(c, facts)).join('\n')}
</main>
`;
}

export const pageEnd = (script: string) => `<script>${script}</script>
</body>
</html>
`;

function notes(facts: PageFacts): string[] {
  const { index, embedded, caps, json } = facts;
  const task = json.task;
  const lines: string[] = [];
  if (index.total === 0) lines.push('<p class="dim">No candidate changed any file.</p>');
  if (index.total > index.rows.length) {
    lines.push(
      `<p class="warn">${index.rows.length} of ${index.total} files are listed (the report lists at most ${caps.maxFiles}). <code>parallel diff ${esc(task)} &lt;n&gt; --stat</code> lists all of a candidate's files.</p>`,
    );
  }
  if (embedded.cut) {
    lines.push(
      `<p class="warn">${embedded.cut} diff(s) were cut at ${size(caps.maxFileBytes)} per file (marked ✂). <code>parallel diff ${esc(task)} &lt;n&gt;</code> shows a candidate's whole diff.</p>`,
    );
  }
  if (embedded.leftOut) {
    lines.push(
      `<p class="warn">${embedded.leftOut} diff(s) were left out once the report held ${size(caps.maxReportBytes)} of diffs (marked …). <code>parallel diff ${esc(task)} &lt;n&gt;</code> shows them.</p>`,
    );
  }
  return lines;
}

function summary(json: CompareJson): string {
  const rows = json.candidates
    .map(
      (c) => `<tr>
<td><a href="#candidate-${c.index}">${c.index}</a></td><td>${esc(c.agent)}</td><td><code>${esc(c.branch)}</code></td>
<td class="num">${c.commitsAhead}</td><td class="num">${c.filesChanged}</td>
<td class="num"><span class="ins">+${c.insertions}</span> <span class="del">-${c.deletions}</span></td>
<td class="num">${c.uncommitted.length}</td><td class="num">${c.untracked.length}</td>
<td>${c.evals.map(evalBadge).join(' ') || '<span class="dim">none</span>'}</td>
<td class="num">${c.overlap.length}</td>${selectionCells(c)}
</tr>`,
    )
    .join('\n');
  const overlap = json.overlap.length
    ? `<p>${json.overlap.length} file(s) touched by several candidates.</p>`
    : '<p class="dim">No file was touched by more than one candidate.</p>';
  return `<section id="summary">
<h2>Summary</h2>
<table class="summary">
<thead><tr><th>#</th><th>agent</th><th>branch</th><th>commits</th><th>files</th><th>lines</th><th>uncommitted</th><th>untracked</th><th>evals</th><th>overlap</th>${SELECTION_HEADERS}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${verdictSummary(json)}
${overlap}
</section>`;
}

function candidateSection(c: CandidateJson, facts: PageFacts): string {
  const facts_ = [
    ['agent', esc(c.agent)],
    [
      'branch',
      `<code>${esc(c.branch)}</code>${c.head ? ` at <code>${esc(c.head.slice(0, 12))}</code>` : ' <strong>(missing)</strong>'}`,
    ],
    ['worktree', `<code>${esc(c.worktree)}</code>${c.worktreeExists ? '' : ' <strong>(missing)</strong>'}`],
    ['commits ahead', String(c.commitsAhead)],
    [
      'committed',
      `${c.filesChanged} file(s), <span class="ins">+${c.insertions}</span> <span class="del">-${c.deletions}</span>`,
    ],
    ['uncommitted', `${c.uncommitted.length} file(s) modified, ${c.untracked.length} untracked`],
    ...costFacts(c),
  ];
  const nothing = c.filesChanged + c.uncommitted.length + c.untracked.length === 0;
  return `<section class="candidate" id="candidate-${c.index}" data-candidate="${c.index}" data-worktree="${esc(c.worktree)}">
<h2>#${c.index} ${esc(c.label)} <span class="dim">${esc(c.agent)}</span></h2>
<dl>${facts_.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
${candidateVerdict(c, facts.json)}
${nothing ? '<p class="dim">No changes.</p>' : ''}
${evalTable(c, facts.logTails)}
</section>`;
}

function evalTable(c: CandidateJson, tails: PageFacts['logTails']): string {
  if (!c.evals.length) return '';
  const rows = c.evals
    .map((e) => {
      const tail = tails.get(`${c.index} ${e.name}`);
      const output = tail
        ? `<details><summary>output</summary>${tail.cut ? '<p class="dim">… (the end of the log)</p>' : ''}<pre>${ansiToHtml(tail.text)}</pre><p class="dim">${esc(e.log ?? '')}</p></details>`
        : '';
      return `<tr><td>${esc(e.name)}</td><td>${evalBadge(e)}</td><td class="num">${e.exitCode ?? ''}</td>
<td class="num">${(e.durationMs / 1000).toFixed(1)} s</td><td><code>${esc(e.command)}</code>${output}</td></tr>`;
    })
    .join('\n');
  return `<table class="evals"><thead><tr><th>eval</th><th>result</th><th>exit</th><th>time</th><th>command</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

const evalBadge = (e: EvalResult) => `<span class="badge ${e.status}">${esc(e.name)}: ${e.status}</span>`;

const size = (bytes: number) =>
  bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KiB` : `${Math.round(bytes / 1024 / 1024)} MiB`;

export function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}
