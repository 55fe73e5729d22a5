/**
 * End-to-end helpers: a temporary git repository with a commit and a config that runs the fake
 * agent, the built CLI run as a subprocess with an isolated environment (own tmux server, own
 * Zellij-double socket dir, own agent log), and readers for what the agents recorded.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { waitFor } from './wait.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURE_BIN = join(ROOT, 'test/fixtures/bin');
export const FAKE_AGENT = join(FIXTURE_BIN, 'fake-agent');
export const ZELLIJ_DOUBLE = join(FIXTURE_BIN, 'zellij');
/** The built CLI (`npx tsup`); PARALLEL_CLI (or GP_CLI) points at another build. */
export const CLI = process.env.PARALLEL_CLI ?? process.env.GP_CLI ?? join(ROOT, 'dist/cli.js');

/** tmux is optional on a laptop; in CI (scripts/test-deps.sh installs it) its absence fails the run. */
export const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI)
      throw new Error('tmux is not installed: CI runs every tmux test (scripts/test-deps.sh installs it)');
    return false;
  }
})();
export const hasZellijDouble = existsSync(join(ROOT, 'test/support/zellij-double/cli.mjs'));

export interface AgentSpec {
  name?: string;
  command?: string;
  resume?: string[] | false;
  prompt?: 'arg' | 'stdin' | 'none' | { flag: string };
  count?: number;
  env?: Record<string, string>;
  args?: string[];
}

/** A custom agent entry running the fake agent (resume flag `--continue`). */
export const fakeAgent = (extra: AgentSpec = {}): AgentSpec => ({
  name: 'fake',
  command: FAKE_AGENT,
  resume: ['--continue'],
  ...extra,
});

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RepoOptions {
  /** Directory name of the repository (spaces, quotes, `$HOME` welcome). */
  name?: string;
  /** Make a first commit (default true). */
  commit?: boolean;
  /** parallel.config.json content, committed; null: no config file. */
  config?: Record<string, unknown> | null;
  /** Put test/fixtures/bin (fake zellij) first on PATH. */
  zellij?: boolean;
  /** Extra environment for every CLI run. */
  env?: Record<string, string>;
}

export interface TestRepo {
  /** The temp directory holding the repo, worktrees, logs, sockets. */
  parent: string;
  /** The repository's main worktree. */
  dir: string;
  logDir: string;
  env: NodeJS.ProcessEnv;
  run(args: string[], options?: RunOptions): Promise<RunResult>;
  git(args: string[], cwd?: string): string;
  worktree(task: string, n: number): string;
  stateDir(task: string): string;
  starts(): Start[];
  records(): AgentRecord[];
  cleanup(): Promise<void>;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Own process group, so a crash hook can kill the CLI with every child it has. */
  detached?: boolean;
  timeoutMs?: number;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** The environment a CLI run gets: nothing of an enclosing tmux or Zellij session. */
function baseEnv(parent: string, zellij: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TMUX|ZELLIJ|FAKE_|PARALLEL_)/.test(key)) continue;
    env[key] = value;
  }
  const path = (process.env.PATH ?? '').split(delimiter).filter((p) => resolve(p) !== FIXTURE_BIN);
  return {
    ...env,
    ...IDENTITY,
    PATH: (zellij ? [FIXTURE_BIN, ...path] : path).join(delimiter),
    TMUX_TMPDIR: join(parent, 'tmux'),
    ZELLIJ_SOCKET_DIR: join(parent, 'zj'),
    FAKE_AGENT_LOG_DIR: join(parent, 'agent-log'),
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    // A test's `git status` must not take index.lock while an agent commits in that worktree.
    GIT_OPTIONAL_LOCKS: '0',
  };
}

export async function makeRepo(options: RepoOptions = {}): Promise<TestRepo> {
  const parent = await mkdtemp(join(tmpdir(), 'gp-e2e-'));
  const dir = join(parent, options.name ?? 'repo');
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(parent, 'tmux'), { recursive: true });
  const env = { ...baseEnv(parent, options.zellij ?? false), ...options.env };
  const git = (args: string[], cwd = dir) =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git(['init', '-q', '-b', 'main']);
  if (options.commit !== false) {
    writeFileSync(join(dir, 'README.md'), '# test repo\n');
    const config = options.config === undefined ? { agents: [fakeAgent({ count: 3 })] } : options.config;
    if (config) writeFileSync(join(dir, 'parallel.config.json'), `${JSON.stringify(config, null, 2)}\n`);
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'init']);
  }
  const logDir = env.FAKE_AGENT_LOG_DIR!;
  const repo: TestRepo = {
    parent,
    dir,
    logDir,
    env,
    run: (args, o = {}) => runCli(args, { ...o, cwd: o.cwd ?? dir, env: { ...env, ...o.env } }),
    git,
    worktree: (task, n) => join(parent, `${options.name ?? 'repo'}-worktrees`, `${task}-${n}`),
    stateDir: (task) => join(dir, '.git', 'parallel', task),
    starts: () => readStarts(logDir),
    records: () => readRecords(logDir),
    cleanup: async () => {
      killProcessesUnder(parent);
      await rm(parent, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
  return repo;
}

/** Runs the built CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
export function runCli(
  args: string[],
  options: RunOptions & { env?: NodeJS.ProcessEnv | Record<string, string | undefined> } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(options.env ?? process.env)) if (v !== undefined) env[k] = v;
    const child: ChildProcess = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.detached ?? false,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `parallel ${args.join(' ')} did not finish within ${options.timeoutMs ?? 60_000} ms\n${stderr}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

export interface Start {
  index: number;
  kind: 'start' | 'resume';
  cwd: string;
}

export function readStarts(logDir: string): Start[] {
  let text = '';
  try {
    text = readFileSync(join(logDir, 'starts.log'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [index, kind, ...cwd] = line.split(' ');
      return { index: Number(index), kind: kind as Start['kind'], cwd: cwd.join(' ') };
    });
}

export interface AgentRecord {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  prompt: string | null;
  stdinPrompt: string | null;
  resumed: boolean;
  pid: number;
  at: number;
}

export function readRecords(logDir: string): AgentRecord[] {
  let files: string[] = [];
  try {
    files = readdirSync(logDir).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  const records: AgentRecord[] = [];
  for (const file of files) {
    try {
      records.push(JSON.parse(readFileSync(join(logDir, file), 'utf8')) as AgentRecord);
    } catch {
      // being written
    }
  }
  return records.sort((a, b) => a.at - b.at);
}

/** Waits until the agents have recorded `count` starts (fresh or resumed) in total. */
export async function waitForStarts(repo: TestRepo, count: number, timeout = 15_000): Promise<Start[]> {
  return waitFor(() => repo.starts().length >= count && repo.starts(), {
    timeout,
    message: `${count} agent start(s) in ${repo.logDir}/starts.log`,
  });
}

/** Kills every process whose command line or working directory is inside `dir` (agents, launchers, tmux server). */
export function killProcessesUnder(dir: string): number[] {
  const killed: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return killed;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let cmdline = '';
    let cwd = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      // gone, or not ours to read
    }
    if (cmdline.includes(dir) || cwd === dir || cwd.startsWith(`${dir}/`)) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // already gone
      }
    }
  }
  return killed;
}

/** Commit hash of a branch, or undefined when it does not exist. */
export function branchCommit(repo: TestRepo, branch: string): string | undefined {
  try {
    return repo.git(['rev-parse', '--verify', '-q', `refs/heads/${branch}`]).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `git worktree list --porcelain` as records. */
export function worktreeList(
  repo: TestRepo,
): { path: string; branch?: string; prunable: boolean; locked: boolean }[] {
  const out = repo.git(['worktree', 'list', '--porcelain']);
  return out
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const lines = block.split('\n');
      return {
        path: lines[0]!.slice('worktree '.length),
        branch: lines.find((l) => l.startsWith('branch '))?.slice('branch refs/heads/'.length),
        prunable: lines.some((l) => l.startsWith('prunable')),
        locked: lines.some((l) => l.startsWith('locked')),
      };
    });
}

/** Every branch name of the repository. */
export const branches = (repo: TestRepo) =>
  repo.git(['for-each-ref', '--format=%(refname:short)', 'refs/heads/']).split('\n').filter(Boolean);

export const tmux = (repo: TestRepo, args: string[]) =>
  execFileSync('tmux', args, { env: repo.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/**
 * The environment of a git or CLI run outside makeRepo: this process's, with a committer identity,
 * no global or system git config and no colour; `extra` on top.
 */
export const isolatedEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  NO_COLOR: '1',
  ...extra,
});

/** `git init` of `dir` (created when missing) with one empty commit; `initArgs` go to `git init`. */
export function initEmptyRepo(dir: string, env: NodeJS.ProcessEnv, initArgs: string[] = []): void {
  execFileSync('git', ['init', '-q', ...initArgs, dir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync('git', ['-C', dir, 'commit', '-q', '--allow-empty', '-m', 'init'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Removes a directory tree even while processes die in it. */
export const removeTree = (path: string) => rmSync(path, { recursive: true, force: true, maxRetries: 5 });

export { waitFor };
