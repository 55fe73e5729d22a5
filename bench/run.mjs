#!/usr/bin/env node
// `npm run bench`: how long git-parallel takes for what users wait on, against what they would
// do by hand, on a deterministic 10,000-file repository. Not a test: prints a markdown table and
// writes bench/results.json. Knobs: BENCH_RUNS (5), BENCH_FILES (10000), BENCH_ONLY=up,noop,version,deps,
// BENCH_WORKTREES (where the candidates' worktrees go; default /dev/shm/git-parallel-bench, see below),
// BENCH_CLI (another build's dist/cli.js, to compare).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { NPM_PACKAGES, npmProject, sampleNodeModules } from './lib/deps.mjs';
import { benchRepo, WORK } from './lib/fixture.mjs';
import { fmt, markdownTable, stats, timeCommand, timeFn } from './lib/measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = process.env.BENCH_CLI ?? join(ROOT, 'dist', 'cli.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILES = Number(process.env.BENCH_FILES ?? 10_000);
const ONLY = process.env.BENCH_ONLY?.split(',');
const COUNTS = [1, 4, 8];
const TASK = 'bench';
const TMPFS = 0x01021994;
const onTmpfs = (path) => {
  try {
    return statfsSync(path).type === TMPFS;
  } catch {
    return false;
  }
};
/**
 * The worktrees (80,000+ files per run, created and removed again and again) go to a tmpfs
 * when there is one. This machine's disk is ext4 without a journal and mounted with `discard`:
 * there, removing a tree costs ~0.3 ms per file (a synchronous TRIM), and for the next minutes
 * every new inode is allocated past each recently freed one (the kernel's `recently_deleted`
 * scan), which made one `git worktree add` of 10,000 files take 4–16 s instead of 0.6 s. That
 * measures the file system's history, not git-parallel; on tmpfs, git and git-parallel do the
 * same work as on a healthy disk's page cache. BENCH_WORKTREES=<dir> puts them elsewhere.
 */
const WORKTREES =
  process.env.BENCH_WORKTREES ??
  (onTmpfs('/dev/shm') ? '/dev/shm/git-parallel-bench' : join(WORK, 'worktrees'));
const CONFIG = {
  agents: [{ name: 'noop', command: 'true', prompt: 'none' }],
  multiplexer: 'none',
  worktrees: { dir: `${WORKTREES}/{task}-{n}` },
};

const log = (text) => process.stderr.write(`${text}\n`);
const wants = (section) => !ONLY || ONLY.includes(section);
const rows = [];
const checks = [];
const record = (name, samples, note = '') => {
  const row = { name, ...stats(samples), note };
  rows.push(row);
  log(`  ${name}: min ${fmt(row.min)} ms, median ${fmt(row.median)} ms${note ? ` (${note})` : ''}`);
  return row;
};
/** `paired`: the same comparison run by run (median), where the table has one. */
const check = (name, value, limit, met, unit, paired) => {
  checks.push({ name, value, limit, met, unit, paired });
};

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm run bench does).`);
const started = Date.now();
const machine = machineInfo();
log(
  `git-parallel bench: ${machine.cpu} ×${machine.cores}, node ${machine.node}, ${machine.git}, load ${machine.loadStart}`,
);

const fixture = benchRepo({ files: FILES, config: CONFIG });
log(
  `repository: ${FILES} files at ${fixture.commit.slice(0, 12)} (${fixture.cached ? 'cached' : 'built'}) in ${fixture.repo}`,
);
const { repo } = fixture;
const worktrees = WORKTREES;
if (existsSync(join(WORK, 'trash'))) {
  log('deleting the trash of an earlier run');
  rmSync(join(WORK, 'trash'), { recursive: true, force: true });
}
const git = (...args) =>
  execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const parallel = (...args) => timeCommand(process.execPath, [CLI, ...args], { cwd: repo });

/**
 * Back to the committed fixture: no worktrees, branches or task state (not timed). Off tmpfs,
 * worktrees are moved aside instead of deleted (see WORKTREES) and deleted once, at the end.
 */
const TRASH = join(WORK, 'trash');
let trashed = 0;
function clean() {
  if (existsSync(worktrees)) {
    if (onTmpfs(worktrees)) rmSync(worktrees, { recursive: true, force: true });
    else {
      mkdirSync(TRASH, { recursive: true });
      renameSync(worktrees, join(TRASH, `${process.pid}-${trashed++}`));
    }
  }
  git('worktree', 'prune');
  const branches = git('for-each-ref', '--format=%(refname:short)', 'refs/heads/')
    .split('\n')
    .filter((b) => b && b !== 'main');
  if (branches.length) git('branch', '-q', '-D', ...branches);
  rmSync(join(repo, '.git', 'parallel'), { recursive: true, force: true });
}

/** Every worktree of the run is registered, on its branch, and fully checked out. */
function verify(prefix, count) {
  const list = git('worktree', 'list', '--porcelain');
  for (let n = 1; n <= count; n++) {
    const path = join(worktrees, `${prefix}-${n}`);
    if (!list.includes(`worktree ${path}\n`) || !list.includes(`branch refs/heads/${prefix}-${n}\n`))
      throw new Error(`worktree ${path} is missing after the run`);
    if (list.includes('locked')) throw new Error(`a worktree is still locked:\n${list}`);
    if (!existsSync(join(path, 'src', 'pkg49', 'mod19', `file${String(FILES - 1).padStart(5, '0')}.ts`)))
      throw new Error(`${path} is not fully checked out`);
  }
}

const upOnce = (count) =>
  parallel('up', TASK, '--agents', String(count), '--mux', 'none', '--no-attach', '--prompt', 'bench').ms;

function loopOnce(count) {
  const start = process.hrtime.bigint();
  for (let n = 1; n <= count; n++) {
    timeCommand(
      'git',
      ['worktree', 'add', '--quiet', '-b', `loop-${n}`, join(worktrees, `loop-${n}`), 'HEAD'],
      {
        cwd: repo,
      },
    );
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

if (wants('up')) {
  log('\n`up` against a sequential `git worktree add` loop (same run, alternating order)');
  for (const count of COUNTS) {
    const up = [];
    const loop = [];
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? ['up', 'loop'] : ['loop', 'up'];
      for (const which of order) {
        clean();
        if (which === 'up') {
          up.push(upOnce(count));
          verify(TASK, count);
        } else {
          loop.push(loopOnce(count));
          verify('loop', count);
        }
      }
    }
    clean();
    const a = record(`up, ${count} candidate(s)`, up);
    const b = record(`git worktree add loop ×${count}`, loop);
    // Each run's up and loop ran back to back: their pairing cancels load that drifts across runs.
    const paired = (f) => stats(up.map((u, i) => f(u, loop[i]))).median;
    if (count === 1) {
      const diff = a.median - b.median;
      check(
        'up ×1 − loop ×1',
        diff,
        150,
        diff <= 150,
        'ms',
        paired((u, l) => u - l),
      );
    } else {
      const ratio = a.median / b.median;
      const target = count === 8 ? 0.75 : undefined;
      check(
        `up ×${count} / loop ×${count}`,
        ratio,
        target,
        target && ratio <= target,
        '×',
        paired((u, l) => u / l),
      );
    }
  }
}

if (wants('noop')) {
  log('\nwith 8 candidates up: a second `up`, `status`, `ls`');
  clean();
  upOnce(8);
  const dry = JSON.parse(parallel('up', TASK, '--mux', 'none', '--no-attach', '--dry-run', '--json').stdout);
  if (dry.actions.length) throw new Error(`a second up is not a no-op: ${JSON.stringify(dry.actions)}`);
  const noop = [];
  const status = [];
  const ls = [];
  for (let run = 0; run < RUNS; run++) {
    noop.push(parallel('up', TASK, '--mux', 'none', '--no-attach').ms);
    status.push(parallel('status', TASK).ms);
    ls.push(parallel('ls').ms);
  }
  clean();
  for (const [name, samples] of [
    ['no-op up (8 candidates)', noop],
    ['status (8 candidates)', status],
    ['ls (8 candidates)', ls],
  ]) {
    const row = record(name, samples);
    check(`${name.split(' (')[0]} median`, row.median, 300, row.median <= 300, 'ms');
  }
}

if (wants('version')) {
  log('\nstart-up: `parallel --version` against bare `node -e 0`');
  const version = [];
  const bare = [];
  for (let run = 0; run < RUNS * 2; run++) {
    version.push(timeCommand(process.execPath, [CLI, '--version']).ms);
    bare.push(timeCommand(process.execPath, ['-e', '0']).ms);
  }
  const a = record('parallel --version', version);
  const b = record('node -e 0', bare);
  check('--version / node -e 0', a.median / b.median, 2, a.median / b.median <= 2, '×');
}

if (wants('deps')) {
  log('\nper-worktree dependencies: link a node_modules against `npm ci`');
  const { linkTree } = await createJiti(import.meta.url).import(join(ROOT, 'src', 'deps', 'link.ts'));
  const cached = sampleNodeModules();
  // Like the worktrees: on tmpfs when there is one (with its own copy of the sample, so that
  // hard links stay on one file system), else in the trash, deleted at the end (see clean()).
  const scratch = onTmpfs(dirname(WORKTREES)) ? `${WORKTREES}-deps` : join(TRASH, `deps-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  const sample = { ...cached, modules: join(scratch, 'sample', 'node_modules') };
  cpSync(cached.modules, sample.modules, { recursive: true, verbatimSymlinks: true });
  const npmCi = (dir) =>
    timeCommand('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir }).ms;
  const npmDir = npmProject(join(scratch, 'npm'));
  npmCi(npmDir); // warms ~/.npm: the comparison is with a cached install, not the network
  const npmModules = join(npmDir, 'node_modules');
  const npmFiles = countFiles(npmModules);
  // The linked trees must work: every package of the lock resolves from a "worktree".
  for (const method of ['auto', 'symlink']) {
    const worktree = join(scratch, `check-${method}`);
    await linkTree(npmModules, join(worktree, 'node_modules'), { method });
    const code =
      "for (const p of ['commander','p-limit','picocolors','proper-lockfile','write-file-atomic']) await import(p)";
    timeCommand(process.execPath, ['--input-type=module', '-e', code], { cwd: worktree });
  }
  const samples = { ci: [], auto: [], symlink: [], autoNpm: [], symlinkNpm: [], copy: [] };
  const methods = {};
  for (let run = 0; run < RUNS; run++) {
    samples.ci.push(npmCi(npmProject(join(scratch, `npm-${run}`))));
    const worktree = join(scratch, `wt-${run}`);
    for (const method of ['auto', 'symlink']) {
      samples[method].push(
        await timeFn(async () => {
          methods[method] = await linkTree(sample.modules, join(worktree, method, 'node_modules'), {
            method,
          });
        }),
      );
      samples[`${method}Npm`].push(
        await timeFn(() => linkTree(npmModules, join(worktree, `${method}-npm`, 'node_modules'), { method })),
      );
    }
    samples.copy.push(timeCommand('cp', ['-R', sample.modules, join(worktree, 'copy')]).ms);
  }
  if (!scratch.startsWith(TRASH)) rmSync(scratch, { recursive: true, force: true });
  const ci = record(`npm ci (${npmFiles} files in ${NPM_PACKAGES} packages, cached)`, samples.ci);
  const auto = record(
    `link sample node_modules (${sample.files} files), default`,
    samples.auto,
    methods.auto,
  );
  const store = record(
    `link sample node_modules (${sample.files} files), store`,
    samples.symlink,
    methods.symlink,
  );
  record(`link npm ci's node_modules (${npmFiles} files), default`, samples.autoNpm, methods.auto);
  record(`link npm ci's node_modules (${npmFiles} files), store`, samples.symlinkNpm, methods.symlink);
  record('cp -R sample node_modules (reference)', samples.copy);
  for (const [label, row] of [
    [`npm ci / link (${methods.auto}, default)`, auto],
    [`npm ci / link (${methods.symlink} store)`, store],
  ])
    check(label, ci.median / row.median, 10, ci.median / row.median >= 10, '×');
}

machine.loadEnd = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
machine.seconds = Math.round((Date.now() - started) / 1000);
const table = [
  markdownTable(
    ['benchmark', 'runs', 'min (ms)', 'median (ms)', 'note'],
    rows.map((r) => [r.name, r.runs, fmt(r.min), fmt(r.median), r.note]),
  ),
  '',
  markdownTable(
    ['target', 'measured (medians)', 'run by run (median)', 'limit', 'met'],
    checks.map((c) => [
      c.name,
      show(c.value, c.unit),
      c.paired === undefined ? '' : show(c.paired, c.unit),
      c.limit === undefined
        ? '—'
        : c.name.startsWith('npm')
          ? `≥ ${c.limit}×`
          : `≤ ${c.limit}${c.unit === '×' ? '×' : ' ms'}`,
      c.met === undefined ? '—' : c.met ? 'yes' : 'NO',
    ]),
  ),
  '',
  `${machine.cpu} (${machine.cores} cores), node ${machine.node}, ${machine.git}, npm ${machine.npm}, ${machine.date}; ` +
    `${FILES}-file repository, ${RUNS} runs, worktrees on ${machine.worktrees}; load average ${machine.loadStart} → ${machine.loadEnd}; ${machine.seconds} s.`,
].join('\n');
process.stdout.write(`\n${table}\n`);
writeFileSync(
  join(ROOT, 'bench', 'results.json'),
  toJson({ machine, files: FILES, runs: RUNS, rows, checks }),
);
log('\nwrote bench/results.json');

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
    worktrees: `${WORKTREES} (${onTmpfs('/dev/shm') && WORKTREES.startsWith('/dev/shm') ? 'tmpfs' : 'disk'})`,
    node: process.version,
    git: version('git', ['--version']),
    npm: version('npm', ['--version']),
    date: new Date().toISOString(),
    loadStart: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' '),
  };
}

function show(value, unit) {
  return unit === '×' ? `${value.toFixed(2)}×` : `${fmt(value)} ms`;
}

/** JSON as the repository's formatter writes it: 0.1 ms precision, number arrays on one line. */
function toJson(value) {
  const text = JSON.stringify(value, (_key, v) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v), 2);
  return `${text.replace(/\[\s+([-\d.,\s]+?)\s+\]/g, (_m, items) => `[${items.split(/,\s*/).join(', ')}]`)}\n`;
}

function countFiles(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
}
