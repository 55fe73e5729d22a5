import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { listBranches, listWorktrees } from './git/worktrees.js';
import type { MuxDriver } from './mux/types.js';
import type { Plan } from './plan.js';
import type { Observed } from './reconcile.js';

/** Reads everything the reconciler needs, in parallel. Changes nothing. */
export async function observe(plan: Plan, driver: MuxDriver, files: Map<string, string>): Promise<Observed> {
  const [worktrees, branches, session, staleFiles] = await Promise.all([
    listWorktrees(plan.repo.root),
    listBranches(
      plan.repo.root,
      plan.candidates.map((c) => c.branch),
    ),
    driver.inspect(plan),
    findStale(files),
  ]);
  const existingPaths = new Set(plan.candidates.map((c) => c.worktree).filter((p) => existsSync(p)));
  return { worktrees, branches, existingPaths, session, staleFiles };
}

async function findStale(files: Map<string, string>): Promise<string[]> {
  const checks = await Promise.all(
    [...files].map(async ([path, content]) =>
      (await readFile(path, 'utf8').catch(() => undefined)) === content ? undefined : path,
    ),
  );
  return checks.filter((p): p is string => p !== undefined);
}
