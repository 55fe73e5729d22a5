import { readdirSync, readFileSync } from 'node:fs';
import { waitUntil } from './poll.js';
import { isRunning } from './stat.js';

/**
 * Every process git-parallel starts for a purpose (an eval, an agent) carries one environment
 * variable naming it. Children inherit it even when they leave the process group (`setsid`,
 * `nohup`, a daemonizing test server), so /proc finds them all by it when their owner ends.
 */
export const MARKER = 'GIT_PARALLEL_OWNER';

/** The environment entry that marks a process (and all it starts) as owned by `owner`. */
export const markerEnv = (owner: string): Record<string, string> => ({ [MARKER]: owner });

/** Live processes whose environment holds MARKER=owner (Linux /proc; none elsewhere). */
export function findMarked(owner: string): number[] {
  const needle = Buffer.from(`${MARKER}=${owner}\0`);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      // environ is the environment the process started with: exactly what it inherited.
      const environ = readFileSync(`/proc/${pid}/environ`);
      if (environ.includes(needle) && isRunning(pid)) found.push(pid);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

/**
 * Ends every process marked with `owner`: SIGTERM, then SIGKILL to whatever is left after
 * `graceMs`. Resolves with the pids it found.
 */
export async function endMarked(owner: string, graceMs = 2_000): Promise<number[]> {
  const pids = findMarked(owner);
  if (!pids.length) return pids;
  for (const pid of pids) signal(pid, 'SIGTERM');
  const gone = await waitUntil(() => findMarked(owner).length === 0, graceMs, 20, 200);
  if (!gone) for (const pid of findMarked(owner)) signal(pid, 'SIGKILL');
  await waitUntil(() => findMarked(owner).length === 0, 2_000, 20, 200);
  return pids;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
