import { existsSync, realpathSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { git } from '../git/run.js';
import { listBranches, listWorktrees, type WorktreeEntry } from '../git/worktrees.js';
import type { MuxDriver } from '../mux/types.js';
import type { Plan } from '../plan/plan.js';
import { readRunNumber } from '../task/run-markers.js';
import type { Observed } from './reconcile.js';

/** Reads everything the reconciler needs, in parallel. Changes nothing. */
export async function observe(plan: Plan, driver: MuxDriver, files: Map<string, string>): Promise<Observed> {
  const paths = plan.candidates.map((c) => c.worktree);
  const [listed, branches, session, staleFiles, admin] = await Promise.all([
    // `git worktree list` dies on a registration half-written by a killed `git worktree add`.
    listWorktrees(plan.repo.root).catch(() => undefined),
    listBranches(
      plan.repo.root,
      plan.candidates.map((c) => c.branch),
    ),
    driver.inspect(plan),
    findStale(files),
    worktreeAdmin(plan.repo.commonDir, paths),
  ]);
  const worktrees = asPlanned(listed ?? fromAdmin(admin), paths);
  const existingPaths = new Set(paths.filter((p) => existsSync(p)));
  const prepared = new Set(
    plan.candidates.filter((c) => existsSync(preparedMarker(plan, c.index))).map((c) => c.index),
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
    plan.candidates.map(async (c) => {
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
  };
}

/** Written once a worktree's copy + setup finished; removed before the worktree is (re)created. */
export const preparedMarker = (plan: Plan, index: number) => join(plan.paths.runDir, `${index}.prepared`);

async function findStale(files: Map<string, string>): Promise<string[]> {
  const checks = await Promise.all(
    [...files].map(async ([path, content]) =>
      (await readFile(path, 'utf8').catch(() => undefined)) === content ? undefined : path,
    ),
  );
  return checks.filter((p): p is string => p !== undefined);
}

interface AdminEntry {
  /** `<common-dir>/worktrees/<id>` */
  dir: string;
  /** Lock reason ('' when locked without one); `initializing` while `git worktree add` runs. */
  locked?: string;
  /** gitdir, commondir and HEAD all there: git can read it. */
  complete: boolean;
  /**
   * Left by a killed `git worktree add`: it writes `locked` (\`initializing\`) first, then
   * `gitdir`, `commondir`, `HEAD`; killed before `gitdir`, the lock may be missing or empty.
   */
  interrupted: boolean;
  head?: string;
  branch?: string;
}

/**
 * Worktree path → its administrative directory, read from the files git keeps there. A
 * registration without its `gitdir` file (killed right after `git worktree add` made the
 * directory) is matched to a candidate by name, as git names it after the worktree's basename.
 */
async function worktreeAdmin(commonDir: string, candidates: string[]): Promise<Map<string, AdminEntry>> {
  const root = join(commonDir, 'worktrees');
  const ids = await readdir(root).catch(() => [] as string[]);
  const map = new Map<string, AdminEntry>();
  await Promise.all(
    ids.map(async (id) => {
      const dir = join(root, id);
      const read = (name: string) =>
        readFile(join(dir, name), 'utf8').then(
          (t) => t.trim(),
          () => undefined,
        );
      const [gitdir, locked, commondir, head] = await Promise.all([
        read('gitdir'),
        read('locked'),
        read('commondir'),
        read('HEAD'),
      ]);
      const path = gitdir
        ? resolve(dirname(gitdir))
        : candidates.find((p) => new RegExp(`^${escapeRegExp(basename(p))}\\d*$`).test(id));
      if (!path) return;
      const entry: AdminEntry = {
        dir,
        locked,
        complete: !!(gitdir && commondir && head),
        interrupted: locked === 'initializing' || (!gitdir && !locked),
      };
      if (head?.startsWith('ref: refs/heads/')) entry.branch = head.slice('ref: refs/heads/'.length);
      else if (head && /^[0-9a-f]{40,64}$/.test(head)) entry.head = head;
      map.set(path, entry);
    }),
  );
  return map;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What `git worktree list` would say about the linked worktrees, when it cannot say it. */
function fromAdmin(admin: Map<string, AdminEntry>): WorktreeEntry[] {
  return [...admin].map(([path, entry]) => ({
    path,
    head: entry.head,
    branch: entry.branch,
    prunable: !existsSync(path) && entry.locked === undefined,
  }));
}

/**
 * The commit a worktree was last on, from its own HEAD reflog: what a branch deleted under a
 * live worktree (`git update-ref -d`) pointed at, while `git worktree list` shows HEAD 0000….
 */
async function lastHead(root: string, adminDir: string): Promise<string | undefined> {
  const log = await readFile(join(adminDir, 'logs', 'HEAD'), 'utf8').catch(() => '');
  const lines = log.split('\n').filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const sha = lines[i]!.split(' ')[1];
    if (!sha || /^0+$/.test(sha)) continue;
    const exists = await git(root, ['cat-file', '-e', `${sha}^{commit}`]);
    if (exists.exitCode === 0) return sha;
  }
  return undefined;
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
