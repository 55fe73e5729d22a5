import { readdirSync, readFileSync } from 'node:fs';
import { waitUntil } from './poll.js';
import { isRunning, procStat } from './stat.js';

/**
 * Every process git-parallel starts for a purpose (an eval, an agent) carries one environment
 * variable naming it. Children inherit it even when they leave the process group (`setsid`,
 * `nohup`, a daemonizing test server), so /proc finds them all by it when their owner ends.
 * (Agents carry the task's `PARALLEL_TASK_ID` and `PARALLEL_INDEX` instead, which they see.)
 */
export const MARKER = 'GIT_PARALLEL_OWNER';

/** The environment entry that marks a process (and all it starts) as owned by `owner`. */
export const markerEnv = (owner: string): Record<string, string> => ({ [MARKER]: owner });

/** What marks a set of processes. */
export interface Marks {
  /** Environment entries each of them started with: every key, with one of its values. */
  env: Record<string, string | string[]>;
  /**
   * Also a process with an argument this accepts: a launcher that exports the marks only to
   * its children is known by its script.
   */
  arg?: (arg: string) => boolean;
}

const ownerMarks = (owner: string): Marks => ({ env: markerEnv(owner) });

/** Live processes whose environment holds MARKER=owner (Linux /proc; none elsewhere). */
export const findMarked = (owner: string): number[] => findProcesses(ownerMarks(owner));

/**
 * Ends every process marked with `owner`: SIGTERM, then SIGKILL to whatever is left after
 * `graceMs`. Resolves with the pids it found.
 */
export const endMarked = (owner: string, graceMs = 2_000): Promise<number[]> =>
  endProcesses(ownerMarks(owner), { graceMs });

/**
 * Live processes carrying the marks, found through /proc (Linux; none elsewhere). This process
 * and its ancestors are never listed (a command run from inside an agent's pane must not stop
 * itself).
 */
export function findProcesses(marks: Marks): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const needles = Object.entries(marks.env).map(([key, values]) =>
    [values].flat().map((value) => Buffer.from(`${key}=${value}\0`)),
  );
  const spared = ancestors(process.pid);
  const found: number[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (spared.has(pid)) continue;
    // environ is the environment the process started with: exactly what it inherited.
    const environ = read(`/proc/${pid}/environ`); // unreadable: gone, or not ours to read
    if (!environ) continue;
    const marked =
      needles.every((any) => any.some((needle) => hasEntry(environ, needle))) ||
      (marks.arg !== undefined && !!read(`/proc/${pid}/cmdline`)?.toString().split('\0').some(marks.arg));
    if (marked && isRunning(pid)) found.push(pid);
  }
  return found;
}

/**
 * Ends every process carrying the marks: SIGTERM, then SIGKILL to what is left after
 * `graceMs`, then waits until they are gone (or `waitMs` passed). → the pids first found.
 */
export async function endProcesses(
  marks: Marks,
  options: { graceMs?: number; waitMs?: number } = {},
): Promise<number[]> {
  const pids = findProcesses(marks);
  if (!pids.length) return [];
  signal(pids, 'SIGTERM');
  let left = [...pids];
  const gone = () => {
    // A process started meanwhile by one being stopped (a launcher's exit report) is marked too.
    const started = findProcesses(marks).filter((pid) => !left.includes(pid));
    signal(started, 'SIGTERM');
    left = [...left, ...started].filter((pid) => isRunning(pid));
    return left.length === 0;
  };
  if (await waitUntil(gone, options.graceMs ?? 2_000, 20, 200)) return pids;
  await waitUntil(
    () => {
      signal(left, 'SIGKILL');
      return gone();
    },
    options.waitMs ?? 5_000,
    20,
    200,
  );
  return pids;
}

/** Each entry ends in NUL; matching with the NUL before it keeps `XPARALLEL_TASK_ID=` out. */
const hasEntry = (environ: Buffer, needle: Buffer) =>
  environ.subarray(0, needle.length).equals(needle) ||
  environ.includes(Buffer.concat([Buffer.from([0]), needle]));

function read(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function signal(pids: number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  }
}

function ancestors(pid: number): Set<number> {
  const seen = new Set<number>();
  for (let p = pid; p > 1 && !seen.has(p); ) {
    seen.add(p);
    const parent = procStat(p)?.[1];
    if (parent === undefined) break;
    p = Number(parent);
  }
  return seen;
}
