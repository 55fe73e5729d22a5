import { hostSendKeys } from '../mux/host-tmux.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { ssh, sshMessage } from '../proc/ssh.js';
import { remotePaths, remoteSession } from './paths.js';

/**
 * Types `text` (then Enter) into a remote candidate's agent, in its session on the host: one
 * ssh round trip, the text as quoted argv words. Resolves with why it was not sent, if so.
 */
export async function sendRemote(plan: Plan, c: Candidate, text: string): Promise<string | undefined> {
  const host = c.host!;
  const result = await ssh(
    host,
    hostSendKeys(remotePaths(host, plan.task).socket, remoteSession(plan, c), text),
  );
  if (result.exitCode === 0) return undefined;
  if (result.exitCode === 255)
    return `#${c.index}: host ${host.name} does not answer (${sshMessage(result.stderr)})`;
  return `#${c.index} has no running agent on host ${host.name} (${sshMessage(result.stderr)})`;
}
