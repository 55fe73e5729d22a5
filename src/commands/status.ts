import { formatCost, formatTokens, formatWall } from '../cost/format.js';
import type { CandidateCost } from '../cost/types.js';
import { type CandidateStatus, GitWork, type TaskStatus, taskStatus } from '../engine/candidate-status.js';
import { findRepo } from '../git/repo.js';
import { out, pc, printJson } from '../output.js';
import { statePaths } from '../plan/paths.js';
import { assertValidTaskName, unknownTaskError } from '../plan/task-name.js';
import { listTasks, readState, type TaskState } from '../task/state.js';

/**
 * The git work (a `git status` per worktree, the slow part) starts from the state files as
 * soon as the repository is known; loading the config and the multiplexer driver for the plan
 * runs meanwhile.
 */
export async function status(task: string | undefined, options: { json?: boolean }): Promise<void> {
  if (task !== undefined) assertValidTaskName(task);
  const repo = await findRepo(process.cwd());
  const states: (TaskState | undefined)[] = task
    ? [await readState(statePaths(repo.commonDir, task).stateFile)]
    : await listTasks(repo.commonDir);
  const early = states.map(
    (s) =>
      s && new GitWork(repo.root, s.base.commit, s.candidates, statePaths(repo.commonDir, s.task).runDir),
  );
  if (task !== undefined && !states[0]) throw unknownTaskError(task, repo.root);
  const tasks = task ? [task] : states.map((s) => s!.task);
  const [{ loadTask }, { loadDriver }, { candidateCost }] = await Promise.all([
    import('../task/context.js'),
    import('../mux/index.js'),
    import('../cost/collect.js'),
  ]);
  const results: TaskStatusWithCost[] = await Promise.all(
    tasks.map(async (name, i) => {
      const { plan, state } = await loadTask(name, {});
      if (!state) throw unknownTaskError(name, plan.repo.root);
      const [status, costs] = await Promise.all([
        taskStatus(plan, await loadDriver(plan.mux), early[i]),
        Promise.all(
          plan.candidates.map((c) =>
            candidateCost({ ...c, runDir: plan.paths.runDir, since: state.createdAt }),
          ),
        ),
      ]);
      return { ...status, candidates: status.candidates.map((c, j) => ({ ...c, cost: costs[j]! })) };
    }),
  );
  if (options.json) return printJson(task ? results[0] : results);
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
  const state =
    c.agentState === 'running'
      ? pc.green('running')
      : c.agentState === 'exited'
        ? c.exitCode
          ? pc.red(`exited ${c.exitCode}`)
          : pc.dim(`exited ${c.exitCode ?? ''}`.trim())
        : pc.yellow('no pane');
  const work = `${c.commitsAhead} commit(s), ${c.changedFiles} file(s)${c.uncommitted || c.untracked ? `, ${c.uncommitted} uncommitted, ${c.untracked} untracked` : ''}`;
  const when = c.lastActivity ? ago(c.lastActivity) : '';
  const wt = c.worktreeExists ? '' : pc.red(' (worktree missing: run `parallel up`)');
  const cost = pc.dim(
    `time ${formatWall(c.cost)}, tokens ${formatTokens(c.cost)}, cost ${formatCost(c.cost)}`,
  );
  return `  #${c.index} ${c.agent.padEnd(9)} ${c.branch.padEnd(18)} ${state.padEnd(18)} ${work}  ${pc.dim(when)}  ${cost}${wt}`;
}

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}
