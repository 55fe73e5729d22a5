/** The part of a judge's answer git-parallel records. */
export interface JudgeAnswer {
  ranking: number[];
  reasons: Record<string, string>;
}

export type ParseResult = { ok: true; answer: JudgeAnswer } | { ok: false; problem: string };

interface Fence {
  lang: string;
  body: string;
}

/** Every fenced code block (``` or ~~~, any length) in a Markdown text, in order. Pure. */
export function fencedBlocks(text: string): Fence[] {
  const blocks: Fence[] = [];
  let open: { marker: string; lang: string; lines: string[] } | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (!open) {
      const start = /^\s{0,3}(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/.exec(line);
      if (start) open = { marker: start[1]!, lang: start[2]!.toLowerCase(), lines: [] };
      continue;
    }
    const end = /^\s{0,3}(`{3,}|~{3,})\s*$/.exec(line);
    if (end && end[1]![0] === open.marker[0] && end[1]!.length >= open.marker.length) {
      blocks.push({ lang: open.lang, body: open.lines.join('\n') });
      open = undefined;
    } else open.lines.push(line);
  }
  return blocks;
}

/**
 * Reads the last fenced JSON block of the judge's answer and checks it against the judged
 * candidates: a ranking of known candidate numbers without repeats, reasons as text. Pure.
 */
export function parseJudgeAnswer(text: string, judged: number[]): ParseResult {
  const block = fencedBlocks(text)
    .filter((b) => (b.lang === 'json' || b.lang === '') && b.body.includes('ranking'))
    .pop();
  if (!block) return { ok: false, problem: 'its answer has no fenced JSON block with a "ranking"' };
  let value: unknown;
  try {
    value = JSON.parse(block.body);
  } catch (error) {
    return { ok: false, problem: `its last JSON block is not valid JSON (${(error as Error).message})` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problem: 'its last JSON block is not an object' };
  }
  const { ranking, reasons = {} } = value as { ranking?: unknown; reasons?: unknown };
  if (!Array.isArray(ranking) || ranking.length === 0) {
    return { ok: false, problem: '"ranking" is not a non-empty list of candidate numbers' };
  }
  const numbers = ranking.map(candidateNumber);
  const bad = ranking.filter((_, i) => numbers[i] === undefined || !judged.includes(numbers[i]!));
  if (bad.length) {
    return {
      ok: false,
      problem: `"ranking" names ${bad.map((b) => JSON.stringify(b)).join(', ')}, but the judged candidates are ${judged.join(', ')}`,
    };
  }
  const repeated = numbers.filter((n, i) => numbers.indexOf(n) !== i);
  if (repeated.length) {
    return { ok: false, problem: `"ranking" lists candidate ${[...new Set(repeated)].join(', ')} twice` };
  }
  if (typeof reasons !== 'object' || reasons === null || Array.isArray(reasons)) {
    return { ok: false, problem: '"reasons" is not an object from candidate number to text' };
  }
  const clean: Record<string, string> = {};
  for (const [key, reason] of Object.entries(reasons)) {
    const n = candidateNumber(key);
    if (n === undefined || !judged.includes(n)) {
      return { ok: false, problem: `"reasons" has an entry for "${key}", which is not a judged candidate` };
    }
    if (typeof reason !== 'string') {
      return { ok: false, problem: `the reason for candidate ${n} is not text` };
    }
    clean[String(n)] = reason.trim();
  }
  return { ok: true, answer: { ranking: numbers as number[], reasons: clean } };
}

/** 2, "2" or "#2" → 2. */
function candidateNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*#?(\d+)\s*$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** The first line of a reason, cut to `max` characters: what a table row has room for. */
export function oneLine(reason: string | null | undefined, max = 80): string {
  const line = (reason ?? '').trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length <= max ? line : `${line.slice(0, max - 1).trimEnd()}…`;
}
