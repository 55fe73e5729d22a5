// What every bench case gets: the CLI, the fixture repositories, clean-up between runs, the
// `up` and `git worktree add` loop runners, and record()/check() for the tables.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchRepo, checkoutId, onTmpfs, WORK } from './fixture.mjs';
import { fmt, median, stats, timeCommand } from './measure.mjs';

/**
 * The worktrees (80,000+ files per run, created and removed again and again) go to a tmpfs
 * when there is one. This machine's disk is ext4 without a journal and mounted with `discard`:
 * there, removing a tree costs ~0.3 ms per file (a synchronous TRIM), and for the next minutes
 * every new inode is allocated past each recently freed one (the kernel's `recently_deleted`
 * scan), which made one `git worktree add` of 10,000 files take 4–16 s instead of 0.6 s. That
 * measures the file system's history, not git-parallel; on tmpfs, git and git-parallel do the
 * same work as on a healthy disk's page cache. BENCH_WORKTREES=<dir> puts them elsewhere.
 */
export const WORKTREES =
  process.env.BENCH_WORKTREES ??
  (onTmpfs('/dev/shm') ? `/dev/shm/git-parallel-bench-${checkoutId()}/worktrees` : join(WORK, 'worktrees'));
export const TASK = 'bench';
const TRASH = join(WORK, 'trash');

export function createContext({ cli, runs, files, quick, log }) {
  const rows = [];
  const checks = [];
  const repos = new Map();
  let trashed = 0;

  /** The fixture repository of `n` files (built once, then cached); `more`: config keys added to the usual ones. */
  const repoOf = (n = files, more = {}) => {
    const key = `${n}${JSON.stringify(more)}`;
    if (!repos.has(key)) {
      const started = Date.now();
      const fixture = benchRepo({
        files: n,
        name: Object.keys(more).length ? `repo-${Object.keys(more).join('-')}-` : 'repo',
        config: {
          agents: [{ name: 'noop', command: 'true', prompt: 'none' }],
          multiplexer: 'none',
          worktrees: { dir: `${WORKTREES}/{task}-{n}` },
          ...more,
        },
      });
      log(
        `repository: ${n} files at ${fixture.commit.slice(0, 12)} (${fixture.cached ? 'cached' : `built in ${Math.round((Date.now() - started) / 1000)} s`}) in ${fixture.repo}`,
      );
      repos.set(key, fixture.repo);
    }
    return repos.get(key);
  };

  const git = (repo, ...args) =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** One CLI run in `repo` → { ms, cpuMs, rssMiB, stdout }. */
  const parallel = (repo, ...args) => timeCommand(process.execPath, [cli, ...args], { cwd: repo });

  /**
   * Back to the committed fixture: no worktrees, branches or task state (not timed). Off tmpfs,
   * worktrees are moved aside instead of deleted (see WORKTREES) and deleted once, at the end.
   */
  function clean(repo) {
    if (existsSync(WORKTREES)) {
      if (onTmpfs(WORKTREES)) rmSync(WORKTREES, { recursive: true, force: true });
      else {
        mkdirSync(TRASH, { recursive: true });
        renameSync(WORKTREES, join(TRASH, `${process.pid}-${trashed++}`));
      }
    }
    git(repo, 'worktree', 'prune');
    const branches = git(repo, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/')
      .split('\n')
      .filter((b) => b && b !== 'main');
    if (branches.length) git(repo, 'branch', '-q', '-D', ...branches);
    // Task state goes; the compiled-config cache stays, as it does between a user's tasks.
    const state = join(repo, '.git', 'parallel');
    for (const name of existsSync(state) ? readdirSync(state) : [])
      if (name !== '.cache') rmSync(join(state, name), { recursive: true, force: true });
  }

  /** Every worktree of the run is registered, on its branch, and fully checked out. */
  function verify(repo, prefix, count, n = files) {
    const list = git(repo, 'worktree', 'list', '--porcelain');
    const last = n - 1;
    const lastFile = join(
      'src',
      `pkg${String(last % 50).padStart(2, '0')}`,
      `mod${String(Math.floor(last / 50) % 20).padStart(2, '0')}`,
      `file${String(last).padStart(5, '0')}.ts`,
    );
    for (let i = 1; i <= count; i++) {
      const path = join(WORKTREES, `${prefix}-${i}`);
      if (!list.includes(`worktree ${path}\n`) || !list.includes(`branch refs/heads/${prefix}-${i}\n`))
        throw new Error(`worktree ${path} is missing after the run`);
      if (list.includes('locked')) throw new Error(`a worktree is still locked:\n${list}`);
      if (!existsSync(join(path, lastFile))) throw new Error(`${path} is not fully checked out`);
    }
  }

  /** `up` of `count` headless candidates that exit at once. → timeCommand's result. */
  const up = (repo, count, ...extra) =>
    parallel(
      repo,
      'up',
      TASK,
      '--agents',
      String(count),
      '--mux',
      'none',
      '--no-attach',
      '--prompt',
      'bench',
      ...extra,
    );

  /** What a user would do by hand: `git worktree add -b` one candidate after the other. → ms */
  function loop(repo, count) {
    const start = process.hrtime.bigint();
    for (let i = 1; i <= count; i++) {
      timeCommand(
        'git',
        ['worktree', 'add', '--quiet', '-b', `loop-${i}`, join(WORKTREES, `loop-${i}`), 'HEAD'],
        {
          cwd: repo,
        },
      );
    }
    return Number(process.hrtime.bigint() - start) / 1e6;
  }

  /** A table row: wall-clock samples, and the CPU time / peak memory samples when measured. */
  function record(name, samples, { note = '', cpu = [], rss = [] } = {}) {
    const row = { name, ...stats(samples), note };
    if (cpu.length) row.cpuMedian = median(cpu);
    if (rss.length) row.rssMaxMiB = Math.max(...rss);
    rows.push(row);
    log(
      `  ${name}: min ${fmt(row.min)} ms, median ${fmt(row.median)} ms${row.cpuMedian !== undefined ? `, cpu ${fmt(row.cpuMedian)} ms` : ''}${note ? ` (${note})` : ''}`,
    );
    return row;
  }

  /**
   * A target: `value` against `limit` (`at most` unless `atLeast`), in ms or × (`unit`).
   * `paired`: the same comparison run by run (median), where runs were paired.
   */
  function check({ name, value, limit, unit = 'ms', atLeast = false, paired }) {
    const met = limit === undefined ? undefined : atLeast ? value >= limit : value <= limit;
    checks.push({ name, value, limit, unit, atLeast, paired, met });
    log(
      `  target ${name}: ${show(value, unit)} (${limitText({ limit, unit, atLeast })}) ${met === undefined ? '' : met ? 'met' : 'MISSED'}`,
    );
  }

  /** Runs `fn(run)` `runs` times → what it returned each time. */
  const repeat = (fn) => Array.from({ length: Math.max(runs, 1) }, (_, run) => fn(run));

  return {
    cli,
    runs,
    files,
    quick,
    log,
    repoOf,
    git,
    parallel,
    clean,
    verify,
    up,
    loop,
    record,
    check,
    repeat,
    rows,
    checks,
  };
}

export const show = (value, unit) =>
  unit === '×' ? `${value.toFixed(2)}×` : `${fmt(value)} ${unit ?? 'ms'}`;
export const limitText = ({ limit, unit, atLeast }) =>
  limit === undefined ? '—' : `${atLeast ? '≥' : '≤'} ${limit}${unit === '×' ? '×' : ` ${unit ?? 'ms'}`}`;

/** Deletes what clean() moved aside off tmpfs. */
export function emptyTrash() {
  rmSync(TRASH, { recursive: true, force: true });
}
