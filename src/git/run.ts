import { execFile } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs git without a shell; resolves with its exit code instead of throwing. `env` replaces git's environment. */
export function git(
  cwd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd, env: options.env ?? gitEnv(), maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ stdout, stderr, exitCode: code });
      },
    );
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
