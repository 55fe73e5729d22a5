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
