import type { CandidateJson, CompareJson, EvalResult } from '../compare/types.js';
import {
  candidateVerdict,
  costFacts,
  SELECTION_HEADERS,
  selectionCells,
  verdictSummary,
} from './selection.js';

/** What one candidate's section shows besides its stats. */
export interface CandidateDiffs {
  index: number;
  /** Unified diff base commit → branch tip ('' when none). */
  committed: string;
  /** Unified diff of the worktree against its HEAD ('' when clean). */
  uncommitted: string;
  /** True when a diff was cut to the size limit. */
  truncated: boolean;
  /** Eval name → last lines of its log. */
  logTails: Record<string, string>;
}

export interface ReportInput {
  json: CompareJson;
  diffs: CandidateDiffs[];
  /** diff2html's stylesheet, inlined. */
  css: string;
  /** diff2html's `html(diff, options)`. */
  diffToHtml: (diff: string) => string;
  generatedAt: string;
}

/**
 * One self-contained page: no script, no external resource (the CSP forbids any), so it opens
 * from disk, from an archive or from a CI artifact the same way. Pure.
 */
export function renderReport(input: ReportInput): string {
  const { json } = input;
  const title = `git-parallel report: ${json.task}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
${input.css}
${PAGE_CSS}
</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p>${json.candidates.length} candidate(s) from <code>${esc(json.base.ref)}</code> at <code>${esc(json.base.commit.slice(0, 12))}</code>${json.base.branch ? ` (branch <code>${esc(json.base.branch)}</code>)` : ''}. Generated ${esc(input.generatedAt)}. Diffs compare committed branch tips with the base commit; uncommitted work is shown separately.</p>
<nav>${json.candidates.map((c) => `<a href="#candidate-${c.index}">#${c.index} ${esc(c.agent)}</a>`).join(' ')}</nav>
</header>
<main>
${summary(json)}
${json.candidates
  .map((c) =>
    candidateSection(
      c,
      input.diffs.find((d) => d.index === c.index),
      input,
    ),
  )
  .join('\n')}
</main>
</body>
</html>
`;
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
    ? `<h3>Files touched by several candidates</h3><ul class="overlap">${json.overlap
        .map(
          (o) => `<li><code>${esc(o.file)}</code> <span class="dim">(${o.candidates.join(', ')})</span></li>`,
        )
        .join('')}</ul>`
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

function candidateSection(c: CandidateJson, diffs: CandidateDiffs | undefined, input: ReportInput): string {
  const facts = [
    ['agent', esc(c.agent)],
    [
      'branch',
      `<code>${esc(c.branch)}</code>${c.head ? ` at <code>${esc(c.head.slice(0, 12))}</code>` : ' <strong>(missing)</strong>'}`,
    ],
    ['worktree', `<code>${esc(c.worktree)}</code>${c.worktreeExists ? '' : ' <strong>(missing)</strong>'}`],
    ['commits ahead', String(c.commitsAhead)],
    [
      'changes',
      `${c.filesChanged} file(s), <span class="ins">+${c.insertions}</span> <span class="del">-${c.deletions}</span>`,
    ],
    ...costFacts(c),
  ];
  const pending = [
    ...c.uncommitted.map((p) => `${p} (modified)`),
    ...c.untracked.map((p) => `${p} (untracked)`),
  ];
  return `<section class="candidate" id="candidate-${c.index}" data-candidate="${c.index}">
<h2>#${c.index} ${esc(c.label)} <span class="dim">${esc(c.agent)}</span></h2>
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
${candidateVerdict(c, input.json)}
${evalTable(c.evals, diffs?.logTails ?? {})}
<h3>Committed changes against the base</h3>
${diffBlock(diffs?.committed ?? '', c.index, 'c', input)}
${pending.length ? `<h3>Uncommitted work (not on the branch)</h3><ul class="pending">${pending.map((p) => `<li><code>${esc(p)}</code></li>`).join('')}</ul>${diffs?.uncommitted ? diffBlock(diffs.uncommitted, c.index, 'u', input) : ''}` : ''}
${diffs?.truncated ? '<p class="warn">The diff was cut at the size limit; run <code>parallel diff</code> for all of it.</p>' : ''}
</section>`;
}

function diffBlock(diff: string, index: number, kind: string, input: ReportInput): string {
  if (!diff.trim()) return '<p class="dim">No changes.</p>';
  // diff2html derives element ids from file names: make them unique per candidate and block.
  return `<div class="diff">${input.diffToHtml(diff).replace(/(id="|href="#)d2h-/g, `$1${kind}${index}-d2h-`)}</div>`;
}

function evalTable(evals: EvalResult[], tails: Record<string, string>): string {
  if (!evals.length) return '';
  const rows = evals
    .map(
      (e) => `<tr><td>${esc(e.name)}</td><td>${evalBadge(e)}</td><td class="num">${e.exitCode ?? ''}</td>
<td class="num">${(e.durationMs / 1000).toFixed(1)} s</td><td><code>${esc(e.command)}</code>${
        tails[e.name]
          ? `<details><summary>output</summary><pre>${esc(tails[e.name]!)}</pre><p class="dim">${esc(e.log ?? '')}</p></details>`
          : ''
      }</td></tr>`,
    )
    .join('\n');
  return `<table class="evals"><thead><tr><th>eval</th><th>result</th><th>exit</th><th>time</th><th>command</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

const evalBadge = (e: EvalResult) => `<span class="badge ${e.status}">${esc(e.name)}: ${e.status}</span>`;

export function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

const PAGE_CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; }
header { padding: 16px 24px; border-bottom: 1px solid #d0d7de; background: #f6f8fa; }
header nav a { margin-right: 12px; }
main { padding: 0 24px 48px; }
h1 { font-size: 20px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
table.summary, table.evals { border-collapse: collapse; margin: 8px 0; }
table.summary th, table.summary td, table.evals th, table.evals td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 8px 0; }
dt { color: #57606a; }
dd { margin: 0; }
.ins { color: #1a7f37; } .del { color: #cf222e; } .dim { color: #6e7781; }
.warn { color: #9a6700; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 12px; border: 1px solid #d0d7de; }
.badge.pass { background: #dafbe1; } .badge.fail, .badge.timeout, .badge.missing { background: #ffebe9; }
.badge.skipped { background: #eaeef2; } .badge.rank { background: #ddf4ff; }
pre { max-height: 320px; overflow: auto; background: #f6f8fa; padding: 8px; }
.diff { margin: 8px 0 16px; }
`;
