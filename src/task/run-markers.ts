import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The markers each launcher writes in the task's run dir (see render/launcher.ts). */
export type RunMarker = 'pid' | 'exit' | 'started';

export const runMarker = (runDir: string, index: number, kind: RunMarker) => join(runDir, `${index}.${kind}`);

/** The number in `<n>.pid` or `<n>.exit`; undefined when missing or not (yet) a whole number. */
export function readRunNumber(runDir: string, index: number, kind: 'pid' | 'exit'): number | undefined {
  try {
    const text = readFileSync(runMarker(runDir, index, kind), 'utf8');
    return /^\d+\s*$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}
