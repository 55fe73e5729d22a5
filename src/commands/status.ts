import { existsSync } from 'node:fs';
import { formatCost, formatTokens, formatWall } from '../cost/format.js';
import type { CandidateCost } from '../cost/types.js';
import {
  type CandidateStatus,
  statusReader,
  type TaskStatus,
  taskStatus,
} from '../engine/candidate-status.js';
import { findRepo } from '../git/repo.js';
import { loadDriver } from '../mux/index.js';
import { out, pc, printJsonOutput } from '../output.js';
import { statePaths } from '../plan/paths.js';
import { viewFromState } from '../plan/plan.js';
import { assertValidTaskName, UnreadableStateError, unknownTaskError } from '../plan/task-name.js';
import { describeState } from '../task/agent-state.js';
import { readPick } from '../task/picked.js';
import { listTasks, readState, type TaskState } from '../task/state.js';

/**
 * Everything `status` shows is recorded in the task's state or read from git and the
 * multiplexer: it reads no config. The git work (a `git status` per worktree, the slow part)
 * starts as soon as the state is read; the multiplexer driver loads meanwhile.
 */
export async function status(task: string | undefined, options: { json?: boolean }): Promise<void> {
  if (task !== undefined) assertValidTaskName(task);
  const repo = await findRepo(process.cwd());
  const costs = import('../cost/collect.js');
  const states: (TaskState | undefined)[] = task
    ? [await readState(statePaths(repo.commonDir, task).stateFile)]
    : await listTasks(repo.commonDir);
  if (task !== undefined && !states[0]) {
    const file = statePaths(repo.commonDir, task).stateFile;
    throw existsSync(file)
      ? new UnreadableStateError(task, file, repo.commonDir)
      : unknownTaskError(task, repo.root);
  }
  const results: TaskStatusWithCost[] = await Promise.all(
    (states as TaskState[]).map(async (state) => {
      const view = viewFromState(repo, state);
      const work = statusReader(repo.root, state.base.commit, view.candidates, view.paths.runDir);
      const { candidateCost } = await costs;
      const [status, cost, picked] = await Promise.all([
        taskStatus(view, await loadDriver(view.mux), work),
        Promise.all(
          view.candidates.map((c) =>
            candidateCost({
              ...c,
              runDir: view.paths.runDir,
              stateDir: view.paths.dir,
              since: state.createdAt,
            }),
          ),
        ),
        readPick(view.paths),
      ]);
      const candidates = status.candidates.map((c, j) => ({
        ...c,
        cost: cost[j]!,
        picked: picked?.index === c.index ? picked : null,
      }));
      return { ...status, candidates };
    }),
  );
  if (options.json) return printJsonOutput(task ? results[0]! : { tasks: results });
  if (results.length === 0) return out('No tasks yet. Start one with: parallel <task> --prompt "…"');
  out(results.map(formatTask).join('\n\n'));
}

type CandidateWithCost = CandidateStatus & { cost: CandidateCost };
type TaskStatusWithCost = Omit<TaskStatus, 'candidates'> & { candidates: CandidateWithCost[] };

function formatTask(t: TaskStatusWithCost): string {
  const head = `${pc.bold(t.task)}  ${t.mux} session ${t.session} ${t.sessionAlive ? pc.green('up') : pc.yellow('down')}  base ${t.base.branch ?? t.base.ref} ${t.base.commit.slice(0, 10)}`;
  const rows = t.candidates.map(formatCandidate);
  return [head, ...rows].join('\n');
}

function formatCandidate(c: CandidateWithCost): string {
  const label =
    describeState({ ...c, reason: c.reason ?? undefined }) + (c.since ? ` ${ago(c.since, '')}` : '');
  const state = colorState(
    c,
    c.agentState === 'missing' && c.state === 'exited' ? `${label} (no pane)` : label,
  );
  const dirty = c.uncommitted.length || c.untracked.length;
  const work = `${c.commitsAhead} commit(s), ${c.filesChanged} file(s)${dirty ? `, ${c.uncommitted.length} uncommitted, ${c.untracked.length} untracked` : ''}`;
  const when = c.lastActivity ? ago(c.lastActivity) : '';
  const wt =
    c.agentState === 'unreachable'
      ? pc.yellow(` (host ${c.host} does not answer: ${c.unreachable}; its agent may still be running there)`)
      : c.worktreeExists
        ? ''
        : pc.red(' (worktree missing: run `parallel up`)');
  const where = c.host ? pc.dim(` @${c.host}`) : '';
  const cost = pc.dim(
    `time ${formatWall(c.cost)}, tokens ${formatTokens(c.cost)}, cost ${formatCost(c.cost)}`,
  );
  const picked = c.picked ? pc.green(` picked (${c.picked.mode} into ${c.picked.branch})`) : '';
  const row = `  #${c.index}${where} ${c.agent.padEnd(9)} ${c.branch.padEnd(18)} ${state.padEnd(24)} ${work}  ${pc.dim(when)}  ${cost}${picked}${wt}`;
  const lines = c.state === 'failed' ? (c.lastLines ?? []).slice(-5).map((l) => pc.dim(`      │ ${l}`)) : [];
  return [row, ...lines].join('\n');
}

/** Needs the person: bold; working: green; failed: red. */
function colorState(c: CandidateStatus, text: string): string {
  switch (c.state) {
    case 'waiting':
      return pc.bold(pc.yellow(text));
    case 'idle':
      return pc.cyan(text);
    case 'working':
      return pc.green(text);
    case 'failed':
      return pc.red(text);
    case 'exited':
      return c.exitCode ? pc.red(text) : pc.dim(text);
    default:
      return pc.magenta(text);
  }
}

function ago(iso: string, suffix = ' ago'): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  const span = s < 60 ? `${s}s` : s < 3600 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
  return `${span}${suffix}`;
}
