import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Linux (and WSL) expose process facts as files; elsewhere only kill(0) and `ps` are left. */
export const HAS_PROC = existsSync('/proc/self/stat');

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `/proc/<pid>/stat` after `pid (comm)`: [state, ppid, pgrp, …, starttime at 19]. The command
 * name may hold spaces and `)`, so the fields start after the last `)`. Undefined without /proc
 * or when the process is gone.
 */
export function procStat(pid: number | 'self'): string[] | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

const STATE = 0;
const PGRP = 2;
const START_TIME = 19;

/** Zombie or dead: exited, only not reaped yet. */
const isGone = (state: string | undefined) => state === undefined || state === 'Z' || state === 'X';

/** Process start time in clock ticks since boot: with the pid, it names one process (pids are reused). */
export const startTime = (pid: number): string | undefined => procStat(pid)?.[START_TIME];

/** The process group of `pid` (`'self'`: this process), when /proc tells. */
export function processGroup(pid: number | 'self'): number | undefined {
  const group = procStat(pid)?.[PGRP];
  return group === undefined ? undefined : Number(group);
}

/** kill(pid, 0) succeeds (or is refused for permission): the pid exists, maybe as a zombie. */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A live process (not a zombie). `start`: the start time recorded for it, so that another
 * process that got the same pid later does not count.
 */
export function isRunning(pid: number, start?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !pidExists(pid)) return false;
  const stat = procStat(pid);
  if (stat === undefined) return !HAS_PROC; // no /proc: trust kill(0)
  if (isGone(stat[STATE])) return false;
  return start === undefined || start === stat[START_TIME];
}

/** A live process whose argv holds `arg` (e.g. a launcher's path): guards against pid reuse. */
export function runsWithArg(pid: number, arg: string): boolean {
  if (!isRunning(pid)) return false;
  if (HAS_PROC) return (readText(`/proc/${pid}/cmdline`) ?? '').split('\0').includes(arg);
  try {
    return execFileSync('ps', ['-o', 'args=', '-p', String(pid)], {
      encoding: 'utf8',
      timeout: 2_000,
    }).includes(arg);
  } catch {
    return false;
  }
}

/**
 * Whether any process of the group still runs. Zombies do not count: where PID 1 does not reap
 * orphans (many containers), an exited agent stays a zombie and `kill(-pgid, 0)` still succeeds.
 */
export function groupAlive(pgid: number): boolean {
  if (!pidExists(-pgid)) return false;
  if (!HAS_PROC) return true;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = procStat(Number(entry));
    if (fields?.[PGRP] === String(pgid) && !isGone(fields[STATE])) return true;
  }
  return false;
}
