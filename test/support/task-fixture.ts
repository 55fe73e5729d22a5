// End-to-end fixture for compare/report/pick/down/restore/send tests: a real repository, a task
// brought up by the built CLI (`parallel up --mux none`) with the fake agent, and helpers to run
// the CLI and git. Needs `npx tsup` first (dist/cli.js).
import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { killProcessesUnder } from './repo.js';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The built CLI; GP_CLI points elsewhere (a private build while others rebuild dist/). */
export const CLI = process.env.GP_CLI ?? join(ROOT, 'dist/cli.js');
export const FAKE_AGENT = join(ROOT, 'test/fixtures/bin/fake-agent');
export const FAKE_JUDGE = join(ROOT, 'test/fixtures/bin/fake-judge');

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env },
        timeout: options.timeout ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ exitCode: code, stdout, stderr });
      },
    );
  });
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const result = await run('git', args, { cwd });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Fixture {
  tmp: string;
  repo: string;
  /** Where the fake agent records its starts. */
  agentLog: string;
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  worktree(task: string, n: number | string): string;
  commonDir: string;
  cleanup(): Promise<void>;
}

export interface FixtureOptions {
  /** The config's `eval` list. */
  eval?: unknown[];
  /** Extra files in the first commit. */
  files?: Record<string, string>;
  /** Extra keys of parallel.config.json. */
  config?: Record<string, unknown>;
}

/** A repository on `main` with one commit holding parallel.config.json (fake agent, headless). */
export async function createFixture(options: FixtureOptions = {}): Promise<Fixture> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsup\` before these tests.`);
  const tmp = realpathSync(await mkdtemp(join(tmpdir(), 'gp-e2e-')));
  const repo = join(tmp, 'repo');
  await mkdir(repo);
  await git(repo, 'init', '-q', '-b', 'main');
  await git(repo, 'config', 'user.name', 'Test User');
  await git(repo, 'config', 'user.email', 'test@example.com');
  await git(repo, 'config', 'commit.gpgsign', 'false');
  const config = {
    agents: [{ name: 'fake', command: FAKE_AGENT, prompt: 'arg' }],
    multiplexer: 'none',
    eval: options.eval ?? [],
    ...options.config,
  };
  const files: Record<string, string> = {
    'README.md': '# demo\n',
    'shared.txt': 'original\n',
    'parallel.config.json': `${JSON.stringify(config, null, 2)}\n`,
    ...options.files,
  };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(repo, path, '..'), { recursive: true });
    await writeFile(join(repo, path), content);
  }
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'init');
  const agentLog = join(tmp, 'agent-log');
  const env = { FAKE_AGENT_LOG_DIR: agentLog };
  return {
    tmp,
    repo,
    agentLog,
    commonDir: join(repo, '.git'),
    cli: (args, extra) => run(process.execPath, [CLI, ...args], { cwd: repo, env: { ...env, ...extra } }),
    worktree: (task, n) => join(tmp, 'repo-worktrees', `${task}-${n}`),
    // A headless up leaves detached launchers (and the `parallel hook` that records their exit)
    // writing into the task's state: stop them before removing the tree under them.
    cleanup: async () => {
      killProcessesUnder(tmp);
      await rm(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}

/**
 * `parallel up <task> --mux none` with the fake agent, then waits until every agent has exited
 * (each one made its commit unless FAKE_AGENT_EDIT=none).
 */
export async function upTask(
  fx: Fixture,
  task: string,
  agents: number,
  env: NodeJS.ProcessEnv = {},
  extraArgs: string[] = [],
  waitForExit = true,
): Promise<void> {
  const result = await fx.cli(
    [
      'up',
      task,
      '--agents',
      String(agents),
      '--mux',
      'none',
      '--no-attach',
      '--prompt',
      'do it',
      ...extraArgs,
    ],
    env,
  );
  if (result.exitCode !== 0) throw new Error(`parallel up failed: ${result.stderr}`);
  if (!waitForExit) return;
  const runDir = join(fx.commonDir, 'parallel', task, 'run');
  await waitFor(
    () => Array.from({ length: agents }, (_, i) => existsSync(join(runDir, `${i + 1}.exit`))).every(Boolean),
    `${agents} agents of ${task} to exit`,
  );
}

/** A process with this pid exists (a zombie counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
