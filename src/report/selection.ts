import type { CandidateJson, CompareJson } from '../compare/types.js';
import { formatCost, formatTokens, formatWall } from '../cost/format.js';
import { esc } from './html.js';

/** The judge's verdict as a block of the summary: who judged, when, the ranking with reasons. Pure. */
export function verdictSummary(json: CompareJson): string {
  const judge = json.judge;
  if (!judge) {
    return `<p class="dim verdict">No judge has ranked these candidates yet (<code>parallel judge ${esc(json.task)}</code>).</p>`;
  }
  const rows = judge.ranking
    .map((n) => {
      const c = json.candidates.find((c) => c.index === n);
      return `<li data-candidate="${n}"><a href="#candidate-${n}">#${n}</a> ${esc(c?.agent ?? '')}${c?.verdict?.reason ? `: ${esc(c.verdict.reason)}` : ''}</li>`;
    })
    .join('\n');
  const moved = judge.changedSince.length
    ? `<p class="warn">Candidate ${judge.changedSince.join(', ')} changed since the verdict.</p>`
    : '';
  return `<div class="verdict" id="verdict">
<h3>Verdict of ${esc(judge.agent)} <span class="dim">(${esc(judge.at)})</span>, best first</h3>
<ol>
${rows}
</ol>
${moved}</div>`;
}

/** The verdict beside one candidate: its rank and the judge's reason. Pure. */
export function candidateVerdict(c: CandidateJson, json: CompareJson): string {
  if (!json.judge) return '';
  if (!c.verdict) return '<p class="verdict dim">Not judged.</p>';
  const rank = c.verdict.rank ? `rank ${c.verdict.rank} of ${json.judge.ranking.length}` : 'not ranked';
  return `<p class="verdict"><span class="badge rank">${rank}</span> ${c.verdict.reason ? esc(c.verdict.reason) : '<span class="dim">no reason given</span>'}</p>`;
}

/** The rank for a summary table cell. Pure. */
export const rankCell = (c: CandidateJson) => (c.verdict?.rank ? String(c.verdict.rank) : '–');

/** Header and cells of the summary table for rank, time, tokens and cost. Pure. */
export const SELECTION_HEADERS = '<th>rank</th><th>time</th><th>tokens</th><th>cost</th>';
export function selectionCells(c: CandidateJson): string {
  const cell = (text: string) => `<td class="num${text === 'unknown' ? ' dim' : ''}">${esc(text)}</td>`;
  return [rankCell(c), formatWall(c.cost), formatTokens(c.cost), formatCost(c.cost)].map(cell).join('');
}

/** What the candidate's agent took, for its section. Pure. */
export function costFacts(c: CandidateJson): [string, string][] {
  const t = c.cost.tokens;
  const tokens = t
    ? `${formatTokens(c.cost)} (input ${t.input}, output ${t.output}, cache read ${t.cacheRead}, cache write ${t.cacheWrite})`
    : 'unknown';
  const time = `${formatWall(c.cost)}${c.cost.until === 'running' ? ' (still running)' : ''}`;
  return [
    ['time', esc(time)],
    ['tokens', esc(tokens)],
    ['cost', esc(formatCost(c.cost))],
  ];
}
