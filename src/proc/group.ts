import { waitUntil } from './poll.js';
import { groupAlive, processGroup } from './stat.js';

/** Sends `signal` to every process of the group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  // kill(-0) or kill(-1) would signal our own group or every process we may signal.
  if (!isSafeGroup(pgid)) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

const isSafeGroup = (pgid: number) => Number.isInteger(pgid) && pgid > 1 && pgid !== process.pid;

/** SIGTERM to each process group, SIGKILL to what is left after the grace period. */
export async function stopProcessGroups(groups: number[], graceMs = 3_000): Promise<void> {
  const pgids = groups.filter(isSafeGroup);
  const signal = (name: NodeJS.Signals) => {
    for (const pgid of pgids) signalGroup(pgid, name);
  };
  const gone = () => pgids.every((pgid) => !groupAlive(pgid));
  if (pgids.length === 0 || gone()) return;
  signal('SIGTERM');
  if (await waitUntil(gone, graceMs)) return;
  signal('SIGKILL');
  await waitUntil(gone, 2_000);
}

/** SIGKILL for this process, and for its whole group when it leads one (a power cut, for crash tests). */
export function killSelfNow(): never {
  // Without /proc the group is unknown: kill this process only.
  const leader = processGroup('self') === process.pid;
  process.kill(leader ? -process.pid : process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

let crashPoints = 0;
/** Test hook: with PARALLEL_TEST_CRASH_AFTER=N, the Nth crash point this process passes kills it (killSelfNow). */
export function crashPoint(): void {
  const after = Number(process.env.PARALLEL_TEST_CRASH_AFTER);
  if (Number.isInteger(after) && ++crashPoints === after) killSelfNow();
}
