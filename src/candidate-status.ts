import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './git/run.js';
import type { MuxDriver } from './mux/types.js';
import type { Plan } from './plan.js';

export interface CandidateStatus {
  index: number;
  agent: string;
  branch: string;
  worktree: string;
  worktreeExists: boolean;
  /** running | exited | missing (no pane / process) | not-started */
  agentState: 'running' | 'exited' | 'missing';
  exitCode?: number;
  commitsAhead: number;
  changedFiles: number;
  uncommitted: number;
  untracked: number;
  /** ISO time of the latest commit or agent log write. */
  lastActivity?: string;
}

export interface TaskStatus {
  task: string;
  session: string;
  mux: string;
  sessionAlive: boolean;
  base: { ref: string; commit: string; branch?: string };
  candidates: CandidateStatus[];
}

/** Observes every candidate of a task. Read-only. */
export async function taskStatus(plan: Plan, driver: MuxDriver): Promise<TaskStatus> {
  const session = await driver.inspect(plan).catch(() => null);
  const panes = new Map((session?.panes ?? []).map((p) => [p.index, p]));
  const candidates = await Promise.all(
    plan.candidates.map(async (c): Promise<CandidateStatus> => {
      const pane = panes.get(c.index);
      const exitFile = await readExit(join(plan.paths.runDir, `${c.index}.exit`));
      const base: CandidateStatus = {
        index: c.index,
        agent: c.agent.name,
        branch: c.branch,
        worktree: c.worktree,
        worktreeExists: false,
        agentState: pane ? (pane.alive ? 'running' : 'exited') : 'missing',
        exitCode: pane?.exitCode ?? (pane && !pane.alive ? exitFile : undefined),
        commitsAhead: 0,
        changedFiles: 0,
        uncommitted: 0,
        untracked: 0,
      };
      const [ahead, porcelain, changed, last] = await Promise.all([
        git(plan.repo.root, ['rev-list', '--count', `${plan.base.commit}..refs/heads/${c.branch}`]),
        git(c.worktree, ['status', '--porcelain']),
        git(c.worktree, ['diff', '--name-only', plan.base.commit]),
        git(plan.repo.root, ['log', '-1', '--format=%cI', `refs/heads/${c.branch}`]),
      ]);
      if (ahead.exitCode === 0) base.commitsAhead = Number(ahead.stdout.trim());
      if (porcelain.exitCode === 0) {
        base.worktreeExists = true;
        const lines = porcelain.stdout.split('\n').filter(Boolean);
        base.untracked = lines.filter((l) => l.startsWith('??')).length;
        base.uncommitted = lines.length - base.untracked;
        base.changedFiles = new Set([
          ...changed.stdout.split('\n').filter(Boolean),
          ...lines.filter((l) => l.startsWith('??')).map((l) => l.slice(3)),
        ]).size;
      }
      const logTime = await stat(join(plan.paths.logDir, `${c.index}.log`)).then(
        (s) => s.mtime,
        () => undefined,
      );
      const commitTime = last.exitCode === 0 && last.stdout.trim() ? new Date(last.stdout.trim()) : undefined;
      const latest = [logTime, commitTime]
        .filter((d): d is Date => !!d)
        .sort((a, b) => b.getTime() - a.getTime())[0];
      base.lastActivity = latest?.toISOString();
      return base;
    }),
  );
  return {
    task: plan.task,
    session: plan.session,
    mux: plan.mux,
    sessionAlive: session !== null,
    base: plan.base,
    candidates,
  };
}

async function readExit(file: string): Promise<number | undefined> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text.trim());
}
