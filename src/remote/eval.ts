import type { ResolvedHost } from '../config/resolve.js';
import { remoteCommand, sshCommandArgv } from '../proc/ssh.js';

/**
 * How an eval runs where its candidate lives: ssh into the host, cd into the worktree there and
 * run the command with the candidate's variables, bounded by the host's `timeout` (exit 124),
 * so a connection that drops mid-eval leaves nothing running there for long.
 */
export function remoteEvalSpawn(
  host: ResolvedHost,
  worktree: string,
  command: string,
  env: Record<string, string>,
  timeoutMs: number,
): { file: string; args: string[] } {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const vars = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  const remote = `cd -- ${remoteCommand([worktree])} && exec ${remoteCommand(['env', ...vars, 'timeout', '-k', '2', String(seconds), 'sh', '-c', command])}`;
  return { file: 'ssh', args: sshCommandArgv(host, remote) };
}
