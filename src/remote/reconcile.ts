import { capabilitiesOf } from '../mux/capabilities.js';
import { HOST_MUX } from '../mux/host-tmux.js';
import type { Plan } from '../plan/plan.js';
import type { HostSeen } from './observe.js';
import { byHost } from './paths.js';

export type RemoteAction =
  | { kind: 'remote-ship'; host: string; commit: string; init: boolean }
  | { kind: 'remote-worktree'; host: string; index: number; branch: string; path: string; base?: string }
  | { kind: 'remote-prepare'; host: string; index: number; path: string }
  | { kind: 'remote-files'; host: string; indexes: number[]; prompt: boolean }
  | { kind: 'remote-start'; host: string; index: number; restart: boolean };

/**
 * The remote half of `up`, pure: hosts as seen → actions per host. A host that cannot be
 * reached, or lacks what it needs, is a problem: `up` stops before it changes anything, and
 * never reads "no answer" as "missing, rebuild it".
 */
export function reconcileRemote(
  plan: Plan,
  seen: Map<string, HostSeen>,
): { actions: RemoteAction[]; problems: string[] } {
  const actions: RemoteAction[] = [];
  const problems: string[] = [];
  for (const { host, candidates } of byHost(plan).values()) {
    const h = seen.get(host.name);
    if (!h) continue;
    if (!h.reachable) {
      problems.push(
        `Host "${host.name}" (ssh ${host.ssh}) cannot be reached: ${h.message}. Its candidates (${candidates.map((c) => `#${c.index}`).join(', ')}) are left as they are; run \`parallel up ${plan.task}\` again when \`ssh ${host.ssh}\` works.`,
      );
      continue;
    }
    const missing = [h.git ? '' : 'git', h.mux ? '' : capabilitiesOf(HOST_MUX).binary!].filter(Boolean);
    if (missing.length) {
      problems.push(
        `Host "${host.name}" has no ${missing.join(' and ')} on the PATH of a non-interactive ssh session. Install ${missing.join(' and ')} there (Debian/Ubuntu: \`sudo apt-get install ${missing.join(' ')}\`; macOS: \`brew install ${missing.join(' ')}\`).`,
      );
      continue;
    }
    if (!h.writable) {
      problems.push(
        `Host "${host.name}": the directory ${host.dir} (hosts.${host.name}.dir) cannot be created or written by the ssh user. Choose a directory that user owns, or create it there and give the user write access.`,
      );
      continue;
    }
    const ownPrompt = candidates.filter((c) => c.prompt !== plan.prompt);
    if (ownPrompt.length) {
      problems.push(
        `Candidate ${ownPrompt.map((c) => `#${c.index}`).join(', ')} on host "${host.name}" has a prompt of its own (synthesize, --prompt-for-new); candidates on a host share the task's prompt for now. Run it on this machine (no \`host\` for its agent, no --host).`,
      );
      continue;
    }
    const absent = candidates.filter((c) => !h.candidates.get(c.index)?.agentFound);
    if (absent.length) {
      const agent = absent[0]!.agent;
      problems.push(
        `Agent "${agent.name}" needs \`${agent.command}\` on host "${host.name}", which is not on the PATH of a non-interactive ssh session there. ${agent.install ? `Install it there (\`${agent.install}\`)` : 'Install it there or fix `command` in the config'}, or run that agent on another host.`,
      );
      continue;
    }
    const created = new Set<number>();
    const unprepared: number[] = [];
    for (const c of candidates) {
      const s = h.candidates.get(c.index)!;
      if (s.exists) {
        if (s.headBranch !== c.branch) {
          problems.push(
            `On host "${host.name}", ${c.worktree} is not on branch "${c.branch}" (${s.headBranch ? `it is on "${s.headBranch}"` : 'detached HEAD'}). Switch it back there, or move it away.`,
          );
          continue;
        }
      } else {
        const fresh = s.branchCommit === undefined;
        actions.push({
          kind: 'remote-worktree',
          host: host.name,
          index: c.index,
          branch: c.branch,
          path: c.worktree,
          ...(fresh ? { base: plan.base.commit } : {}),
        });
        created.add(c.index);
      }
      if (created.has(c.index) || !s.prepared) unprepared.push(c.index);
    }
    const needsBase = actions.some((a) => a.kind === 'remote-worktree' && a.host === host.name && a.base);
    if (needsBase && !h.base) {
      actions.unshift({ kind: 'remote-ship', host: host.name, commit: plan.base.commit, init: !h.repo });
    }
    for (const index of unprepared) {
      const c = candidates.find((x) => x.index === index)!;
      actions.push({ kind: 'remote-prepare', host: host.name, index, path: c.worktree });
    }
    const stale = candidates.filter((c) => h.candidates.get(c.index)!.launcherStale).map((c) => c.index);
    if (stale.length || h.promptStale) {
      actions.push({ kind: 'remote-files', host: host.name, indexes: stale, prompt: h.promptStale });
    }
    for (const c of candidates) {
      const s = h.candidates.get(c.index)!;
      const pane = s.pane;
      // A finished agent (exit 0) is left alone; a crashed or killed one starts again and resumes.
      const finished = pane.state === 'dead' && (pane.exitCode ?? s.exitCode) === 0;
      if (pane.state === 'alive' && !created.has(c.index)) continue;
      if (finished && !created.has(c.index)) continue;
      actions.push({ kind: 'remote-start', host: host.name, index: c.index, restart: pane.state !== 'none' });
    }
  }
  return { actions, problems };
}

export function describeRemoteAction(action: RemoteAction): string {
  switch (action.kind) {
    case 'remote-ship':
      return `send commit ${action.commit.slice(0, 12)} to host ${action.host}${action.init ? ' (new repository there)' : ''}`;
    case 'remote-worktree':
      return action.base
        ? `create worktree ${action.path} on host ${action.host}, new branch ${action.branch} at ${action.base.slice(0, 12)}`
        : `rebuild worktree ${action.path} on host ${action.host} from existing branch ${action.branch}`;
    case 'remote-prepare':
      return `copy files and run setup in ${action.path} on host ${action.host}`;
    case 'remote-files':
      return `write ${action.indexes.length} launcher(s)${action.prompt ? ' and the prompt' : ''} on host ${action.host}`;
    case 'remote-start':
      return `${action.restart ? 'restart' : 'start'} the agent of candidate ${action.index} on host ${action.host}`;
  }
}
