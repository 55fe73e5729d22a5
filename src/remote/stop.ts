import { warn } from '../output.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { ssh, sshMessage } from '../proc/ssh.js';
import { byHost, remotePaths, remoteSession } from './paths.js';
import { STOP } from './scripts.js';

/**
 * Stops the agents of the task's remote candidates (their tmux sessions on each host), every
 * host at once. A host that does not answer is named, not an error: its agents keep running
 * and nothing there is touched; the returned names say which. `only`: just these candidates.
 */
export async function stopRemoteAgents(plan: Plan, only?: Candidate[]): Promise<string[]> {
  const unreachable: string[] = [];
  await Promise.all(
    [...byHost(plan, only).values()].map(async ({ host, candidates }) => {
      const sessions = candidates.map((c) => remoteSession(plan, c));
      const result = await ssh(host, [
        'bash',
        '-c',
        STOP,
        'stop',
        remotePaths(host, plan.task).socket,
        ...sessions,
      ]);
      if (result.exitCode === 0) return;
      unreachable.push(host.name);
      warn(
        `could not stop the agents of ${candidates.map((c) => `#${c.index}`).join(', ')} on host "${host.name}": ${sshMessage(result.stderr) || `exit ${result.exitCode}`}. They keep running there; run \`parallel down ${plan.task}\` again when the host answers.`,
      );
    }),
  );
  return unreachable;
}
