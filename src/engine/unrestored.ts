import { listSnapshots } from '../git/snapshot-restore.js';
import type { Plan } from '../plan/plan.js';
import type { TaskState } from '../task/state.js';
import type { Action } from './reconcile.js';

/**
 * Problems for `up`: a candidate the state records whose worktree is to be made again (from its
 * branch, or afresh when the branch is gone too) while a snapshot of it that was never restored
 * exists. That is what a `down --clean --force` killed half-way leaves: the snapshot holds the
 * candidate's uncommitted work, which a rebuilt worktree would not have, so `restore` goes first.
 */
export async function unrestoredWork(
  plan: Plan,
  previous: TaskState | undefined,
  actions: Action[],
  branches: Map<string, string>,
): Promise<string[]> {
  const recorded = new Set(previous?.candidates.filter((c) => !c.host).map((c) => c.index));
  const remade = actions.flatMap((a) =>
    (a.kind === 'create-worktree' || a.kind === 'restore-worktree') && recorded.has(a.index) ? [a] : [],
  );
  if (!remade.length) return [];
  const snapshots = (await listSnapshots(plan.repo.root, plan.task)).filter((s) => !s.restored);
  return remade.flatMap((a) => {
    // A snapshot of an earlier run of this candidate, at another commit, is not this one's work.
    const tip = a.kind === 'restore-worktree' ? (branches.get(a.branch) ?? null) : null;
    const found = snapshots.find(
      (s) => s.info.index === a.index && s.info.tree && (tip === null || s.info.branchTip === tip),
    );
    if (!found) return [];
    return [
      `Candidate ${a.index}'s worktree ${a.path} is gone, and a snapshot of it from a \`down --clean --force\` that did not finish was never restored (${found.ref}). \`parallel restore ${plan.task}\` brings it back with its uncommitted work; to drop that work and start the candidate afresh instead, run \`parallel down ${plan.task} ${a.index} --clean --force\` (the snapshot stays), then \`parallel up ${plan.task}\`.`,
    ];
  });
}
