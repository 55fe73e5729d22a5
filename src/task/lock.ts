import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import { isRunning, startTime } from '../proc/stat.js';
import { fsError } from './state.js';

/** Who holds a task lock: written inside the lock directory right after it is created. */
interface Owner {
  pid: number;
  host: string;
  /** Process start time (from /proc), so a reused pid is not mistaken for the owner. */
  start?: string;
  token: string;
  since: string;
  argv: string;
}

export interface LockOptions {
  /** How long a second caller waits for the first to finish. */
  waitMs?: number;
}

/** A lock whose owner cannot be checked (another host, owner file not written) is stale after this. */
const STALE_MS = 10_000;
const HEARTBEAT_MS = 2_000;

/**
 * One `up`/`down` of a task at a time: the lock is a directory (mkdir is atomic) holding the
 * owner's pid. A second caller waits, then says who is busy. A lock left by a killed process
 * is taken over at once when its pid is dead on this host, or after 10 s without a heartbeat
 * when it cannot be checked (another host sharing the repository).
 */
export async function lockTask(plan: Plan, options: LockOptions = {}): Promise<() => Promise<void>> {
  const lockDir = plan.paths.lockFile;
  const me: Owner = {
    pid: process.pid,
    host: hostname(),
    start: startTime(process.pid),
    token: randomBytes(8).toString('hex'),
    since: new Date().toISOString(),
    argv: process.argv.slice(2).join(' '),
  };
  const deadline = Date.now() + (options.waitMs ?? 20_000);
  try {
    await mkdir(plan.paths.dir, { recursive: true });
    for (let wait = 20; !(await tryAcquire(lockDir, me)); wait = Math.min(wait * 2, 200)) {
      if (Date.now() > deadline) throw await busy(plan, lockDir);
      await delay(wait);
    }
  } catch (error) {
    throw fsError(error, `create the lock ${lockDir}`);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockDir, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    if ((await readOwner(lockDir))?.token === me.token) await rm(lockDir, { recursive: true, force: true });
  };
}

async function tryAcquire(lockDir: string, me: Owner): Promise<boolean> {
  try {
    await mkdir(lockDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // The task directory went away (a failed first `up` removes the empty one it made): make it again.
    if (code === 'ENOENT') await mkdir(dirname(lockDir), { recursive: true });
    else if (code === 'EEXIST') await breakIfStale(lockDir);
    else throw error;
    return false;
  }
  try {
    // `wx`: if another process swapped a directory in meanwhile and already claimed it, we lose.
    await writeFile(join(lockDir, 'owner.json'), JSON.stringify(me), { flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EEXIST') return false;
    await rm(lockDir, { recursive: true, force: true });
    throw error;
  }
  return (await readOwner(lockDir))?.token === me.token;
}

/**
 * Takes a dead owner's lock away by renaming it (only one caller can), then checks that what
 * it moved is the lock it judged dead; a lock someone took in the meantime is put back.
 */
async function breakIfStale(lockDir: string): Promise<void> {
  const owner = await readOwner(lockDir);
  const info = await stat(lockDir).catch(() => undefined);
  if (!info) return;
  const stale = owner && owner.host === hostname() ? !isAlive(owner) : Date.now() - info.mtimeMs > STALE_MS;
  if (!stale) return;
  const grave = `${lockDir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockDir, grave);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readOwner(grave);
  if (moved?.token === owner?.token) {
    await rm(grave, { recursive: true, force: true });
    return;
  }
  await rename(grave, lockDir).catch(() => rm(grave, { recursive: true, force: true }));
}

export interface LockHealth {
  held: boolean;
  /** Its owner is gone: the next `up`/`down` takes it over. */
  stale: boolean;
  owner?: { pid: number; host: string; since: string; argv: string };
}

/** Whether a task's lock is held, and by a live process; for `parallel doctor`. */
export async function inspectLock(lockDir: string): Promise<LockHealth> {
  const info = await stat(lockDir).catch(() => undefined);
  if (!info) return { held: false, stale: false };
  const owner = await readOwner(lockDir);
  const stale = owner && owner.host === hostname() ? !isAlive(owner) : Date.now() - info.mtimeMs > STALE_MS;
  const shown = owner && { pid: owner.pid, host: owner.host, since: owner.since, argv: owner.argv };
  return { held: true, stale, ...(shown ? { owner: shown } : {}) };
}

async function readOwner(lockDir: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(join(lockDir, 'owner.json'), 'utf8')) as Owner;
    return typeof owner?.pid === 'number' && typeof owner.token === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

const isAlive = (owner: Owner) => isRunning(owner.pid, owner.start);

async function busy(plan: Plan, lockDir: string): Promise<UserError> {
  const owner = await readOwner(lockDir);
  const who = owner
    ? `git-parallel (pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`}, \`parallel ${owner.argv}\`, since ${owner.since})`
    : 'another git-parallel command';
  return new UserError(
    `Task "${plan.task}" is busy: ${who} holds its lock ${lockDir}. Wait for it to finish and run again. If no such process runs any more, remove that directory.`,
  );
}
