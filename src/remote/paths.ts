import type { ResolvedHost } from '../config/resolve.js';
import type { Candidate, Plan } from '../plan/plan.js';

/**
 * Where a host keeps things, all under its `dir`: one bare repository (the shipped commits and
 * the candidates' branches), the candidates' worktrees, the task's prompt, launchers and run
 * markers, and the socket of the tmux server that runs the agents there.
 */
export interface RemotePaths {
  repo: string;
  taskDir: string;
  promptFile: string;
  launchDir: string;
  runDir: string;
  logDir: string;
  socket: string;
}

export function remotePaths(host: ResolvedHost, task: string): RemotePaths {
  const taskDir = `${host.dir}/tasks/${task}`;
  return {
    repo: `${host.dir}/repo.git`,
    taskDir,
    promptFile: `${taskDir}/prompt.txt`,
    launchDir: `${taskDir}/launch`,
    runDir: `${taskDir}/run`,
    logDir: `${taskDir}/logs`,
    socket: `${host.dir}/tmux.sock`,
  };
}

export const remoteWorktree = (host: ResolvedHost, task: string, n: number) =>
  `${host.dir}/worktrees/${task}-${n}`;

/** One tmux session per remote candidate on the host's own tmux server. */
export const remoteSession = (plan: Plan, candidate: Candidate) => `${plan.session}-${candidate.index}`;

export const remoteLauncher = (paths: RemotePaths, candidate: Candidate) =>
  `${paths.launchDir}/${candidate.index}.sh`;

/** The local ref a remote candidate's branch is fetched into. */
export const fetchedRef = (task: string, index: number) => `refs/parallel/${task}/${index}`;

/** Remote candidates (of `only`, else all the plan's) grouped by host name, in plan order. */
export function byHost(
  plan: Plan,
  only: Candidate[] = plan.candidates,
): Map<string, { host: ResolvedHost; candidates: Candidate[] }> {
  const groups = new Map<string, { host: ResolvedHost; candidates: Candidate[] }>();
  for (const c of only) {
    if (!c.host) continue;
    const group = groups.get(c.host.name) ?? { host: c.host, candidates: [] };
    group.candidates.push(c);
    groups.set(c.host.name, group);
  }
  return groups;
}
