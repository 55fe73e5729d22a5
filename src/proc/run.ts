import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

/** Runs a command (no shell of its own, stdin closed) with its output into `output`; → its exit code (127: could not start). */
export function runInto(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; output: Writable },
): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(options.output, { end: false });
    child.stderr.pipe(options.output, { end: false });
    child.on('error', () => resolve(127));
    child.on('close', (code) => resolve(code ?? 1));
  });
}

export interface Captured {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command (stdin closed) and collects its output; never throws (127: could not start).
 * `timeoutMs`: past it the command is killed and the result says so (exit code 124, `timedOut`).
 */
export function runCaptured(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Captured & { timedOut?: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // A child that forked and left its grandchildren holding the pipes would delay 'close': the timer answers.
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            resolve({ exitCode: 124, stdout, stderr, timedOut: true });
          }, options.timeoutMs);
    const done = (result: Captured) => {
      clearTimeout(timer);
      resolve(result);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => done({ exitCode: 127, stdout, stderr: error.message }));
    child.on('close', (code) => done({ exitCode: code ?? 1, stdout, stderr }));
  });
}
