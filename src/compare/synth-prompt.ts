/** One candidate's work as the synthesis agent sees it. */
export interface SynthSource {
  index: number;
  label: string;
  agent: string;
  branch: string;
  worktree: string;
  /** Committed diff against the base, plus the worktree's uncommitted diff (may be empty). */
  diff: string;
  /** `git diff --stat` of the same, for when the diff is too big to inline. */
  stat: string;
  /** File holding the full diff. */
  diffFile: string;
  untracked: string[];
}

/**
 * The prompt stays well under Linux's 128 KiB limit for one argv string (agents that take the
 * prompt as an argument): bigger diffs are referenced by file instead of inlined.
 */
export const INLINE_DIFF_BUDGET = 96 * 1024;

/** The original prompt + every chosen candidate's changes + the instruction to combine. Pure. */
export function synthPrompt(input: {
  task: string;
  baseCommit: string;
  original: string | undefined;
  sources: SynthSource[];
}): string {
  const { sources } = input;
  const total = sources.reduce((n, s) => n + Buffer.byteLength(s.diff), 0);
  const inline = total <= INLINE_DIFF_BUDGET;
  const names = sources.map((s) => `#${s.index}`).join(', ');
  const parts = [
    `You are combining the work of ${sources.length} AI agent${sources.length > 1 ? 's' : ''} (candidates ${names}) who each attempted the same task independently, starting from commit ${input.baseCommit.slice(0, 12)}. Your worktree starts from that same commit.`,
    '',
    '## The original task',
    '',
    input.original?.trim() ? input.original.trimEnd() : '(no prompt was recorded for this task)',
    '',
    '## What to do',
    '',
    '1. Read every candidate below. Note what each got right, what it missed, and where it overengineered or broke something.',
    '2. Build one implementation in this worktree that combines their best parts: the clearest design, every edge case any of them handled, the useful tests. Do not merge blindly; where they disagree, choose and say why.',
    "3. Run the project's tests and checks, fix what fails, and commit the result with a message that says which parts came from which candidate.",
    '',
    `## The candidates${inline ? '' : ' (the diffs are too large to include: read them from the files named below)'}`,
  ];
  for (const s of sources) {
    parts.push(
      '',
      `### Candidate #${s.index} (${s.label}, agent ${s.agent})`,
      '',
      `Branch \`${s.branch}\`, worktree \`${s.worktree}\` (you may read files there). Full diff: \`${s.diffFile}\`.`,
    );
    if (s.untracked.length) {
      parts.push(
        `Untracked files in its worktree (not in the diff): ${s.untracked.map((p) => `\`${p}\``).join(', ')}.`,
      );
    }
    if (!s.diff.trim()) parts.push('', '(no changes)');
    else if (inline) parts.push('', fence(s.diff, 'diff'));
    else parts.push('', fence(s.stat, 'text'));
  }
  return `${parts.join('\n')}\n`;
}

/** A Markdown code fence longer than any backtick run inside the text. */
export function fence(text: string, lang: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text.endsWith('\n') ? text : `${text}\n`}${ticks}`;
}
