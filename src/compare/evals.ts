import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { EvalCommand, ResolvedHost } from '../config/resolve.js';
import { CappedLog, DEFAULT_LOG_BYTES } from '../logs/capped.js';
import { signalGroup } from '../proc/group.js';
import { endMarked, findMarked, markerEnv } from '../proc/marked.js';
import { spawnGroup } from '../proc/spawn.js';
import { remoteEvalSpawn } from '../remote/eval.js';
import type { EvalResult } from './types.js';

export interface EvalJob {
  candidate: number;
  worktree: string;
  eval: EvalCommand;
  env: Record<string, string>;
  /** Set for a candidate on another machine: the eval runs there, in `worktree` on that host. */
  host?: ResolvedHost;
}

export interface EvalRunOptions {
  /** Grace period between SIGTERM and SIGKILL of an eval's processes. */
  killGraceMs?: number;
  /** Cap of each eval's log (its newest output is kept). */
  maxLogBytes?: number;
}

export interface RunEvalsOptions extends EvalRunOptions {
  logDir: string;
  /** Evals run at once (default: the CPU count). */
  concurrency?: number;
  onProgress?: (done: number, total: number, job: EvalJob, result: EvalResult) => void;
}

export const evalLogFile = (logDir: string, job: Pick<EvalJob, 'candidate' | 'eval'>) =>
  join(logDir, `eval-${job.candidate}-${fileSafe(job.eval.name)}.log`);

/** A name made from a command ("npm test") gets a file-safe form, kept distinct by a hash. */
function fileSafe(name: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) return name;
  const slug = name
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug || 'eval'}-${createHash('sha1').update(name).digest('hex').slice(0, 6)}`;
}

/** Runs every job, at most `concurrency` (default: CPU count) at a time; results in job order. */
export async function runEvals(jobs: EvalJob[], options: RunEvalsOptions): Promise<EvalResult[]> {
  await mkdir(options.logDir, { recursive: true });
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(Math.max(1, options.concurrency ?? availableParallelism()));
  let done = 0;
  return Promise.all(
    jobs.map((job) =>
      limit(async () => {
        const result = await runEval(job, evalLogFile(options.logDir, job), options);
        options.onProgress?.(++done, jobs.length, job, result);
        return result;
      }),
    ),
  );
}

/**
 * One eval in its own process group (`sh -c`), its output through a capped log. When it ends,
 * for whatever reason, every process it started ends too: its group, then anything carrying its
 * marker that left the group (`setsid`, `nohup`, a daemon). On timeout the group gets SIGTERM,
 * then SIGKILL after the grace period.
 */
export function runEval(job: EvalJob, logFile: string, options: EvalRunOptions = {}): Promise<EvalResult> {
  const { name, command, timeoutMs } = job.eval;
  const killGraceMs = options.killGraceMs ?? 2_000;
  const started = Date.now();
  const log = new CappedLog(logFile, options.maxLogBytes ?? DEFAULT_LOG_BYTES);
  log.write(`$ ${command}\n# in ${job.worktree}${job.host ? ` on host ${job.host.name}` : ''}\n`);
  const owner = `eval-${process.pid}-${++evalCount}`;
  const how = job.host
    ? { ...remoteEvalSpawn(job.host, job.worktree, command, job.env, timeoutMs), cwd: undefined }
    : { file: 'sh', args: ['-c', command], cwd: job.worktree };
  return new Promise((resolve) => {
    const child = spawnGroup(how.file, how.args, {
      cwd: how.cwd,
      env: { ...process.env, ...job.env, ...markerEnv(owner) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const copy = (chunk: Buffer) => log.write(chunk);
    child.stdout?.on('data', copy);
    child.stderr?.on('data', copy);
    const outputClosed = new Promise<void>((done) => child.once('close', () => done()));
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (signal: NodeJS.Signals) => {
      if (child.pid) signalGroup(child.pid, signal);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), killGraceMs);
    }, timeoutMs);
    let settled = false;
    const finish = async (exitCode: number | null, note: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      const durationMs = Date.now() - started;
      // Counted before any signal: whatever still runs was left behind, in its group or not.
      const leftovers = findMarked(owner);
      killGroup(timedOut ? 'SIGKILL' : 'SIGTERM');
      await endMarked(owner, killGraceMs);
      // Output still in the pipes is copied; a holder that escaped everything cannot keep us.
      await Promise.race([outputClosed, delay(1_000)]);
      child.stdout?.destroy();
      child.stderr?.destroy();
      const ended = leftovers.length ? `; ended ${leftovers.length} process(es) it left running` : '';
      log.write(`\n# ${note} after ${(durationMs / 1000).toFixed(1)}s${ended}\n`);
      log.close();
      // On a host, the host's `timeout` ends the eval with 124.
      const remoteTimeout = !!job.host && exitCode === 124;
      const status =
        timedOut || remoteTimeout
          ? 'timeout'
          : exitCode === 0
            ? 'pass'
            : exitCode === 127
              ? 'missing'
              : 'fail';
      resolve({
        name,
        command,
        status,
        exitCode: timedOut || remoteTimeout ? null : exitCode,
        durationMs,
        log: logFile,
      });
    };
    child.on('error', (error) => void finish(null, `could not start: ${error.message}`));
    child.on(
      'exit',
      (code, signal) =>
        void finish(
          code,
          timedOut ? `timed out (${timeoutMs} ms), killed` : signal ? `killed by ${signal}` : `exit ${code}`,
        ),
    );
  });
}

let evalCount = 0;

export const skippedEval = (e: EvalCommand): EvalResult => ({
  name: e.name,
  command: e.command,
  status: 'skipped',
  exitCode: null,
  durationMs: 0,
  log: null,
});
