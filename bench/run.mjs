#!/usr/bin/env node
// `npm run bench`: how long git-parallel takes for what users wait on, against what they would
// do by hand, on deterministic repositories (10,000 files by default). Not a test: prints the
// measurements, each target with met/missed, and writes bench/results.json.
//
// Each case is a module in bench/cases/ (run in file-name order) exporting `id` and a default
// async function that gets the context of bench/lib/context.mjs. Knobs: --quick or
// BENCH_QUICK=1 (fewer runs, smaller scaling table), BENCH_RUNS (5), BENCH_FILES (10000),
// BENCH_ONLY=<id>,<id> (e.g. up,noop), BENCH_WORKTREES / BENCH_WORK (where worktrees and
// fixtures go; default a tmpfs, see bench/lib/context.mjs), BENCH_CLI (another build's
// dist/cli.js, to compare).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createContext, emptyTrash, limitText, show, WORKTREES } from './lib/context.mjs';
import { fmt, markdownTable } from './lib/measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'cli.js');
const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? (QUICK ? 1 : 5));
const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const ONLY = process.env.BENCH_ONLY?.split(',');
const CASES = join(ROOT, 'bench', 'cases');

const log = (text) => process.stderr.write(`${text}\n`);
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm run bench does).`);
const started = Date.now();
const machine = machineInfo();
log(
  `git-parallel bench${QUICK ? ' (quick)' : ''}: ${machine.cpu} ×${machine.cores}, node ${machine.node}, ${machine.git}, load ${machine.loadStart}`,
);

const ctx = createContext({ cli: CLI, runs: RUNS, files: FILES, quick: QUICK, log });
const extra = {};
for (const file of readdirSync(CASES)
  .filter((f) => f.endsWith('.mjs'))
  .sort()) {
  const mod = await import(pathToFileURL(join(CASES, file)).href);
  if (ONLY && !ONLY.includes(mod.id)) continue;
  log(`\n[${mod.id}] ${mod.title ?? ''}`);
  const caseStart = Date.now();
  const result = await mod.default(ctx);
  if (result?.markdown) extra[mod.id] = result;
  log(`  (${Math.round((Date.now() - caseStart) / 1000)} s)`);
}
emptyTrash();

machine.loadEnd = loadAverage();
machine.seconds = Math.round((Date.now() - started) / 1000);
const hasCpu = ctx.rows.some((r) => r.cpuMedian !== undefined);
const table = [
  markdownTable(
    ['benchmark', 'runs', 'min (ms)', 'median (ms)', ...(hasCpu ? ['cpu median (ms)'] : []), 'note'],
    ctx.rows.map((r) => [
      r.name,
      r.runs,
      fmt(r.min),
      fmt(r.median),
      ...(hasCpu ? [fmt(r.cpuMedian)] : []),
      r.note,
    ]),
  ),
  '',
  markdownTable(
    ['target', 'measured (medians)', 'run by run (median)', 'limit', 'met'],
    ctx.checks.map((c) => [
      c.name,
      show(c.value, c.unit),
      c.paired === undefined ? '' : show(c.paired, c.unit),
      limitText(c),
      c.met === undefined ? '—' : c.met ? 'met' : 'MISSED',
    ]),
  ),
  ...Object.values(extra).flatMap((e) => ['', e.markdown]),
  '',
  `${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), node ${machine.node}, ${machine.git}, npm ${machine.npm}, ${machine.date}; ` +
    `${FILES}-file repository, ${RUNS} runs${QUICK ? ' (quick)' : ''}, worktrees on ${machine.worktrees}; load average ${machine.loadStart} → ${machine.loadEnd}; ${machine.seconds} s.`,
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(
  join(ROOT, 'bench', 'results.json'),
  toJson({ machine, files: FILES, runs: RUNS, quick: QUICK, rows: ctx.rows, checks: ctx.checks, ...extra }),
);
log('\nwrote bench/results.json');

function loadAverage() {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

function machineInfo() {
  const version = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : 'unknown';
  };
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()}`,
    worktrees: `${WORKTREES} (${WORKTREES.startsWith('/dev/shm') ? 'tmpfs' : 'disk'})`,
    node: process.version,
    git: version('git', ['--version']),
    npm: version('npm', ['--version']),
    date: new Date().toISOString(),
    loadStart: loadAverage(),
  };
}

/** JSON as the repository's formatter writes it: 0.1 ms precision, number arrays on one line. */
function toJson(value) {
  const text = JSON.stringify(value, (_key, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v), 2);
  return `${text.replace(/\[\s+([-\d.,\s]+?)\s+\]/g, (_m, items) => `[${items.split(/,\s*/).join(', ')}]`)}\n`;
}
