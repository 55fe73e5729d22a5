/**
 * Model-based fault search: fast-check drives random sequences of user steps (edits to tracked,
 * untracked and ignored files, staging, commits) and commands (up, down, --clean, --force,
 * restore, pick) and faults (deleted worktree, deleted branch, corrupt state, a down killed
 * half-way) against a model of the user's work. After every step: every byte of work the model
 * holds is on disk in its worktree or in one of the task's snapshots, and every commit the
 * user made is reachable from a ref, unless the user's own fault step destroyed it.
 *
 * Commands run in-process (one repository per sequence, headless agents that exit at once), so
 * a step costs a few git calls. FUZZ_RUNS / FUZZ_SEED / FUZZ_PATH (`npm run fuzz -- --seed S
 * --runs N`) run longer searches or replay one; a failure prints the shrunk sequence as the
 * shell commands that replay it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
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
const TIME_MS = Number(process.env.FUZZ_TIME_MS ?? 15_000);
const TASK = 'fz';

interface Model {
  /** Candidate n → path → bytes (hex) of uncommitted work the user wrote there. */
  work: Map<number, Map<string, string>>;
  /** Commits the user made (and not destroyed by a fault step). */
  commits: Set<string>;
}

interface Real {
  repo: string;
  wt: (n: number) => string;
  git: (cwd: string, ...args: string[]) => string;
}

const runGit = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Runs a command in-process from the repository; a refusal (UserError) is a valid outcome. */
async function inRepo(real: Real, work: () => Promise<unknown>): Promise<void> {
  const cwd = process.cwd();
  process.chdir(real.repo);
  try {
    await work();
  } catch (error) {
    if ((error as Error)?.name !== 'UserError') throw error;
  } finally {
    process.chdir(cwd);
    process.exitCode = 0;
  }
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
    if (existsSync(join(r.wt(this.n), '.git'))) r.git(r.wt(this.n), 'add', '-A');
  }
  toString = () => `git -C "$WT${this.n}" add -A`;
}

class Commit implements Cmd {
  constructor(readonly n: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const wt = r.wt(this.n);
    if (!existsSync(join(wt, '.git'))) return;
    r.git(wt, 'add', '-A');
    if (spawnSync('git', ['diff', '--cached', '--quiet'], { cwd: wt }).status === 0) return;
    r.git(wt, '-c', 'user.name=u', '-c', 'user.email=u@e', 'commit', '-q', '-m', 'user work');
    m.commits.add(r.git(wt, 'rev-parse', 'HEAD'));
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

class KilledDown implements Cmd {
  constructor(readonly after: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    spawnSync(process.execPath, [CLI, 'down', TASK, '--clean', '--force'], {
      cwd: r.repo,
      env: { ...process.env, PARALLEL_TEST_CRASH_AFTER: String(this.after) },
      stdio: 'ignore',
    });
  }
  toString = () => `PARALLEL_TEST_CRASH_AFTER=${this.after} parallel down ${TASK} --clean --force`;
}

class Up implements Cmd {
  check = () => true;
  run = async (_m: Model, r: Real) =>
    inRepo(r, () => up(TASK, { agents: 2, mux: 'none', attach: false, prompt: 'p' }));
  toString = () => `parallel up ${TASK} --agents 2 --mux none --no-attach --prompt p`;
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
    spawnSync('git', ['update-ref', '-d', `refs/heads/${TASK}-${this.n}`], { cwd: r.repo });
    for (const c of [...m.commits]) if (!reachable(r, c)) m.commits.delete(c);
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

const reachable = (r: Real, commit: string) =>
  spawnSync('git', ['for-each-ref', '--count=1', '--contains', commit], {
    cwd: r.repo,
    encoding: 'utf8',
  }).stdout.trim() !== '';

/** Every byte and commit of the model is in its worktree, or in a snapshot of that candidate. */
function assertNothingLost(m: Model, r: Real): void {
  for (const c of m.commits) expect(reachable(r, c), `commit ${c} is unreachable`).toBe(true);
  const refs = r
    .git(r.repo, 'for-each-ref', '--format=%(refname)', `refs/parallel/${TASK}/`)
    .split('\n')
    .filter(Boolean);
  for (const [n, files] of m.work) {
    for (const [path, hex] of files) {
      const file = join(r.wt(n), path);
      if (existsSync(file) && readFileSync(file).toString('hex') === hex) continue;
      const kept = refs.some((ref) => {
        const info = spawnSync('git', ['cat-file', 'blob', `${ref}:info.json`], {
          cwd: r.repo,
          encoding: 'utf8',
        });
        if (info.status !== 0 || JSON.parse(info.stdout).index !== n) return false;
        const blob = spawnSync('git', ['cat-file', 'blob', `${ref}:files/${path}`], { cwd: r.repo });
        return blob.status === 0 && blob.stdout.toString('hex') === hex;
      });
      expect(kept, `candidate ${n}: ${path} (${hex}) is neither in its worktree nor in a snapshot`).toBe(
        true,
      );
    }
  }
}

const n = fc.constantFrom(1, 2);
const commands = [
  fc
    .tuple(
      n,
      fc.constantFrom('a.txt', 'b.txt', 'd'),
      fc.constantFrom('tracked', 'untracked', 'ignored'),
      fc.uint8Array({ minLength: 1, maxLength: 6 }),
    )
    .map(([i, name, kind, bytes]) => new Write(i, name, kind as Write['kind'], bytes)),
  n.map((i) => new Stage(i)),
  n.map((i) => new Commit(i)),
  fc.tuple(fc.boolean(), fc.boolean()).map(([clean, force]) => new Down(clean || force, force)),
  fc.constant(new Down(true, true)),
  fc.constant(new Up()),
  fc.constant(new Restore()),
  n.map((i) => new Pick(i)),
  n.map((i) => new DeleteWorktree(i)),
  n.map((i) => new DeleteBranch(i)),
  fc.constant(new CorruptState()),
  fc.integer({ min: 1, max: 4 }).map((after) => new KilledDown(after)),
];

let template: string;
let tmp: string;
beforeAll(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'gp-fuzz-')));
  template = join(tmp, 'template');
  mkdirSync(template);
  runGit(template, 'init', '-q', '-b', 'main');
  writeFileSync(join(template, '.gitignore'), '*.log\n');
  writeFileSync(join(template, 'shared.txt'), 'original\n');
  writeFileSync(
    join(template, 'parallel.config.json'),
    JSON.stringify({ agents: [{ name: 'noop', command: 'true', prompt: 'none' }], multiplexer: 'none' }),
  );
  runGit(template, 'add', '-A');
  runGit(template, '-c', 'user.name=u', '-c', 'user.email=u@e', 'commit', '-q', '-m', 'init');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it(
  `no step loses work (${RUNS} sequences)`,
  async () => {
    const quiet = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const quietOut = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let sequence = 0;
    let steps = 0;
    const started = Date.now();
    try {
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 6 }), async (cmds) => {
          const dir = join(tmp, `s${sequence++}`);
          const repo = join(dir, 'repo');
          mkdirSync(dir);
          execFileSync('cp', ['-a', template, repo]);
          const real: Real = { repo, wt: (i) => join(dir, 'repo-worktrees', `${TASK}-${i}`), git: runGit };
          const model: Model = { work: new Map(), commits: new Set() };
          await inRepo(real, () => up(TASK, { agents: 2, mux: 'none', attach: false, prompt: 'p' }));
          try {
            await fc.asyncModelRun(
              () => ({ model, real }),
              [...cmds].map((cmd) => ({
                check: () => true,
                run: async (m: Model, r: Real) => {
                  await cmd.run(m, r);
                  steps++;
                  assertNothingLost(m, r);
                },
                toString: () => cmd.toString(),
              })),
            );
          } finally {
            await inRepo(real, () => down(TASK, undefined));
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        {
          numRuns: RUNS,
          seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined,
          path: process.env.FUZZ_PATH,
          // CI stays within its budget on a slow machine: the search stops after FUZZ_TIME_MS
          // (default 15 s) and says how many sequences it ran; `npm run fuzz` has no limit.
          ...(TIME_MS > 0 ? { interruptAfterTimeLimit: TIME_MS, markInterruptAsFailure: false } : {}),
          reporter: (details) => {
            if (!details.failed) return;
            const list = String(details.counterexample?.[0] ?? '').split(',');
            throw new Error(
              `A sequence lost work (seed ${details.seed}, path ${details.counterexample ? details.counterexamplePath : ''}). Replay in a fresh repository (WT1, WT2 = the candidates' worktrees), after \`parallel up ${TASK} --agents 2 --mux none --no-attach --prompt p\`:\n${list.map((l) => `  ${l.trim()}`).join('\n')}\nor: npm run fuzz -- --seed ${details.seed} --path ${details.counterexamplePath}\n${String(details.errorInstance ?? '')}`,
            );
          },
        },
      );
    } finally {
      quiet.mockRestore();
      quietOut.mockRestore();
    }
    console.log(
      `fuzz: ${sequence} sequences (with shrinking), ${steps} steps, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  },
  TIME_MS > 0 ? TIME_MS + 120_000 : 24 * 3_600_000,
);
