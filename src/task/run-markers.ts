import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The files in a task's run dir, `<n>.<marker>`: the launcher writes `pid` when it starts,
 * `started` the first time (later starts resume the agent) and `exit` with the agent's status
 * (see render/launcher.ts); `apply` writes `prepared` once copy + setup finished.
 */
export const RUN_MARKERS = ['pid', 'exit', 'started', 'prepared'] as const;
export type RunMarker = (typeof RUN_MARKERS)[number];

/** `<n>.<marker>`: the file name, as the launcher names it relative to its run dir. */
export const runMarkerName = (index: number, kind: RunMarker) => `${index}.${kind}`;

export const runMarker = (runDir: string, index: number, kind: RunMarker) =>
  join(runDir, runMarkerName(index, kind));

/** The number in `<n>.pid` or `<n>.exit`; undefined when missing or not (yet) a whole number. */
export function readRunNumber(runDir: string, index: number, kind: 'pid' | 'exit'): number | undefined {
  try {
    const text = readFileSync(runMarker(runDir, index, kind), 'utf8');
    return /^\d+\s*$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}
