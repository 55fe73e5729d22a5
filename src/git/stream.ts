import { spawn } from 'node:child_process';
import { GitError, gitEnv } from './run.js';

/**
 * Runs git and yields its stdout as it arrives, so a large output is never held whole. Throws
 * GitError after the last chunk when git fails; stopping early kills git.
 */
export async function* gitStream(cwd: string, args: string[]): AsyncGenerator<Buffer> {
  const child = spawn('git', args, { cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < 8192) stderr += text;
  });
  const exit = new Promise<number>((resolve) => {
    child.on('error', (error) => {
      stderr ||= `cannot run git: ${error.message}`;
      resolve(127);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
  let finished = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    finished = true;
  } finally {
    if (!finished) child.kill();
  }
  const exitCode = await exit;
  if (exitCode !== 0) throw new GitError(args, { stdout: '', stderr, exitCode });
}
