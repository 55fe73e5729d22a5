import { readFile, stat } from 'node:fs/promises';
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

/**
 * Observes every candidate of a task. Read-only. Git work per candidate is one `git status`
 * (the only command that reads the worktree's files); branch tips and dates come from one
 * `for-each-ref` for all candidates, and commit counts and committed changes are computed
 * from commits alone, only for candidates that have commits.
 */
export async function taskStatus(plan: Plan, driver: MuxDriver): Promise<TaskStatus> {
  const [session, tips] = await Promise.all([
    driver.inspect(plan).catch(() => null),
    branchTips(
      plan.repo.root,
      plan.candidates.map((c) => c.branch),
    ),
  ]);
  const panes = new Map((session?.panes ?? []).map((p) => [p.index, p]));
  const candidates = await Promise.all(
    plan.candidates.map(async (c): Promise<CandidateStatus> => {
      const pane = panes.get(c.index);
      const tip = tips.get(c.branch);
      const [exitFile, logTime, work] = await Promise.all([
        pane && !pane.alive && pane.exitCode === undefined
          ? readExit(join(plan.paths.runDir, `${c.index}.exit`))
          : undefined,
        stat(join(plan.paths.logDir, `${c.index}.log`)).then(
          (s) => s.mtime,
          () => undefined,
        ),
        worktreeWork(plan.repo.root, c.worktree, plan.base.commit, tip?.commit),
      ]);
      const latest = [logTime, tip?.date]
        .filter((d): d is Date => !!d && !Number.isNaN(d.getTime()))
        .sort((a, b) => b.getTime() - a.getTime())[0];
      return {
        index: c.index,
        agent: c.agent.name,
        branch: c.branch,
        worktree: c.worktree,
        worktreeExists: work.exists,
        agentState: pane ? (pane.alive ? 'running' : 'exited') : 'missing',
        exitCode: pane?.exitCode ?? (pane && !pane.alive ? exitFile : undefined),
        commitsAhead: work.commitsAhead,
        changedFiles: work.changedFiles,
        uncommitted: work.uncommitted,
        untracked: work.untracked,
        lastActivity: latest?.toISOString(),
      };
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

interface Tip {
  commit: string;
  date: Date;
}

/** Branch → tip commit and its committer date, in one git call. */
async function branchTips(root: string, branches: string[]): Promise<Map<string, Tip>> {
  const tips = new Map<string, Tip>();
  if (branches.length === 0) return tips;
  const result = await git(root, [
    'for-each-ref',
    '--format=%(objectname) %(committerdate:iso-strict) %(refname)',
    ...branches.map((b) => `refs/heads/${b}`),
  ]);
  for (const line of result.stdout.split('\n')) {
    const [commit, date, ref] = line.split(' ');
    if (!commit || !date || !ref?.startsWith('refs/heads/')) continue;
    tips.set(ref.slice('refs/heads/'.length), { commit, date: new Date(date) });
  }
  return tips;
}

interface Work {
  exists: boolean;
  commitsAhead: number;
  changedFiles: number;
  uncommitted: number;
  untracked: number;
}

/**
 * Commits ahead of the base, files that differ from the base (committed, uncommitted or
 * untracked) and the uncommitted/untracked counts. Files differing from the base are the
 * commits' changes plus the worktree's; only when a candidate has both does it need the
 * exact (slower) `git diff <base>` against its files.
 */
async function worktreeWork(root: string, worktree: string, base: string, tip: string | undefined) {
  const moved = tip !== undefined && tip !== base;
  const [porcelain, ahead] = await Promise.all([
    git(worktree, ['status', '--porcelain', '-z']),
    moved ? git(root, ['rev-list', '--count', `${base}..${tip}`]) : undefined,
  ]);
  const work: Work = { exists: false, commitsAhead: 0, changedFiles: 0, uncommitted: 0, untracked: 0 };
  if (ahead?.exitCode === 0) work.commitsAhead = Number(ahead.stdout.trim());
  if (porcelain.exitCode !== 0) return work;
  work.exists = true;
  const { tracked, untracked } = parsePorcelainZ(porcelain.stdout);
  work.uncommitted = tracked.length;
  work.untracked = untracked.length;
  let changed: string[] = tracked;
  if (moved) {
    const args = tracked.length
      ? ['diff', '--name-only', '-z', base]
      : ['diff', '--name-only', '-z', base, tip];
    const diff = await git(worktree, args);
    if (diff.exitCode === 0) changed = diff.stdout.split('\0').filter(Boolean);
  }
  work.changedFiles = new Set([...changed, ...untracked]).size;
  return work;
}

/** `git status --porcelain -z`: tracked paths with changes and untracked paths (renames count once). */
export function parsePorcelainZ(text: string): { tracked: string[]; untracked: string[] } {
  const tracked: string[] = [];
  const untracked: string[] = [];
  const fields = text.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    const path = entry.slice(3);
    if (entry.startsWith('??')) untracked.push(path);
    else if (!entry.startsWith('!!')) {
      tracked.push(path);
      // A rename or copy is followed by its source path.
      if (entry[0] === 'R' || entry[0] === 'C') i++;
    }
  }
  return { tracked, untracked };
}

async function readExit(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text.trim());
}
