import { fence } from '../compare/synth-prompt.js';
import type { CandidateJson, EvalResult } from '../compare/types.js';

/** One candidate as the judge sees it. */
export interface JudgedCandidate {
  facts: CandidateJson;
  /** Committed and uncommitted changes against the base (tracked files). */
  diff: string;
  /** Where the full diff is written. */
  diffFile: string;
}

/**
 * Total room for the diffs. Agents that take the prompt as one argument are bound by Linux's
 * 128 KiB limit per argument; the rest of the prompt fits in what is left.
 */
export const DIFF_BUDGET_BYTES = 96 * 1024;

/** The share of the budget each of `count` candidates' diffs gets. */
export const diffCap = (count: number) => Math.floor(DIFF_BUDGET_BYTES / Math.max(1, count));

export interface JudgePromptInput {
  task: string;
  baseCommit: string;
  /** The prompt every candidate was given. */
  original: string | undefined;
  candidates: JudgedCandidate[];
  /** Files touched by two or more of the judged candidates. */
  overlap: { file: string; candidates: number[] }[];
}

/** The task, every candidate's diff (capped), evals and overlap, and the answer format. Pure. */
export function judgePrompt(input: JudgePromptInput): string {
  const cap = diffCap(input.candidates.length);
  const numbers = input.candidates.map((c) => c.facts.index);
  const parts = [
    `You are judging ${input.candidates.length} candidate solutions (${numbers.map((n) => `#${n}`).join(', ')}) to the same coding task. Each was written independently by an AI agent in its own git worktree, starting from commit ${input.baseCommit.slice(0, 12)}.`,
    '',
    '## The task they were given',
    '',
    input.original?.trim() ? input.original.trimEnd() : '(no prompt was recorded for this task)',
    '',
    '## How to judge',
    '',
    'Rank the candidates from best to worst. Weigh, in this order: does it do what the task asks, correctly and completely; do the evals pass; is it tested; is the change small, clear and in the style of the code around it. You may read the worktrees named below; do not change any file and do not commit.',
    '',
    `Each candidate's diff below is cut at ${formatKiB(cap)} (${formatKiB(DIFF_BUDGET_BYTES)} shared by all); a cut diff says so, and its full text is in the file named with it.`,
    '',
    '## The candidates',
  ];
  for (const c of input.candidates) parts.push('', ...candidateBlock(c, cap));
  parts.push('', '## Files several candidates changed', '');
  if (input.overlap.length) {
    for (const o of input.overlap)
      parts.push(`- \`${o.file}\`: ${o.candidates.map((n) => `#${n}`).join(', ')}`);
  } else parts.push('(none: no file was changed by more than one candidate)');
  parts.push(
    '',
    '## Your answer',
    '',
    `Explain your reasoning as you like, then END your answer with exactly one fenced JSON block of this shape, listing every candidate number (${numbers.join(', ')}) once as a plain number, best first, with a short reason for each:`,
    '',
    // Not valid JSON on purpose: an agent that echoes its prompt must not be read as having answered.
    '```json',
    '{"ranking": [<best>, <second>, ...], "reasons": {"<number>": "<why this place, in one or two sentences>"}}',
    '```',
  );
  return `${parts.join('\n')}\n`;
}

function candidateBlock(c: JudgedCandidate, cap: number): string[] {
  const f = c.facts;
  const lines = [
    `### Candidate #${f.index} (${f.label}, agent ${f.agent})`,
    '',
    `Branch \`${f.branch}\`, worktree \`${f.worktree}\`${f.worktreeExists ? '' : ' (missing)'}. ${f.commitsAhead} commit(s), ${f.filesChanged} file(s) changed, +${f.insertions} -${f.deletions}.`,
    `Evals: ${f.evals.length ? f.evals.map(evalText).join('; ') : 'none configured'}.`,
  ];
  if (f.uncommitted.length) lines.push(`Uncommitted changes (in the diff): ${list(f.uncommitted)}.`);
  if (f.untracked.length) lines.push(`Untracked files (not in the diff): ${list(f.untracked)}.`);
  if (f.overlap.length) lines.push(`Also changed by other candidates: ${list(f.overlap)}.`);
  const [shown, cut] = capDiff(c.diff, cap);
  if (!c.diff.trim()) lines.push('', '(no changes)');
  else {
    if (cut) {
      lines.push(
        '',
        `(diff cut at ${formatKiB(cap)} of ${formatKiB(Buffer.byteLength(c.diff))}; full diff: \`${c.diffFile}\`)`,
      );
    }
    lines.push('', fence(shown, 'diff'));
  }
  return lines;
}

const evalText = (e: EvalResult) =>
  `${e.name} ${e.status}${e.exitCode !== null && e.status === 'fail' ? ` (exit ${e.exitCode})` : ''}`;
const list = (paths: string[]) => paths.map((p) => `\`${p}\``).join(', ');
const formatKiB = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

/** Cuts a diff to `cap` bytes, at a file boundary when one is below the cap. Pure. */
export function capDiff(diff: string, cap: number): [string, boolean] {
  if (Buffer.byteLength(diff) <= cap) return [diff, false];
  const head = Buffer.from(diff)
    .subarray(0, cap)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const at = head.lastIndexOf('\ndiff --git ');
  return [at > 0 ? head.slice(0, at + 1) : head, true];
}
