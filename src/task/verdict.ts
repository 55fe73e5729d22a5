import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatePaths } from '../plan/paths.js';
import { writeFileAtomic } from './state.js';

/** What `parallel judge` recorded: the judge's ranking of the candidates, with its reasons. */
export interface Verdict {
  version: 1;
  task: string;
  /** ISO time the judge answered. */
  at: string;
  /** Name of the agent that judged. */
  agent: string;
  /** The candidates the judge was shown. */
  judged: number[];
  /** Candidate numbers, best first. */
  ranking: number[];
  /** Candidate number (as a string) → the judge's reason. */
  reasons: Record<string, string>;
  /** Each judged candidate's branch tip when it was judged (null: no branch). */
  heads: Record<string, string | null>;
  /** The judge's full output. */
  log: string;
}

export const verdictFile = (paths: Pick<StatePaths, 'dir'>) => join(paths.dir, 'verdict.json');
export const judgeDir = (paths: Pick<StatePaths, 'dir'>) => join(paths.dir, 'judge');

/** The recorded verdict, or undefined when there is none (or it is unreadable). */
export async function readVerdict(paths: Pick<StatePaths, 'dir'>): Promise<Verdict | undefined> {
  try {
    const value = JSON.parse(await readFile(verdictFile(paths), 'utf8')) as Verdict;
    if (value?.version !== 1 || !Array.isArray(value.ranking)) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

export async function writeVerdict(paths: Pick<StatePaths, 'dir'>, verdict: Verdict): Promise<void> {
  await writeFileAtomic(verdictFile(paths), `${JSON.stringify(verdict, null, 2)}\n`);
}

/** A candidate's place in the verdict: rank 1 is best; null when the judge did not rank it. */
export function verdictFor(verdict: Verdict | undefined, index: number) {
  if (!verdict) return null;
  const at = verdict.ranking.indexOf(index);
  const reason = verdict.reasons[String(index)];
  if (at < 0 && reason === undefined) return null;
  return { rank: at < 0 ? null : at + 1, reason: reason ?? null };
}
