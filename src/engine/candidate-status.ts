import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveState } from '../attention/resolve.js';
import { CandidateGitReader, type CandidateRef } from '../git/facts.js';
import type { MuxDriver } from '../mux/types.js';
import type { PlanView } from '../plan/plan.js';
import { type AgentStateName, readAgentState } from '../task/agent-state.js';
import type { PickRecord } from '../task/picked.js';
import { readRunNumber, runMarker } from '../task/run-markers.js';

/**
 * One candidate as `status` reports it. The work fields mean what they mean in `compare` and
 * the report (src/compare/types.ts): `filesChanged` counts the files the branch's commits
 * changed against the base; the worktree's own changes are listed in `uncommitted` and
 * `untracked`, every untracked file by its path.
 */
export interface CandidateStatus {
  index: number;
  label: string;
  agent: string;
  branch: string;
  worktree: string;
  worktreeExists: boolean;
  /** running | exited | missing (no pane / process) | unreachable (its host does not answer) */
  agentState: 'running' | 'exited' | 'missing' | 'unreachable';
  exitCode?: number;
  /** What the agent is doing: its hooks' last report checked against process facts (attention/resolve.ts). */
  state: AgentStateName;
  /** waiting: `permission` | `question` | `input`; failed: the error or `exit N`. */
  reason: string | null;
  /** ISO time the state last changed (null when only process facts are known). */
  since: string | null;
  /** failed: the last lines the agent printed. */
  lastLines?: string[];
  commitsAhead: number;
  filesChanged: number;
  insertions: number;
  deletions: number;
  uncommitted: string[];
  untracked: string[];
  /** ISO time of the latest commit or agent log write. */
  lastActivity?: string;
  /** Set once `parallel pick` brought this candidate in (the latest pick); null otherwise. */
  picked: PickRecord | null;
  /** The machine it runs on (config `hosts`); absent: this one. */
  host?: string;
  /** Why its host could not be asked (ssh's message), when agentState is `unreachable`. */
  unreachable?: string;
}

export interface TaskStatus {
  task: string;
  session: string;
  mux: string;
  sessionAlive: boolean;
  base: { ref: string; commit: string; branch: string | null };
  candidates: CandidateStatus[];
}

/**
 * The git side of `status` for a set of candidates, started at once (see CandidateGitReader).
 * `runDir`: the task's run markers; a worktree whose agent has exited (`<n>.exit`) gets a
 * `git status` that may write back the refreshed index, one with a running agent is only read.
 */
export function statusReader(
  root: string,
  base: string,
  candidates: (CandidateRef & { hostName?: string })[],
  runDir: string,
): CandidateGitReader {
  // A remote candidate's worktree is read on its host (remote/status.ts), not here.
  const refs = candidates.map((c) => (c.hostName ? { ...c, elsewhere: true } : c));
  return new CandidateGitReader(root, base, refs, {
    mode: 'quick',
    mayWriteIndex: (c) => existsSync(runMarker(runDir, c.index, 'exit')),
  });
}

/**
 * Observes every candidate of a task. Read-only. `early`: the git work, when the caller could
 * start it before the plan was ready (it is used for the candidates it covers).
 */
export async function taskStatus(
  plan: PlanView,
  driver: MuxDriver,
  early?: CandidateGitReader,
): Promise<TaskStatus> {
  const covered = plan.candidates.every((c) => early?.covers(plan.repo.root, plan.base.commit, c));
  const reader =
    covered && early
      ? early
      : statusReader(plan.repo.root, plan.base.commit, plan.candidates, plan.paths.runDir);
  // Only a task with candidates on other machines reads the config (for the hosts' ssh details).
  const remote = plan.candidates.some((c) => c.hostName)
    ? import('../remote/status.js').then((m) => m.remoteStatusesOf(plan.task))
    : undefined;
  const session = await driver.inspect(plan).catch(() => null);
  const panes = new Map((session?.panes ?? []).map((p) => [p.index, p]));
  const candidates = await Promise.all(
    plan.candidates.map(async (c): Promise<CandidateStatus> => {
      const pane = panes.get(c.index);
      const attention = resolveState(readAgentState(plan.paths.dir, c.index), pane);
      if (attention.state === 'failed' && !attention.lastLines && pane && driver.lastLines) {
        const lines = await driver.lastLines(plan, pane, 10).catch(() => []);
        if (lines.length) attention.lastLines = lines;
      }
      const [exitFile, logTime, work, files] = await Promise.all([
        pane && !pane.alive && pane.exitCode === undefined
          ? readRunNumber(plan.paths.runDir, c.index, 'exit')
          : undefined,
        stat(join(plan.paths.logDir, `${c.index}.log`)).then(
          (s) => s.mtime,
          () => undefined,
        ),
        reader.facts(c),
        reader.committedFiles(c),
      ]);
      const latest = [logTime, work.tipDate]
        .filter((d): d is Date => !!d && !Number.isNaN(d.getTime()))
        .sort((a, b) => b.getTime() - a.getTime())[0];
      return {
        index: c.index,
        label: c.label,
        agent: c.agent.name,
        branch: c.branch,
        worktree: c.worktree,
        worktreeExists: work.worktreeExists,
        agentState: pane ? (pane.alive ? 'running' : 'exited') : 'missing',
        exitCode: pane?.exitCode ?? (pane && !pane.alive ? exitFile : undefined),
        state: attention.state,
        reason: attention.reason ?? null,
        since: attention.since ?? null,
        ...(attention.lastLines ? { lastLines: attention.lastLines } : {}),
        commitsAhead: work.commitsAhead,
        filesChanged: files.length,
        insertions: files.reduce((n, f) => n + f.insertions, 0),
        deletions: files.reduce((n, f) => n + f.deletions, 0),
        uncommitted: work.uncommitted,
        untracked: work.untracked,
        lastActivity: latest?.toISOString(),
        picked: null,
      };
    }),
  );
  // A remote candidate's agent and work are on its host; the local pane is only a view of it.
  const hosts = await remote;
  const all = hosts
    ? candidates.map((c) => (hosts.has(c.index) ? { ...c, ...hosts.get(c.index) } : c))
    : candidates;
  return {
    task: plan.task,
    session: plan.session,
    mux: plan.mux,
    sessionAlive: session !== null,
    base: { ref: plan.base.ref, commit: plan.base.commit, branch: plan.base.branch ?? null },
    candidates: all,
  };
}
