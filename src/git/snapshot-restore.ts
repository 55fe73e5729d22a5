import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { markBranches } from './owner.js';
import { git, gitBytes, gitOk } from './run.js';
import { ARCHIVE_NS, RESTORED_NS, readBlobs, readSnapshotTree, type SnapshotInfo } from './snapshot.js';
import { worktreeAdd } from './worktrees.js';

export interface Snapshot {
  ref: string;
  commit: string;
  info: SnapshotInfo;
  restored: boolean;
}

/** Every snapshot of a task, oldest first (restored ones too). */
export async function listSnapshots(root: string, task: string): Promise<Snapshot[]> {
  const out = await gitOk(root, [
    'for-each-ref',
    '--format=%(objectname) %(refname)',
    ARCHIVE_NS(task),
    RESTORED_NS(task),
  ]);
  const rows = out
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ commit: line.slice(0, line.indexOf(' ')), ref: line.slice(line.indexOf(' ') + 1) }));
  const infos = await readBlobs(
    root,
    rows.map((r) => `${r.commit}:info.json`),
  );
  const snapshots: Snapshot[] = [];
  rows.forEach((row, i) => {
    const text = infos[i]?.toString('utf8');
    if (!text) return;
    const info = JSON.parse(text) as SnapshotInfo;
    snapshots.push({ ...row, info, restored: row.ref.startsWith(RESTORED_NS(task)) });
  });
  return snapshots.sort(
    (a, b) => a.info.createdAt.localeCompare(b.info.createdAt) || a.ref.localeCompare(b.ref),
  );
}

export interface RestoredSummary {
  branch: string | null;
  worktree: string | null;
  files: number;
  index: boolean;
  operation: string[];
}

/**
 * Rebuilds a candidate from its snapshot: the branch at its exact commit (only if it does not
 * exist), the worktree at the same path with every file byte for byte, the index file as it
 * was, and any merge in progress. The caller has checked that nothing would be overwritten.
 */
export async function restoreSnapshot(
  root: string,
  snap: Snapshot,
  /** Called once the worktree is registered, before any file is written (a test's kill point). */
  afterWorktreeAdd?: () => void,
): Promise<RestoredSummary> {
  const { info } = snap;
  const summary: RestoredSummary = { branch: null, worktree: null, files: 0, index: false, operation: [] };
  const branchRef = `refs/heads/${info.branch}`;
  const existing = await git(root, ['rev-parse', '--verify', '-q', branchRef]);
  const tip = snapshotTip(info);
  if (tip && existing.exitCode !== 0) {
    await gitOk(root, ['update-ref', branchRef, tip, '']);
    await markBranches(root, info.task, [info.branch]);
    summary.branch = `${info.branch} at ${tip.slice(0, 12)}`;
  }
  if (info.tree) {
    const onBranch = info.tree.symbolicHead === branchRef && tip !== null && tip === info.tree.head;
    const target = onBranch ? [info.branch] : ['--detach', info.tree.head ?? tip ?? 'HEAD'];
    await worktreeAdd(root, ['--quiet', '--no-checkout', info.worktree, ...target]);
    afterWorktreeAdd?.();
    summary.worktree = info.worktree;
    const tree = await readSnapshotTree(root, snap.commit);
    const entries = [...tree].filter(([path]) => path.startsWith('files/'));
    const meta = [...tree].filter(([path]) => path === 'index' || path.startsWith('git/'));
    // Files and git state in one read.
    const all = await readBlobs(
      root,
      [...entries, ...meta].map(([, e]) => e.id),
    );
    const blobs = all.slice(0, entries.length);
    const metaBlobs = all.slice(entries.length);
    for (const [i, [path, entry]] of entries.entries()) {
      const file = Buffer.concat([Buffer.from(`${info.worktree}/`), Buffer.from(path.slice(6), 'latin1')]);
      const slash = file.lastIndexOf(0x2f);
      await mkdir(file.subarray(0, slash), { recursive: true });
      const data = blobs[i]!;
      if (entry.mode === '120000') await symlink(data, file);
      else if (entry.mode === '160000') await mkdir(file, { recursive: true });
      else {
        await writeFile(file, data);
        await chmod(file, entry.mode === '100755' ? 0o755 : 0o644);
      }
      summary.files++;
    }
    const gitDir = (await gitOk(info.worktree, ['rev-parse', '--absolute-git-dir'])).trim();
    for (const [i, [path]] of meta.entries()) {
      const name = path === 'index' ? 'index' : path.slice(4);
      await mkdir(join(gitDir, name, '..'), { recursive: true });
      await writeFile(join(gitDir, name), metaBlobs[i]!);
      if (path === 'index') summary.index = true;
      else if (/^(MERGE_HEAD|CHERRY_PICK_HEAD|REVERT_HEAD|rebase-merge|rebase-apply)/.test(name))
        summary.operation.push(name.split('/')[0]!);
    }
    if (!summary.index) await gitOk(info.worktree, ['read-tree', 'HEAD']);
    // The restored index has the old files' stat data: refresh it (contents are not changed).
    await git(info.worktree, ['update-index', '-q', '--refresh']);
  }
  await markRestored(root, snap);
  summary.operation = [...new Set(summary.operation)];
  return summary;
}

/**
 * Where the candidate's branch goes back to: its tip, or, when the branch had been deleted under
 * a worktree that was on it, the commit that worktree was on (as `up` would recreate it).
 */
export function snapshotTip(info: SnapshotInfo): string | null {
  if (info.branchTip) return info.branchTip;
  return info.tree?.symbolicHead === `refs/heads/${info.branch}` ? info.tree.head : null;
}

/** Moves the ref to the task's `restored/` namespace: kept (its objects stay), not restored again. */
export async function markRestored(root: string, snap: Snapshot): Promise<void> {
  const to = snap.ref.replace('/archive/', '/restored/');
  // One transaction: the snapshot is under exactly one of the two names at any moment.
  await gitBytes(root, ['update-ref', '-z', '--stdin'], {
    input: Buffer.from(`create ${to}\0${snap.commit}\0delete ${snap.ref}\0${snap.commit}\0`),
  });
}

/** The bytes of the worktree's file tree in a snapshot (for tests and --list details). */
export async function snapshotFileCount(root: string, snap: Snapshot): Promise<number> {
  const out = await gitBytes(root, ['ls-tree', '-r', '-z', '--name-only', `${snap.commit}:files`]).catch(() =>
    Buffer.alloc(0),
  );
  return out.filter((b) => b === 0).length;
}
