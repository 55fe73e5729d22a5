import { fetchRefs } from '../git/transport.js';
import { warn } from '../output.js';
import type { Plan } from '../plan/plan.js';
import { sshMessage, sshOptions } from '../proc/ssh.js';
import { shellWords } from '../render/shell.js';
import { byHost, fetchedRef, remotePaths } from './paths.js';

/**
 * Brings each remote candidate's branch into this repository as `refs/parallel/<task>/<n>`
 * (one `git fetch` per host, all hosts at once), so compare, diff, report and pick read it like
 * a local branch. A host that does not answer is named; its candidates keep the commits of the
 * last fetch, if any.
 */
export async function fetchRemoteCandidates(plan: Plan): Promise<void> {
  await Promise.all(
    [...byHost(plan).values()].map(async ({ host, candidates }) => {
      const url = `${host.ssh}:${remotePaths(host, plan.task).repo}`;
      const refspecs = candidates.map((c) => `+refs/heads/${c.branch}:${fetchedRef(plan.task, c.index)}`);
      const result = await fetchRefs(plan.repo.root, url, shellWords(['ssh', ...sshOptions(host)]), refspecs);
      if (result.exitCode !== 0) {
        warn(
          `could not fetch the branches of ${candidates.map((c) => `#${c.index}`).join(', ')} from host "${host.name}": ${sshMessage(result.stderr)}. Showing what was fetched last (if anything).`,
        );
      }
    }),
  );
}
