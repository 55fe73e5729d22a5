import { spawn } from 'node:child_process';
import { trace, tracing } from '../perf/trace.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface GitOptions {
  /** Replaces git's environment. */
  env?: NodeJS.ProcessEnv;
  /**
   * Let git take its optional locks (`git status` then writes back the refreshed index). Off by
   * default so that git-parallel never makes an agent's own git command fail on index.lock.
   */
  optionalLocks?: boolean;
}

/** Runs git without a shell (stdin closed); resolves with its exit code instead of throwing. */
export function git(cwd: string, args: string[], options: GitOptions = {}): Promise<RunResult> {
  const env = options.env ?? (options.optionalLocks ? lockingEnv() : gitEnv());
  const start = tracing ? performance.now() : 0;
  return new Promise((resolve) => {
    const child = spawn('git', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    let failed: Error | undefined;
    child.on('error', (error) => {
      failed = error;
    });
    child.on('close', (code) => {
      const exitCode = failed ? 127 : (code ?? 1);
      if (failed) stderr ||= `cannot run git: ${failed.message}`;
      if (tracing) trace(`git ${args.join(' ')} (in ${cwd}) → ${exitCode}`, start);
      resolve({ stdout, stderr, exitCode });
    });
  });
}

/**
 * git's stdout as bytes (paths and file content are not necessarily UTF-8); `input` is written
 * to its stdin. Throws like gitOk() on a non-zero exit.
 */
export function gitBytes(
  cwd: string,
  args: string[],
  options: { input?: Buffer; env?: NodeJS.ProcessEnv } = {},
) {
  const start = tracing ? performance.now() : 0;
  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      env: options.env ?? gitEnv(),
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    if (options.input) child.stdin!.on('error', () => {}).end(options.input);
    child.on('error', (error) =>
      reject(new GitError(args, { stdout: '', stderr: error.message, exitCode: 127 })),
    );
    child.on('close', (code) => {
      if (tracing) trace(`git ${args.join(' ')} (in ${cwd}) → ${code}`, start);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new GitError(args, { stdout: '', stderr, exitCode: code ?? 1 }));
    });
  });
}

/** Like git() but throws with the command and git's own message on failure. */
export async function gitOk(cwd: string, args: string[]): Promise<string> {
  const result = await git(cwd, args);
  if (result.exitCode !== 0) {
    throw new GitError(args, result);
  }
  return result.stdout;
}

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly result: RunResult,
  ) {
    super(
      `git ${args.join(' ')} failed (exit ${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`,
    );
    this.name = 'GitError';
  }
}

let cachedEnv: NodeJS.ProcessEnv | undefined;
let cachedLockingEnv: NodeJS.ProcessEnv | undefined;
/** Git must not prompt or page, and its messages must be parseable. */
export function gitEnv(): NodeJS.ProcessEnv {
  cachedEnv ??= {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    GIT_OPTIONAL_LOCKS: '0',
  };
  return cachedEnv;
}

function lockingEnv(): NodeJS.ProcessEnv {
  if (!cachedLockingEnv) {
    cachedLockingEnv = { ...gitEnv() };
    delete cachedLockingEnv.GIT_OPTIONAL_LOCKS;
  }
  return cachedLockingEnv;
}
