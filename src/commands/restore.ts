import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedCandidate } from '../compare/task.js';
import { reapplyCopyAndSetup } from '../engine/reapply.js';
import { UserError } from '../errors.js';
import { latestArchive } from '../git/archive.js';
import { resolveCommit } from '../git/diff.js';
import { findRepo, type Repo } from '../git/repo.js';
import { ARCHIVE_NS } from '../git/snapshot.js';
import {
  listSnapshots,
  markRestored,
  restoreSnapshot,
  type Snapshot,
  snapshotTip,
} from '../git/snapshot-restore.js';
import { listWorktrees, pruneQuietly, removeWorktree } from '../git/worktrees.js';
import { info, pc } from '../output.js';
import { archiveDir, statePaths } from '../plan/paths.js';
import type { Plan } from '../plan/plan.js';
import { assertValidTaskName } from '../plan/task-name.js';
import { crashPoint } from '../proc/group.js';
import { lockTask } from '../task/lock.js';
import { readState, type TaskState, writeState } from '../task/state.js';

export interface RestoreOptions {
  list?: boolean;
}

/**
 * Brings back what `down --clean --force` archived: by default every candidate with a snapshot
 * not yet restored, from its newest one; branches at their exact commits, worktrees byte for
 * byte with their index and any merge in progress. Checks everything first, overwrites nothing.
 */
export async function restore(task: string, options: RestoreOptions = {}): Promise<void> {
  assertValidTaskName(task);
  const repo = await findRepo(process.cwd());
  const [all, archived] = await Promise.all([
    listSnapshots(repo.root, task),
    latestArchive(repo.commonDir, task),
  ]);
  if (!all.length && !archived) {
    throw new UserError(
      `There is no archive of task "${task}" (no snapshots under ${ARCHIVE_NS(task)}, nothing in ${archiveDir(repo.commonDir)}); only \`parallel down ${task} --clean --force\` makes one, so there is nothing to restore.`,
    );
  }
  if (options.list) {
    info(listing(task, all, archived?.dir));
    return;
  }
  if (all.length) await restoreSnapshots(task, repo, all);
  // Candidates on hosts (and archives of earlier versions) are kept as bundle and manifest.
  if (archived) {
    const state = await readState(statePaths(repo.commonDir, task).stateFile);
    const back = new Set(state?.candidates.map((c) => c.index));
    if (archived.manifest.candidates.some((c) => !back.has(c.index))) {
      await (await import('./restore-archive.js')).restoreArchive(task, repo, archived);
    } else if (!all.length) {
      info(
        `Nothing to restore for task ${task}: every candidate of ${archived.dir} is part of the task again.`,
      );
    }
  }
}

async function restoreSnapshots(task: string, repo: Repo, all: Snapshot[]): Promise<void> {
  const paths = statePaths(repo.commonDir, task);
  const unlock = await lockTask({ task, paths } as Plan);
  const lines: string[] = [];
  let restored: Snapshot[] = [];
  try {
    const state = await readState(paths.stateFile);
    // A candidate the state lists but whose worktree is gone (a `down --clean --force` killed
    // after moving it aside) is not there: its snapshot is what holds its work.
    const present = new Set(
      state?.candidates.filter((c) => c.host || existsSync(c.worktree)).map((c) => c.index),
    );
    const newest = new Map<number, Snapshot>();
    for (const s of all) if (!s.restored && !present.has(s.info.index)) newest.set(s.info.index, s);
    const chosen = [...newest.values()].sort((a, b) => a.info.index - b.info.index);
    if (!chosen.length) {
      info(
        `Nothing to restore for task ${task}: every snapshot was restored already, or its candidate is part of the task again. \`parallel restore ${task} --list\` shows them all.`,
      );
      return;
    }
    await discardHalfRestored(repo.root, paths, chosen);
    // A `down` killed after moving a worktree aside leaves git a registration of a directory
    // that is gone, which would block its restore; prune drops only such registrations.
    await pruneQuietly(repo.root);
    const problems = await preflight(repo.root, chosen);
    if (problems.length) {
      throw new UserError(`Cannot restore task "${task}"; nothing was changed: ${problems.join('; ')}.`);
    }
    lines.push(`${pc.green('✔')} Restored ${chosen.length} candidate(s) of task ${task}:`);
    let current = state;
    for (const snap of chosen) {
      const marker = restoringMarker(paths, snap.info.index);
      await mkdir(restoringDir(paths), { recursive: true });
      await writeFile(marker, snap.ref);
      // A test's crash point (PARALLEL_TEST_CRASH_AFTER) after each worktree it registers.
      const done = await restoreSnapshot(repo.root, snap, crashPoint);
      // Older copies of the same candidate are superseded by the one just restored.
      for (const older of all) {
        if (!older.restored && older.info.index === snap.info.index && older !== snap) {
          await markRestored(repo.root, older);
        }
      }
      current = await record(paths, current, snap);
      await rm(marker, { force: true });
      const what = [
        done.branch ? `branch ${done.branch}` : `branch ${snap.info.branch} (already there)`,
        done.worktree
          ? `worktree with ${done.files} file(s)${done.index ? ' and its index' : ''}`
          : 'no worktree (it was gone)',
        ...done.operation.map((op) => `${op} in progress`),
      ];
      lines.push(`  #${snap.info.index} ${what.join(', ')}  ${pc.dim(snap.info.worktree)}`);
    }
    restored = chosen;
    await rmdir(restoringDir(paths)).catch(() => undefined);
  } finally {
    await unlock();
  }
  lines.push(
    ...(await reapplyCopyAndSetup(
      task,
      restored.map((s) => s.info),
    )),
  );
  lines.push(
    `  The snapshots stay (as refs/parallel/${task}/restored/…); \`parallel up ${task}\` starts the agents again.`,
  );
  info(lines.join('\n'));
}

/** Written before a candidate's restore starts, removed once it is recorded: the snapshot's ref. */
const restoringDir = (paths: ReturnType<typeof statePaths>) => join(paths.dir, 'restoring');
const restoringMarker = (paths: ReturnType<typeof statePaths>, index: number) =>
  join(restoringDir(paths), String(index));

/**
 * A restore killed half-way leaves a worktree with part of the snapshot's files (and a branch
 * the snapshot names), and the snapshot still unrestored. Its marker names that snapshot: the
 * worktree holds nothing the snapshot does not, so it is removed and the restore made again.
 */
async function discardHalfRestored(root: string, paths: ReturnType<typeof statePaths>, chosen: Snapshot[]) {
  for (const snap of chosen) {
    const marker = restoringMarker(paths, snap.info.index);
    const ref = await readFile(marker, 'utf8').catch(() => undefined);
    if (ref !== snap.ref) continue;
    if (existsSync(snap.info.worktree) && (await removeWorktree(root, snap.info.worktree, true))) {
      // Not (or no longer) registered: git never wrote into it beyond what the restore did.
      await rm(snap.info.worktree, { recursive: true, force: true });
    }
    await rm(marker, { force: true });
  }
}

/** Every reason the restore would overwrite something. */
async function preflight(root: string, chosen: Snapshot[]): Promise<string[]> {
  const problems: string[] = [];
  const registered = await listWorktrees(root);
  for (const { info: s } of chosen) {
    const tip = await resolveCommit(root, `refs/heads/${s.branch}`);
    const archived = snapshotTip(s);
    if (tip && archived && tip !== archived) {
      problems.push(
        `branch ${s.branch} already exists (at ${tip.slice(0, 12)}, archived at ${archived.slice(0, 12)})`,
      );
    }
    if (!s.tree) continue;
    if (existsSync(s.worktree)) problems.push(`${s.worktree} already exists`);
    else if (registered.some((w) => w.path === s.worktree)) {
      problems.push(`${s.worktree} is still registered as a worktree (run \`git worktree prune\`)`);
    }
    const elsewhere = registered.find((w) => w.branch === s.branch);
    if (elsewhere && s.tree.symbolicHead === `refs/heads/${s.branch}`) {
      problems.push(`branch ${s.branch} is checked out in ${elsewhere.path}`);
    }
  }
  return problems;
}

/** Adds the candidate back to state.json (rebuilding the task's state and prompt if it is gone). */
async function record(
  paths: ReturnType<typeof statePaths>,
  state: TaskState | undefined,
  snap: Snapshot,
): Promise<TaskState> {
  const candidate = snap.info.record as RecordedCandidate;
  const base = state ?? ({ ...(snap.info.task_state as object), candidates: [] } as unknown as TaskState);
  if (!state && snap.info.prompt !== undefined && !existsSync(paths.promptFile)) {
    await writeFile(paths.promptFile, snap.info.prompt);
  }
  const next: TaskState = {
    ...base,
    candidates: [...base.candidates.filter((c) => c.index !== candidate.index), candidate].sort(
      (a, b) => a.index - b.index,
    ),
  };
  await writeState(paths.stateFile, next);
  return next;
}

function listing(task: string, all: Snapshot[], archive: string | undefined): string {
  const rows = all.map(
    (s) =>
      `  #${s.info.index} ${s.info.branch.padEnd(16)} ${s.info.createdAt}  ${s.restored ? 'restored    ' : pc.bold('not restored')}  ${s.info.tree ? 'branch + worktree' : 'branch only'}  ${pc.dim(s.ref)}`,
  );
  return [
    `Snapshots of task ${task} (oldest first):`,
    ...(rows.length ? rows : ['  (none)']),
    ...(archive ? [`Archive of its candidates on hosts (or of an earlier version): ${archive}`] : []),
  ].join('\n');
}
