// Timing helpers: wall-clock milliseconds of whole commands (and, where GNU time is installed,
// their CPU time and peak memory), min/median over runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const GNU_TIME = ['/usr/bin/time', '/bin/time'].find(
  (path) => existsSync(path) && spawnSync(path, ['-f', '%M', 'true']).status === 0,
);
const usageFile = join(os.tmpdir(), `git-parallel-bench-usage-${process.pid}`);

/**
 * Runs a command to completion; throws with its output when it fails.
 * → { ms, stdout, stderr, cpuMs?, rssMiB? }: cpuMs is user + system time of the command and
 * every process it waited for (git's included), which moves far less than wall time with the
 * load of a shared machine; rssMiB the largest resident set among them.
 */
export function timeCommand(command, args, options = {}) {
  const [cmd, argv] = GNU_TIME
    ? [GNU_TIME, ['-f', '%U %S %M', '-o', usageFile, command, ...args]]
    : [command, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout}`,
    );
  }
  const timed = { ms, stdout: result.stdout, stderr: result.stderr };
  if (GNU_TIME) {
    const [user, system, rssKiB] = readFileSync(usageFile, 'utf8').trim().split('\n').at(-1).split(' ');
    rmSync(usageFile, { force: true });
    timed.cpuMs = (Number(user) + Number(system)) * 1000;
    timed.rssMiB = Number(rssKiB) / 1024;
  }
  return timed;
}

/** Times an async or sync function. → milliseconds. */
export async function timeFn(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { runs: sorted.length, min: sorted[0], median: median(sorted), max: sorted.at(-1), samples };
}

export const fmt = (ms) => (ms === undefined ? '' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

export function markdownTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}
