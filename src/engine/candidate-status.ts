import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { resolveState } from '../attention/resolve.js';
import { git, type RunResult } from '../git/run.js';
import type { MuxDriver } from '../mux/types.js';
import type { PlanView } from '../plan/plan.js';
import { type AgentStateName, readAgentState } from '../task/agent-state.js';
import type { PickRecord } from '../task/picked.js';
import { readRunNumber, runMarker } from '../task/run-markers.js';

export interface CandidateStatus {
  index: number;
  agent: string;
  branch: string;
  worktree: string;
  worktreeExists: boolean;
  /** running | exited | missing (no pane / process) | not-started */
  agentState: 'running' | 'exited' | 'missing';
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
  changedFiles: number;
  uncommitted: number;
  untracked: number;
  /** ISO time of the latest commit or agent log write. */
  lastActivity?: string;
  /** Set once `parallel pick` brought this candidate in (the latest pick). */
  picked?: PickRecord;
}

export interface TaskStatus {
  task: string;
  session: string;
  mux: string;
  sessionAlive: boolean;
  base: { ref: string; commit: string; branch?: string };
  candidates: CandidateStatus[];
}

/** What git says about one candidate: worktree changes and commits since the base. */
export interface Work {
  exists: boolean;
  commitsAhead: number;
  changedFiles: number;
  uncommitted: number;
  untracked: number;
  /** Committer date of the branch tip. */
  tipDate?: Date;
}

/**
 * The git side of `status` for a set of candidates, started at once: one `for-each-ref` for
 * every branch tip, one `git status` per worktree (the only command that reads the worktree's
 * files), and, only for candidates with commits, their count and the files they changed. It
 * needs no config, so `status` starts it from the state file while the config still loads.
 */
export class GitWork {
  private readonly tips: Promise<Map<string, Tip>>;
  private readonly work = new Map<string, Promise<Work>>();
  /** With a status per CPU or more running at once, git's own lstat threads only add overhead. */
  private readonly statusArgs: string[];

  /**
   * `runDir`: the task's run markers. A candidate whose agent has exited (`<n>.exit`) gets a
   * `git status` that may write back the refreshed index: a fresh checkout leaves every file
   * "racily clean" (written in the second the index was), and until git rewrites the index each
   * status re-reads all of them. Worktrees with a running agent are only read.
   */
  constructor(
    private readonly root: string,
    private readonly base: string,
    candidates: Candidate[],
    private readonly runDir: string,
  ) {
    const concurrent = candidates.length >= availableParallelism();
    this.statusArgs = [
      ...(concurrent ? ['-c', 'core.preloadIndex=false'] : []),
      'status',
      '--porcelain',
      '-z',
    ];
    this.tips = branchTips(
      root,
      candidates.map((c) => c.branch),
    );
    for (const c of candidates) this.work.set(key(c), this.start(c));
    // Work that the plan turns out not to need must not end the process as an unhandled rejection.
    for (const work of this.work.values()) work.catch(() => undefined);
  }

  /** Whether this was started for the same repository, base and candidate. */
  covers(root: string, base: string, c: Candidate): boolean {
    return root === this.root && base === this.base && this.work.has(key(c));
  }

  get(c: Candidate): Promise<Work> {
    let work = this.work.get(key(c));
    if (!work) {
      work = this.start(c);
      this.work.set(key(c), work);
    }
    return work;
  }

  private async start(c: Candidate): Promise<Work> {
    const idle = existsSync(runMarker(this.runDir, c.index, 'exit'));
    const status = git(c.worktree, this.statusArgs, { optionalLocks: idle });
    const tip = (await this.tips).get(c.branch);
    const work = await worktreeWork(this.root, c.worktree, this.base, tip?.commit, status);
    return { ...work, tipDate: tip?.date };
  }
}

type Candidate = { index: number; branch: string; worktree: string };
const key = (c: Candidate) => `${c.index}\0${c.branch}\0${c.worktree}`;

/**
 * Observes every candidate of a task. Read-only. `early`: the git work, when the caller could
 * start it before the plan was ready (it is used for the candidates it covers).
 */
export async function taskStatus(plan: PlanView, driver: MuxDriver, early?: GitWork): Promise<TaskStatus> {
  const covered = plan.candidates.every((c) => early?.covers(plan.repo.root, plan.base.commit, c));
  const gitWork =
    covered && early
      ? early
      : new GitWork(plan.repo.root, plan.base.commit, plan.candidates, plan.paths.runDir);
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
      const [exitFile, logTime, work] = await Promise.all([
        pane && !pane.alive && pane.exitCode === undefined
          ? readRunNumber(plan.paths.runDir, c.index, 'exit')
          : undefined,
        stat(join(plan.paths.logDir, `${c.index}.log`)).then(
          (s) => s.mtime,
          () => undefined,
        ),
        gitWork.get(c),
      ]);
      const latest = [logTime, work.tipDate]
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
        state: attention.state,
        reason: attention.reason ?? null,
        since: attention.since ?? null,
        ...(attention.lastLines ? { lastLines: attention.lastLines } : {}),
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

/**
 * Commits ahead of the base, files that differ from the base (committed, uncommitted or
 * untracked) and the uncommitted/untracked counts. Files differing from the base are the
 * commits' changes plus the worktree's; only when a candidate has both does it need the
 * exact (slower) `git diff <base>` against its files.
 */
async function worktreeWork(
  root: string,
  worktree: string,
  base: string,
  tip: string | undefined,
  status: Promise<RunResult>,
): Promise<Work> {
  const moved = tip !== undefined && tip !== base;
  const [porcelain, ahead] = await Promise.all([
    status,
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
