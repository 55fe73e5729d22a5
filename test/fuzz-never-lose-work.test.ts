/**
 * Model-based fault search: fast-check drives random sequences of user steps (edits to tracked,
 * untracked and ignored files, staging, commits) and commands (up, down, --clean, --force,
 * restore, pick) and faults (deleted worktree, deleted branch, corrupt state, a down or an up
 * killed with SIGKILL half-way) against a model of the user's work. After every step: every
 * byte of work the model holds is on disk in its worktree or in one of the task's snapshots,
 * and every commit the user made is reachable from a ref, unless the user's own fault step
 * destroyed it.
 *
 * Commands run in-process (headless agents that exit at once), in two lanes side by side; each
 * sequence starts from a copy of the state the first `up` left. A step costs its git calls,
 * and a killed one a whole CLI process. FUZZ_RUNS / FUZZ_SEED / FUZZ_PATH / FUZZ_LANES (`npm
 * run fuzz -- --seed S --runs N`) run longer searches or replay one; a failure prints the shrunk
 * sequence as the shell commands that replay it. The figures printed at the end say how many
 * sequences and steps ran, in how long, and where the time went.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { down } from '../src/commands/down.js';
import { pick } from '../src/commands/pick.js';
import { restore } from '../src/commands/restore.js';
import { up } from '../src/commands/up.js';
import { CLI } from './support/task-fixture.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
// CI's budget for the search: 200 sequences or 2 minutes, whichever comes first (a machine
// busy with other work gets fewer; the figures printed say how many).
const TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 120_000);
const TASK = 'fz';
const UP_ARGS = ['up', TASK, '--agents', '2', '--mux', 'none', '--no-attach', '--prompt', 'p'];

interface Model {
  /** Candidate n → path → bytes (hex) of uncommitted work the user wrote there. */
  work: Map<number, Map<string, string>>;
  /** Commits the user made (and not destroyed by a fault step). */
  commits: Set<string>;
}

/** One lane of the search: its own directory, where its sequences run one after the other. */
interface Real {
  /** The lane's directory: `work` (the sequence running) and `template` (the state after `up`). */
  lane: string;
  repo: string;
  wt: (n: number) => string;
  /** An `up` ran in this sequence: its launchers are stopped before the next one. */
  started: boolean;
}

/** Runs a program to its end without blocking the other lanes; → exit status and stdout. */
function run(cwd: string, file: string, args: string[], env?: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: Buffer }>((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(chunks) }));
  });
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { status, stdout } = await run(cwd, 'git', args);
  if (status !== 0) throw new Error(`git ${args.join(' ')} failed in ${cwd} (exit ${status})`);
  return stdout.toString('utf8').trim();
}

// Lanes run side by side in this process: each command sees its lane's repository as the
// current directory (process.cwd() answers per async context) instead of a process-wide chdir.
const cwdOf = new AsyncLocalStorage<string>();

/** Runs a command in-process from the repository; a refusal (UserError) is a valid outcome. */
async function inRepo(real: Real, work: () => Promise<unknown>): Promise<void> {
  await cwdOf.run(real.repo, async () => {
    try {
      await work();
    } catch (error) {
      if ((error as Error)?.name !== 'UserError') throw error;
    } finally {
      process.exitCode = 0;
    }
  });
}

type Cmd = fc.AsyncCommand<Model, Real>;

class Write implements Cmd {
  constructor(
    readonly n: number,
    readonly name: string,
    readonly kind: 'tracked' | 'untracked' | 'ignored',
    readonly bytes: Uint8Array,
  ) {}
  path = () =>
    this.kind === 'tracked' ? 'shared.txt' : this.kind === 'ignored' ? `${this.name}.log` : this.name;
  check = () => true;
  async run(m: Model, r: Real) {
    if (!existsSync(join(r.wt(this.n), '.git'))) return;
    writeFileSync(join(r.wt(this.n), this.path()), this.bytes);
    if (!m.work.has(this.n)) m.work.set(this.n, new Map());
    m.work.get(this.n)!.set(this.path(), Buffer.from(this.bytes).toString('hex'));
  }
  toString = () =>
    `printf '${[...this.bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}' > "$WT${this.n}/${this.path()}"`;
}

class Stage implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    if (existsSync(join(r.wt(this.n), '.git'))) await git(r.wt(this.n), 'add', '-A');
  }
  toString = () => `git -C "$WT${this.n}" add -A`;
}

class Commit implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const wt = r.wt(this.n);
    if (!existsSync(join(wt, '.git'))) return;
    await git(wt, 'add', '-A');
    if ((await run(wt, 'git', ['diff', '--cached', '--quiet'])).status === 0) return;
    await git(wt, '-c', 'user.name=u', '-c', 'user.email=u@e', 'commit', '-q', '-m', 'user work');
    m.commits.add(await git(wt, 'rev-parse', 'HEAD'));
    // Committed files are kept by the commit; ignored ones stay uncommitted work.
    const work = m.work.get(this.n);
    for (const path of [...(work?.keys() ?? [])]) if (!path.endsWith('.log')) work!.delete(path);
  }
  toString = () => `git -C "$WT${this.n}" add -A && git -C "$WT${this.n}" commit -qm 'user work'`;
}

class Down implements Cmd {
  constructor(
    readonly clean: boolean,
    readonly force: boolean,
  ) {}
  check = () => true;
  run = async (_m: Model, r: Real) =>
    inRepo(r, () => down(TASK, undefined, { clean: this.clean, force: this.force }));
  toString = () => `parallel down ${TASK}${this.clean ? ' --clean' : ''}${this.force ? ' --force' : ''}`;
}

/** A real process killed with SIGKILL half-way (the built CLI's crash point for tests). */
async function killedRun(r: Real, after: number, args: string[]): Promise<void> {
  await run(r.repo, process.execPath, [CLI, ...args], {
    ...process.env,
    PARALLEL_TEST_CRASH_AFTER: String(after),
  });
}

/** Killed at the `after`th kill point of its removals (three per candidate, six for two). */
class KilledDown implements Cmd {
  constructor(readonly after: number) {}
  check = () => true;
  run = async (_m: Model, r: Real) => killedRun(r, this.after, ['down', TASK, '--clean', '--force']);
  toString = () => `PARALLEL_TEST_CRASH_AFTER=${this.after} parallel down ${TASK} --clean --force`;
}

/** Killed after `after` of its actions (branches, worktrees, launchers…). */
class KilledUp implements Cmd {
  constructor(readonly after: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    r.started = true;
    await killedRun(r, this.after, UP_ARGS);
  }
  toString = () => `PARALLEL_TEST_CRASH_AFTER=${this.after} parallel ${UP_ARGS.join(' ')}`;
}

class Up implements Cmd {
  check = () => true;
  async run(_m: Model, r: Real) {
    r.started = true;
    await inRepo(r, () => up(TASK, { agents: 2, mux: 'none', attach: false, prompt: 'p' }));
  }
  toString = () => `parallel ${UP_ARGS.join(' ')}`;
}

class Restore implements Cmd {
  check = () => true;
  run = async (_m: Model, r: Real) => inRepo(r, () => restore(TASK));
  toString = () => `parallel restore ${TASK}`;
}

class Pick implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  run = async (_m: Model, r: Real) => inRepo(r, () => pick(TASK, this.n));
  toString = () => `parallel pick ${TASK} ${this.n}`;
}

/** Faults: the user destroys something themselves; the model forgets exactly that. */
class DeleteWorktree implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    rmSync(r.wt(this.n), { recursive: true, force: true });
    m.work.delete(this.n);
  }
  toString = () => `rm -rf "$WT${this.n}"`;
}

class DeleteBranch implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    await run(r.repo, 'git', ['update-ref', '-d', `refs/heads/${TASK}-${this.n}`]);
    const kept = await reachableCommits(r);
    for (const c of [...m.commits]) if (!kept.has(c)) m.commits.delete(c);
  }
  toString = () => `git update-ref -d refs/heads/${TASK}-${this.n}`;
}

class CorruptState implements Cmd {
  check = () => true;
  async run(_m: Model, r: Real) {
    const file = join(r.repo, '.git', 'parallel', TASK, 'state.json');
    if (existsSync(file)) writeFileSync(file, '{ corrupt');
  }
  toString = () => `echo '{ corrupt' > .git/parallel/${TASK}/state.json`;
}

/** Every commit reachable from any ref (not from a worktree's HEAD, nor from a reflog). */
const reachableCommits = async (r: Real) => new Set((await git(r.repo, 'rev-list', '--glob=*')).split('\n'));

/** Every byte and commit of the model is in its worktree, or in a snapshot of that candidate. */
async function assertNothingLost(m: Model, r: Real): Promise<void> {
  if (m.commits.size) {
    const kept = await reachableCommits(r);
    for (const c of m.commits) expect(kept.has(c), `commit ${c} is unreachable`).toBe(true);
  }
  let refs: string[] | undefined;
  for (const [n, files] of m.work) {
    for (const [path, hex] of files) {
      const file = join(r.wt(n), path);
      if (existsSync(file) && readFileSync(file).toString('hex') === hex) continue;
      refs ??= (await git(r.repo, 'for-each-ref', '--format=%(refname)', `refs/parallel/${TASK}/`))
        .split('\n')
        .filter(Boolean);
      let kept = false;
      for (const ref of refs) {
        const info = await run(r.repo, 'git', ['cat-file', 'blob', `${ref}:info.json`]);
        if (info.status !== 0 || JSON.parse(info.stdout.toString('utf8')).index !== n) continue;
        const blob = await run(r.repo, 'git', ['cat-file', 'blob', `${ref}:files/${path}`]);
        if (blob.status === 0 && blob.stdout.toString('hex') === hex) kept = true;
        if (kept) break;
      }
      expect(kept, `candidate ${n}: ${path} (${hex}) is neither in its worktree nor in a snapshot`).toBe(
        true,
      );
    }
  }
}

const n = fc.constantFrom(1, 2);
// Weighted: the user's own edits and the commands come often; a real kill -9 (a whole CLI
// process started for it, the dearest step by far) in about one step in twenty.
const commands = [
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          n,
          fc.constantFrom('a.txt', 'b.txt', 'd'),
          fc.constantFrom('tracked', 'untracked', 'ignored'),
          fc.uint8Array({ minLength: 1, maxLength: 6 }),
        )
        .map(([i, name, kind, bytes]) => new Write(i, name, kind as Write['kind'], bytes)),
    },
    { weight: 1, arbitrary: n.map((i) => new Stage(i)) },
    { weight: 2, arbitrary: n.map((i) => new Commit(i)) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.boolean(), fc.boolean())
        .map(([clean, force]) => new Down(clean || force, force)),
    },
    { weight: 1, arbitrary: fc.constant(new Down(true, true)) },
    { weight: 1, arbitrary: fc.constant(new Up()) },
    { weight: 2, arbitrary: fc.constant(new Restore()) },
    { weight: 2, arbitrary: n.map((i) => new Pick(i)) },
    { weight: 1, arbitrary: n.map((i) => new DeleteWorktree(i)) },
    { weight: 1, arbitrary: n.map((i) => new DeleteBranch(i)) },
    { weight: 1, arbitrary: fc.constant(new CorruptState()) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        // Three kill points per removed candidate: before it, its worktree moved aside, its branch deleted.
        fc.integer({ min: 1, max: 6 }).map((after): Cmd => new KilledDown(after)),
        fc.integer({ min: 1, max: 6 }).map((after): Cmd => new KilledUp(after)),
      ),
    },
  ),
];

/** Time per step kind, printed with the figures: where a sequence's time goes. */
const timings = new Map<string, { n: number; ms: number }>();
async function timed<T>(kind: string, work: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    const t = timings.get(kind) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += performance.now() - start;
    timings.set(kind, t);
  }
}

/** CPU seconds of this process, and of the children it waited for (git…); 0 without /proc. */
function cpuSeconds(): [number, number] {
  const stat = existsSync('/proc/self/stat') ? readFileSync('/proc/self/stat', 'utf8') : '';
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return f.length > 15 ? [(f[11]! + f[12]!) / 100, (f[13]! + f[14]!) / 100] : [0, 0];
}

/** fast-check hands the commands over wrapped. */
const kindOf = (cmd: object) => ((cmd as { cmd?: object }).cmd ?? cmd).constructor.name;

// Every sequence starts from the same `up`: it runs once per lane, its result (repository,
// worktrees, task state) is kept as the lane's template and copied back to the same path before
// each sequence, so every absolute path the task recorded holds. tmpfs when there is one.
const LANES = process.env.FUZZ_PATH ? 1 : Number(process.env.FUZZ_LANES ?? 2);
let tmp: string;
const lanes: Real[] = [];
const work = (r: Real) => join(r.lane, 'work');
const template = (r: Real) => join(r.lane, 'template');

async function makeTemplate(r: Real): Promise<void> {
  mkdirSync(r.repo, { recursive: true });
  await git(r.repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(r.repo, '.gitignore'), '*.log\n');
  writeFileSync(join(r.repo, 'shared.txt'), 'original\n');
  // No start-up watch: the agents exit at once and their state is not what is searched here.
  writeFileSync(
    join(r.repo, 'parallel.config.json'),
    JSON.stringify({
      agents: [{ name: 'noop', command: 'true', prompt: 'none' }],
      multiplexer: 'none',
      startupWait: 0,
    }),
  );
  await git(r.repo, 'add', '-A');
  await git(r.repo, '-c', 'user.name=u', '-c', 'user.email=u@e', 'commit', '-q', '-m', 'init');
  await inRepo(r, () => up(TASK, { agents: 2, mux: 'none', attach: false, prompt: 'p' }));
  await inRepo(r, () => down(TASK, undefined));
  renameSync(work(r), template(r));
}

const realCwd = process.cwd;
const realScript = process.argv[1];
beforeAll(async () => {
  process.cwd = () => cwdOf.getStore() ?? realCwd.call(process);
  // The launchers report to `parallel hook` run as `node <this script> hook`: in-process that
  // would be vitest's worker, so point it at the built CLI, as a real `up` does.
  process.argv[1] = CLI;
  tmp = realpathSync(mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'gp-fuzz-')));
  for (let k = 0; k < LANES; k++) {
    const lane = join(tmp, `lane${k}`);
    lanes.push({
      lane,
      repo: join(lane, 'work', 'repo'),
      wt: (i) => join(lane, 'work', 'repo-worktrees', `${TASK}-${i}`),
      started: false,
    });
  }
  await Promise.all(lanes.map(makeTemplate));
});
afterAll(() => {
  process.cwd = realCwd;
  process.argv[1] = realScript;
  rmSync(tmp, { recursive: true, force: true });
});

it(
  `no step loses work (${RUNS} sequences)`,
  async () => {
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const quietOut = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let sequence = 0;
    let steps = 0;
    const started = Date.now();
    const cpuBefore = cpuSeconds();
    // At the time limit fast-check stops waiting for the sequence under way; it is still awaited
    // (below) before the figures, so nothing of it runs on after the test.
    const running = new Set<Promise<void>>();
    const property = (real: Real) =>
      fc.asyncProperty(fc.commands(commands, { maxCommands: 6 }), (cmds) => {
        const one = runSequence(real, cmds);
        running.add(one);
        return one.finally(() => running.delete(one));
      });
    const runSequence = async (real: Real, cmds: Iterable<Cmd>) => {
      real.started = false;
      await timed('copy template', () =>
        cpSync(template(real), work(real), {
          recursive: true,
          preserveTimestamps: true,
          verbatimSymlinks: true,
        }),
      );
      const model: Model = { work: new Map(), commits: new Set() };
      try {
        await fc.asyncModelRun(
          () => ({ model, real }),
          [...cmds].map((cmd) => ({
            check: () => true,
            run: async (m: Model, r: Real) => {
              await timed(kindOf(cmd), () => cmd.run(m, r));
              steps++;
              await timed('check', () => assertNothingLost(m, r));
            },
            toString: () => cmd.toString(),
          })),
        );
      } finally {
        // Stops whatever a step started (launchers), then the next sequence starts afresh.
        if (real.started) await timed('final down', () => inRepo(real, () => down(TASK, undefined)));
        rmSync(work(real), { recursive: true, force: true });
      }
      sequence++;
    };
    // One seed per lane (the given one and the next ones): a failure names its lane's seed.
    const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
    const outcomes = await Promise.allSettled(
      lanes.map((real, k) =>
        fc.assert(property(real), {
          numRuns: Math.ceil(RUNS / LANES),
          seed: seed + k,
          path: process.env.FUZZ_PATH,
          // The search stops after FUZZ_TIME_MS and says how many sequences it ran; `npm run
          // fuzz` has no limit.
          ...(TIME_MS > 0 ? { interruptAfterTimeLimit: TIME_MS, markInterruptAsFailure: false } : {}),
          reporter: (details) => {
            if (!details.failed) return;
            const list = String(details.counterexample?.[0] ?? '').split(',');
            throw new Error(
              `A sequence lost work (seed ${details.seed}, path ${details.counterexample ? details.counterexamplePath : ''}). Replay in a fresh repository (WT1, WT2 = the candidates' worktrees), after \`parallel up ${TASK} --agents 2 --mux none --no-attach --prompt p\`:\n${list.map((l) => `  ${l.trim()}`).join('\n')}\nor: npm run fuzz -- --seed ${details.seed} --path ${details.counterexamplePath}\n${String(details.errorInstance ?? '')}`,
            );
          },
        }),
      ),
    );
    await Promise.allSettled([...running]);
    quiet.mockRestore();
    quietOut.mockRestore();
    const cpuAfter = cpuSeconds();
    const [cpu, cpuChildren] = [0, 1].map((i) => cpuAfter[i]! - cpuBefore[i]!);
    const per = [...timings].map(([kind, t]) => `${kind} ${t.n}× ${(t.ms / t.n).toFixed(0)} ms`);
    console.log(
      `fuzz: ${sequence} sequences run to their end (with shrinking) in ${LANES} lane(s) from seed ${seed}, ${steps} steps, ${((Date.now() - started) / 1000).toFixed(1)} s (CPU: ${cpu!.toFixed(1)} s in this process, ${cpuChildren!.toFixed(1)} s in git and the other programs it waited for)\n  mean time per step kind: ${per.join(', ')}`,
    );
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  },
  TIME_MS > 0 ? TIME_MS + 120_000 : 24 * 3_600_000,
);
