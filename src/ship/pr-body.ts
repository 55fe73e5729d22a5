import { fence } from '../compare/synth-prompt.js';
import type { CandidateJson, CompareJson, EvalResult } from '../compare/types.js';
import { formatCost, formatTokens, formatWall } from '../cost/format.js';

const MAX_TITLE = 72;

/** `<task>: <first line of the prompt>`, cut to a title's length. Pure. */
export function prTitle(task: string, prompt: string | undefined): string {
  const line = (prompt ?? '').trim().split(/\r?\n/, 1)[0]?.trim() ?? '';
  const title = line ? `${task}: ${line}` : task;
  return title.length <= MAX_TITLE ? title : `${title.slice(0, MAX_TITLE - 1).trimEnd()}…`;
}

export interface PrBodyInput {
  json: CompareJson;
  candidate: CandidateJson;
  prompt: string | undefined;
  /** False when the evals were skipped (--no-eval). */
  evalsRun: boolean;
  /** The branch being proposed (the candidate's, or the base branch after `pick`). */
  branch: string;
}

/** The pull request's description: the prompt, the candidate's compare row, evals, the judge's reason. Pure. */
export function prBody(input: PrBodyInput): string {
  const { json, candidate: c } = input;
  const parts = [
    '## Task',
    '',
    input.prompt?.trim() ? fence(input.prompt.trimEnd(), 'text') : '(no prompt was recorded for this task)',
    '',
    `## Candidate #${c.index} (${c.label}, agent ${c.agent})`,
    '',
    `One of ${json.candidates.length} candidate(s) that started from \`${json.base.commit.slice(0, 12)}\`${json.base.branch ? ` on \`${json.base.branch}\`` : ''}${input.branch !== c.branch ? `, picked into \`${input.branch}\`` : ''}.`,
    '',
    '| branch | commits | files | lines | uncommitted | untracked | time | tokens | cost |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| \`${c.branch}\` | ${c.commitsAhead} | ${c.filesChanged} | +${c.insertions} -${c.deletions} | ${c.uncommitted.length} | ${c.untracked.length} | ${formatWall(c.cost)} | ${formatTokens(c.cost)} | ${formatCost(c.cost)} |`,
    '',
    '## Evals',
    '',
    ...evalLines(c.evals, input.evalsRun),
    '',
    '## Judge',
    '',
    judgeLine(json, c),
    '',
  ];
  return `${parts.join('\n')}`;
}

function evalLines(evals: EvalResult[], run: boolean): string[] {
  if (!run) return ['The evals were not run for this description (`--no-eval`).'];
  if (!evals.length) return ['No evals are configured.'];
  return [
    '| eval | command | result | exit | time |',
    '| --- | --- | --- | ---: | ---: |',
    ...evals.map(
      (e) =>
        `| ${e.name} | \`${e.command.replace(/\|/g, '\\|')}\` | ${e.status} | ${e.exitCode ?? ''} | ${(e.durationMs / 1000).toFixed(1)} s |`,
    ),
  ];
}

function judgeLine(json: CompareJson, c: CandidateJson): string {
  const judge = json.judge;
  if (!judge) return 'No judge ranked the candidates.';
  if (!c.verdict)
    return `${judge.agent} judged other candidates (${judge.judged.map((n) => `#${n}`).join(', ')}), not this one.`;
  const place = c.verdict.rank ? `Ranked ${c.verdict.rank} of ${judge.ranking.length}` : 'Not ranked';
  const moved = judge.changedSince.includes(c.index) ? ' (the candidate changed since)' : '';
  return `${place} by ${judge.agent} on ${judge.at}${moved}: ${c.verdict.reason ?? 'no reason given'}`;
}
