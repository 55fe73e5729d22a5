import { existsSync, realpathSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import {
  findCandidate,
  labelOf,
  loadRecordedTask,
  type RecordedCandidate,
  type RecordedTask,
} from '../compare/task.js';
import { type CleanDecision, type CleanFacts, planClean } from '../engine/clean-plan.js';
import { UserError } from '../errors.js';
import { createArchive } from '../git/archive.js';
import { resolveCommit } from '../git/diff.js';
import { discardWorktree, finishDiscards } from '../git/discard.js';
import { readCandidateFacts } from '../git/facts.js';
import { commitsNotIn } from '../git/patch-identity.js';
import { deleteBranchAt, listWorktrees, pruneQuietly } from '../git/worktrees.js';
import { loadDriver } from '../mux/index.js';
import type { MuxDriver } from '../mux/types.js';
import { info, pc } from '../output.js';
import type { RemoteCleanFacts } from '../remote/clean.js';
import { lockTask } from '../task/lock.js';
import { writeState } from '../task/state.js';

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
  const rt = await loadRecordedTask(task, process.cwd(), { fetch: false });
  if (n !== undefined) findCandidate(rt, n);
  const plan = rt.plan;
  const unlock = await lockTask(plan);
  let removeStateDir = false;
  try {
    const driver = await loadDriver(rt.state.mux);
    if (n !== undefined) await stopCandidate(rt, driver, n);
    else await driver.killSession(plan);
    const stopping = plan.candidates.filter((c) => c.host && (n === undefined || c.index === n));
    if (stopping.length) await (await import('../remote/stop.js')).stopRemoteAgents(plan, stopping);
    if (!options.clean && n !== undefined) {
      const c = findCandidate(rt, n);
      info(
        `${pc.green('✔')} Stopped candidate ${n} (${c.agent}); its worktree and branch ${c.branch} are kept. \`parallel restart ${task} ${n}\` starts it again.`,
      );
      return;
    }
    if (!options.clean) {
      info(
        `${pc.green('✔')} Stopped the ${rt.state.mux} session ${rt.state.session} and its agents. Worktrees and branches are kept (${rt.candidates.map((c) => c.branch).join(', ')}); \`parallel up ${task}\` resumes, \`parallel down ${task} --clean\` removes the ones with no unique work.`,
      );
      return;
    }
    await finishDiscards(rt.candidates.filter((c) => !c.host).map((c) => c.worktree));
    const baseName = rt.state.base.branch ?? rt.state.base.commit.slice(0, 12);
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
    if (cleanPlan.archive) {
      const { dir } = await createArchive({
        commonDir: rt.repo.commonDir,
        repoRoot: rt.repo.root,
        task,
        base: rt.state.base,
        stateDir: rt.plan.paths.dir,
        candidates: cleanPlan.remove.map((d) => ({
          facts: d.facts,
          record: rt.candidates.find((c) => c.index === d.facts.index)! as Record<string, unknown>,
        })),
      }).catch((error: unknown) => {
        throw new UserError(
          `Archiving failed, so nothing was removed: ${(error as Error).message}. Fix the cause and run again.`,
          { cause: error },
        );
      });
      info(`Archived ${cleanPlan.remove.length} candidate(s) to ${dir} (bundle verified).`);
    }
    const failures: string[] = [];
    const removed: CleanDecision[] = [];
    // Each worktree is moved out of the way at once and deleted in the background: all together.
    const local = cleanPlan.remove.filter((d) => !d.facts.host);
    const outcomes = await Promise.all(
      local.map((d) => removeCandidate(rt.repo.root, d.facts, !!options.force)),
    );
    local.forEach((decision, i) => {
      const failure = outcomes[i];
      if (failure) failures.push(`#${decision.facts.index} ${failure}`);
      else removed.push(decision);
    });
    const remoteRemovals = cleanPlan.remove.filter((d) => d.facts.host);
    if (remoteRemovals.length) {
      const { removeRemote } = await import('../remote/clean.js');
      const refused = await removeRemote(
        plan,
        remoteRemovals.map((d) => d.facts as RemoteCleanFacts),
      );
      for (const decision of remoteRemovals) {
        const failure = refused.get(decision.facts.index);
        if (failure) failures.push(`#${decision.facts.index} ${failure}`);
        else removed.push(decision);
      }
    }
    await pruneQuietly(rt.repo.root);
    const gone = new Set(removed.map((d) => d.facts.index));
    const remaining = rt.candidates.filter((c) => !gone.has(c.index));
    if (remaining.length) await writeState(rt.plan.paths.stateFile, { ...rt.state, candidates: remaining });
    else removeStateDir = true;
    info(summary(task, n, removed, cleanPlan.keep, !!options.force));
    if (failures.length) {
      throw new UserError(`Some candidates could not be removed: ${failures.join('; ')}.`);
    }
  } finally {
    await unlock();
    if (removeStateDir) await rm(rt.plan.paths.dir, { recursive: true, force: true });
  }
}

/** What a candidate's commits must be in to count as merged: the base branch's tip, or the base commit. */
async function cleanTarget(rt: RecordedTask): Promise<string> {
  const { base } = rt.state;
  return (base.branch && (await resolveCommit(rt.repo.root, `refs/heads/${base.branch}`))) || base.commit;
}

/** Reads what --clean needs to decide, for every candidate on this machine. */
async function gatherCleanFacts(rt: RecordedTask, target: string): Promise<CleanFacts[]> {
  const root = rt.repo.root;
  const local = rt.candidates.filter((c) => !c.host);
  const [worktrees, { facts }] = await Promise.all([
    listWorktrees(root),
    readCandidateFacts(root, target, local),
  ]);
  return Promise.all(
    local.map(async (c, i): Promise<CleanFacts> => {
      const git = facts[i]!;
      const entry = worktrees.find((w) => samePath(w.path, c.worktree));
      return {
        index: c.index,
        label: labelOf(rt.state.task, c),
        branch: c.branch,
        worktree: c.worktree,
        worktreeExists: git.worktreeExists,
        head: git.head,
        worktreeBranch: entry?.branch,
        worktreeHead: entry?.head,
        uncommitted: git.uncommitted,
        untracked: git.untracked,
        // By patch identity, not ancestry: squashed or cherry-picked work is in the base.
        unmergedCommits: git.head && git.commitsAhead > 0 ? await commitsNotIn(root, target, git.head) : 0,
      };
    }),
  );
}

/** A remote candidate that cannot be decided on now stays, with why. */
function blockedOnHost(rt: RecordedTask, c: RecordedCandidate, reason: string): CleanDecision {
  return {
    facts: {
      index: c.index,
      label: labelOf(rt.state.task, c),
      branch: c.branch,
      worktree: c.worktree,
      worktreeExists: true,
      head: null,
      uncommitted: [],
      untracked: [],
      unmergedCommits: 0,
    },
    reasons: [reason],
  };
}

/** Removes the worktree, then the branch only if it still points where we looked (compare-and-swap). */
async function removeCandidate(root: string, f: CleanFacts, force: boolean): Promise<string | undefined> {
  if (f.worktreeExists) {
    // The shared `../<repo>-worktrees/` folder goes with its last worktree (once deleted).
    const failed = await discardWorktree(root, f.worktree, force);
    if (failed !== undefined) return `worktree ${f.worktree}: ${failed}`;
  }
  if (f.head) {
    await pruneQuietly(root);
    const failed = await deleteBranchAt(root, f.branch, f.head);
    if (failed !== undefined) return `branch ${f.branch}: ${failed}`;
  }
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
      `  Pick one (\`parallel pick ${task.split(' ')[0]} <n>\`), or remove them anyway with \`parallel down ${target} --clean --force\` (archived first).`,
    );
  }
  if (force && removed.length) lines.push(`  Undo: \`parallel restore ${task}\`.`);
  return lines.join('\n');
}

/** Stops one candidate's agent and closes its pane; the others keep running. */
async function stopCandidate(rt: RecordedTask, driver: MuxDriver, n: number): Promise<void> {
  const session = await driver.inspect(rt.plan);
  const pane = session?.panes.find((p) => p.index === n);
  if (pane) await driver.closePane(rt.plan, pane);
}

function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  const real = (p: string) => (existsSync(p) ? realpathSync.native(p) : p);
  return real(a) === real(b);
}
