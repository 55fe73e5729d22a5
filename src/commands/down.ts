import { rmdir } from 'node:fs/promises';
import { sep } from 'node:path';
import pLimit from 'p-limit';
import { findCandidate, loadRecordedTask, type RecordedTask } from '../compare/task.js';
import { type CleanDecision, type CleanFacts, planClean } from '../engine/clean-plan.js';
import { UserError } from '../errors.js';
import { discardWorktree, finishDiscards } from '../git/discard.js';
import { unmarkBranch } from '../git/owner.js';
import { deleteBranchAt, pruneQuietly } from '../git/worktrees.js';
import { loadDriver } from '../mux/index.js';
import type { MuxDriver } from '../mux/types.js';
import { info, pc } from '../output.js';
import { launcherFile, statePaths } from '../plan/paths.js';
import { taskId } from '../plan/plan.js';
import { UnreadableStateError, unknownTaskError } from '../plan/task-name.js';
import { crashPoint } from '../proc/group.js';
import { endProcesses, type Marks } from '../proc/marked.js';
import type { RemoteCleanFacts } from '../remote/clean.js';
import { lockTask } from '../task/lock.js';
import { readState, writeState } from '../task/state.js';
import { archiveCandidate, archiveRemote, bundleTask, clearTaskDir } from './down-archive.js';
import { blockedOnHost, cleanTarget, gatherCleanFacts } from './down-facts.js';

const SNAPSHOTS_AT_ONCE = 4;

export interface DownOptions {
  clean?: boolean;
  force?: boolean;
}

/**
 * Stops the session and the agents; keeps worktrees and branches. --clean removes candidates
 * with no unique work; --clean --force archives everything first, then removes it all.
 */
export async function down(task: string, n: number | undefined, options: DownOptions = {}): Promise<void> {
  if (options.force && !options.clean) {
    throw new UserError('--force only works together with --clean: `parallel down <task> --clean --force`.', {
      exitCode: 2,
    });
  }
  const rt = await loadRecordedTask(task, process.cwd(), { fetch: false }).catch(async (error: unknown) => {
    // An unreadable state must not leave the task's agents running: stop them by their marker.
    if (error instanceof UnreadableStateError) {
      const stopped = await endProcesses(taskMarks(error.commonDir, task, n));
      throw new UserError(
        `${error.message} ${stopped.length ? `Stopped ${stopped.length} process(es) of its agents; ` : 'No agent of it was running; '}nothing else was changed.`,
      );
    }
    throw error;
  });
  if (n !== undefined) findCandidate(rt, n);
  const plan = rt.plan;
  const unlock = await lockTask(plan);
  let emptied = false;
  try {
    // Another command may have changed the task while this one waited for the lock.
    const state = await readState(plan.paths.stateFile);
    if (!state) throw unknownTaskError(task, rt.repo.root);
    rt.state = state;
    rt.candidates = [...state.candidates].sort((a, b) => a.index - b.index);
    if (n !== undefined) findCandidate(rt, n);
    const driver = await loadDriver(state.mux);
    // The drivers leave a session alone that does not carry this task's owner mark.
    if (n !== undefined) await stopCandidate(rt, driver, n);
    else await driver.killSession(plan);
    const stopping = plan.candidates.filter((c) => c.host && (n === undefined || c.index === n));
    if (stopping.length) await (await import('../remote/stop.js')).stopRemoteAgents(plan, stopping);
    // What the agents started outside their process groups (setsid, daemons) carries the task's
    // id in its environment: stopped too, before any snapshot is taken.
    await endProcesses(taskMarks(rt.repo.commonDir, task, n, rt));
    if (!options.clean && n !== undefined) {
      const c = findCandidate(rt, n);
      info(
        `${pc.green('✔')} Stopped candidate ${n} (${c.agent}); its worktree and branch ${c.branch} are kept. \`parallel restart ${task} ${n}\` starts it again.`,
      );
      return;
    }
    if (!options.clean) {
      info(
        `${pc.green('✔')} Stopped the ${state.mux} session ${state.session} and its agents. Worktrees and branches are kept (${rt.candidates.map((c) => c.branch).join(', ')}); \`parallel up ${task}\` resumes, \`parallel down ${task} --clean\` removes the ones with no unique work.`,
      );
      return;
    }
    await finishDiscards(rt.candidates.filter((c) => !c.host).map((c) => c.worktree));
    const baseName = state.base.branch ?? state.base.commit.slice(0, 12);
    const target = await cleanTarget(rt);
    const onHosts = rt.candidates.filter((c) => c.host && (n === undefined || c.index === n));
    // A remote candidate's work is saved and fetched here before anything is decided or removed.
    const remote = onHosts.length
      ? await (await import('../remote/clean.js')).gatherRemoteFacts(plan, onHosts, target)
      : { facts: [], blocked: [] };
    const facts = [...(await gatherCleanFacts(rt, target)), ...remote.facts]
      .filter((f) => n === undefined || f.index === n)
      .sort((a, b) => a.index - b.index);
    const cleanPlan = planClean(facts, { force: !!options.force, baseName });
    cleanPlan.keep.push(...remote.blocked.map((b) => blockedOnHost(rt, b.candidate, b.reason)));
    const removed: CleanDecision[] = [];
    const failures: string[] = [];
    const remaining = new Map(rt.candidates.map((c) => [c.index, c]));
    const gone = async (decision: CleanDecision) => {
      removed.push(decision);
      remaining.delete(decision.facts.index);
      if (remaining.size)
        await writeState(plan.paths.stateFile, { ...state, candidates: [...remaining.values()] });
    };
    // Every snapshot first, side by side (each reads only its own worktree and writes its own
    // ref); then one removal at a time, the state written after each: a run killed half-way
    // leaves a state that names exactly what is still there, and snapshots of everything gone.
    // A candidate whose snapshot failed is kept, with every one after it.
    const local = cleanPlan.remove.filter((d) => !d.facts.host);
    // A snapshot holds its candidate's changed files in memory: a few at a time bound the sum.
    const limit = pLimit(SNAPSHOTS_AT_ONCE);
    const snapshots = cleanPlan.archive
      ? await Promise.allSettled(local.map((d) => limit(() => archiveCandidate(rt, d.facts))))
      : [];
    try {
      for (const [i, decision] of local.entries()) {
        const f = decision.facts;
        const snapshot = snapshots[i];
        if (snapshot?.status === 'rejected') throw snapshot.reason;
        // A test's crash points (PARALLEL_TEST_CRASH_AFTER), three per candidate: before its
        // removal, after its worktree is moved aside, after its branch is deleted (both in
        // removeCandidate, before the state says it is gone).
        crashPoint();
        const failure = await removeCandidate(rt.repo.root, f, !!options.force);
        if (failure) failures.push(`#${f.index} ${failure}`);
        else await gone(decision);
      }
    } finally {
      // Git forgets the worktrees moved aside above: one prune for all, even when a snapshot
      // failed half-way (a run killed here leaves it to the next command; restore prunes too).
      if (local.length) await pruneQuietly(rt.repo.root);
    }
    const remoteRemovals = cleanPlan.remove.filter((d) => d.facts.host);
    if (remoteRemovals.length) {
      // Their saved work (fetched refs) is archived here before their hosts remove anything.
      if (cleanPlan.archive) await archiveRemote(rt, remoteRemovals);
      const { removeRemote } = await import('../remote/clean.js');
      const refused = await removeRemote(
        plan,
        remoteRemovals.map((d) => d.facts as RemoteCleanFacts),
      );
      for (const decision of remoteRemovals) {
        const failure = refused.get(decision.facts.index);
        if (failure) failures.push(`#${decision.facts.index} ${failure}`);
        else await gone(decision);
      }
    }
    if (cleanPlan.archive && removed.some((d) => !d.facts.host)) await bundleTask(rt);
    if (!remaining.size) {
      await clearTaskDir(plan.paths.dir);
      emptied = true;
    }
    info(summary(task, n, removed, cleanPlan.keep, !!options.force));
    if (failures.length) {
      throw new UserError(`Some candidates could not be removed: ${failures.join('; ')}.`);
    }
  } finally {
    await unlock();
    // Only once empty: an `up` that took the lock meanwhile has its lock in there.
    if (emptied) await rmdir(plan.paths.dir).catch(() => undefined);
  }
}

/**
 * The task's processes on this machine (or candidate n's): everything carrying its id and the
 * index of a candidate here in its environment (agents on hosts are their host's business), and
 * its launchers (known by their script, since they export the id only to their children).
 * `rt` undefined: the state is unreadable, so every candidate counts.
 */
function taskMarks(commonDir: string, task: string, n: number | undefined, rt?: RecordedTask): Marks {
  const paths = statePaths(commonDir, task);
  const here = rt?.candidates.filter((c) => !c.host).map((c) => c.index);
  const indexes = n === undefined ? here : here ? here.filter((i) => i === n) : [n];
  return {
    env: {
      PARALLEL_TASK_ID: taskId(commonDir, task),
      ...(indexes === undefined ? {} : { PARALLEL_INDEX: indexes.map(String) }),
    },
    arg: (arg) =>
      n === undefined ? arg.startsWith(`${paths.launchDir}${sep}`) : arg === launcherFile(paths, n),
  };
}

/** Removes the worktree, then the branch only if it still points where we looked (compare-and-swap). */
async function removeCandidate(root: string, f: CleanFacts, force: boolean): Promise<string | undefined> {
  if (f.worktreeExists) {
    // Moved out of the way in one rename and deleted in the background; the shared
    // `../<repo>-worktrees/` folder goes with its last worktree (once deleted).
    const failed = await discardWorktree(root, f.worktree, force);
    if (failed !== undefined) return `worktree ${f.worktree}: ${failed}`;
  }
  crashPoint();
  if (f.head) {
    // A worktree deleted by hand may still be registered (a discarded one is pruned at the end).
    if (!f.worktreeExists) await pruneQuietly(root);
    const failed = await deleteBranchAt(root, f.branch, f.head);
    if (failed !== undefined) return `branch ${f.branch}: ${failed}`;
    await unmarkBranch(root, f.branch);
  }
  crashPoint();
  return undefined;
}

function summary(
  task: string,
  n: number | undefined,
  removed: CleanDecision[],
  kept: CleanDecision[],
  force: boolean,
): string {
  const target = n === undefined ? task : `${task} ${n}`;
  const line = (d: CleanDecision) =>
    `  #${d.facts.index} ${d.facts.branch.padEnd(16)} ${d.reasons.join(', ')}${pc.dim(`  ${d.facts.worktree}`)}`;
  const lines = [
    removed.length
      ? `${pc.green('✔')} Removed ${removed.length} candidate(s) (worktree and branch):`
      : 'Removed no candidate.',
    ...removed.map(line),
  ];
  if (kept.length) {
    lines.push(`Kept ${kept.length} candidate(s) that hold unique work:`, ...kept.map(line));
    lines.push(
      `  Pick one (\`parallel pick ${task} <n>\`), or remove them anyway with \`parallel down ${target} --clean --force\` (archived first).`,
    );
  }
  if (force && removed.length) lines.push(`  Undo: \`parallel restore ${task}\`.`);
  return lines.join('\n');
}

/** Stops one candidate's agent and closes its pane; the others keep running. */
async function stopCandidate(rt: RecordedTask, driver: MuxDriver, n: number): Promise<void> {
  const session = await driver.inspect(rt.plan);
  if (session?.foreign) return;
  const pane = session?.panes.find((p) => p.index === n);
  if (pane) await driver.closePane(rt.plan, pane);
}
