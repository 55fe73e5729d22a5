import { existsSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { branchOwners } from '../git/owner.js';
import { lastHead } from '../git/reflog.js';
import { worktreeAdmin, worktreesFromAdmin } from '../git/worktree-admin.js';
import { listBranches, listWorktrees, type WorktreeEntry } from '../git/worktrees.js';
import type { MuxDriver } from '../mux/types.js';
import type { Plan } from '../plan/plan.js';
import { readRunNumber, runMarker } from '../task/run-markers.js';
import type { Observed } from './reconcile.js';

/**
 * Reads everything the reconciler needs, in parallel. Changes nothing. `recorded`: the branches
 * the task's state says it created (they are its own even without the mark).
 */
export async function observe(
  plan: Plan,
  driver: MuxDriver,
  files: Map<string, string>,
  recorded: Set<string> = new Set(),
): Promise<Observed> {
  const local = plan.candidates.filter((c) => !c.host);
  const paths = local.map((c) => c.worktree);
  const remote = plan.candidates.some((c) => c.host)
    ? import('../remote/observe.js').then((m) => m.observeHosts(plan))
    : undefined;
  const [listed, branches, session, staleFiles, admin, hosts] = await Promise.all([
    // `git worktree list` dies on a registration half-written by a killed `git worktree add`.
    listWorktrees(plan.repo.root).catch(() => undefined),
    listBranches(
      plan.repo.root,
      local.map((c) => c.branch),
    ),
    driver.inspect(plan),
    findStale(files),
    worktreeAdmin(plan.repo.commonDir, paths),
    remote,
  ]);
  // The marks matter only for a branch that exists and that the state does not record (none in a
  // second `up`, none for a new task): only then are they read.
  const unrecorded = local.filter((c) => branches.has(c.branch) && !recorded.has(c.branch));
  const owners = unrecorded.length ? await branchOwners(plan.repo.root) : new Map<string, string>();
  const unowned = new Map<string, string | undefined>();
  for (const c of unrecorded) {
    const owner = owners.get(c.branch);
    if (owner !== plan.task) unowned.set(c.branch, owner);
  }
  const worktrees = asPlanned(listed ?? worktreesFromAdmin(admin), paths);
  const existingPaths = new Set(paths.filter((p) => existsSync(p)));
  const prepared = new Set(
    local.filter((c) => existsSync(preparedMarker(plan, c.index))).map((c) => c.index),
  );
  const exitCodes = new Map<number, number>();
  for (const c of plan.candidates) {
    const code = readRunNumber(plan.paths.runDir, c.index, 'exit');
    if (code !== undefined) exitCodes.set(c.index, code);
  }
  const locked = new Map<string, string>();
  const incomplete = new Map<string, { dir: string; interrupted: boolean }>();
  for (const [path, entry] of admin) {
    if (entry.locked !== undefined) locked.set(path, entry.locked);
    if (!entry.complete) incomplete.set(path, { dir: entry.dir, interrupted: entry.interrupted });
  }
  const lostHeads = new Map<string, string>();
  await Promise.all(
    local.map(async (c) => {
      const registered = worktrees.find((w) => resolve(w.path) === c.worktree);
      const entry = admin.get(c.worktree);
      if (!registered || !entry || registered.branch !== c.branch || branches.has(c.branch)) return;
      const head = await lastHead(plan.repo.root, entry.dir);
      if (head) lostHeads.set(c.worktree, head);
    }),
  );
  return {
    worktrees,
    branches,
    existingPaths,
    session,
    staleFiles,
    prepared,
    exitCodes,
    locked,
    incomplete,
    lostHeads,
    ...(hosts ? { hosts } : {}),
    unowned,
  };
}

/** Written once a worktree's copy + setup finished; removed before the worktree is (re)created. */
export const preparedMarker = (plan: Plan, index: number) => runMarker(plan.paths.runDir, index, 'prepared');

async function findStale(files: Map<string, string>): Promise<string[]> {
  const checks = await Promise.all(
    [...files].map(async ([path, content]) =>
      (await readFile(path, 'utf8').catch(() => undefined)) === content ? undefined : path,
    ),
  );
  return checks.filter((p): p is string => p !== undefined);
}

/**
 * git lists real paths; the plan keeps paths as configured. Where a configured path goes
 * through a symlink (macOS /tmp → /private/tmp), name the entry by the planned path.
 */
function asPlanned(worktrees: WorktreeEntry[], planned: string[]): WorktreeEntry[] {
  const byReal = new Map<string, string>();
  for (const path of planned) {
    try {
      const real = realpathSync.native(path);
      if (real !== path) byReal.set(real, path);
    } catch {}
  }
  if (byReal.size === 0) return worktrees;
  return worktrees.map((w) => (byReal.has(w.path) ? { ...w, path: byReal.get(w.path)! } : w));
}
