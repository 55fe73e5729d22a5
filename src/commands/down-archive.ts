import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedTask } from '../compare/task.js';
import type { CleanDecision, CleanFacts } from '../engine/clean-plan.js';
import { UserError } from '../errors.js';
import { archiveLogTails, createArchive } from '../git/archive.js';
import { ARCHIVE_NS, bundleSnapshots, takeSnapshot } from '../git/snapshot.js';
import { listSnapshots } from '../git/snapshot-restore.js';
import { info } from '../output.js';
import { archiveDir } from '../plan/paths.js';

/**
 * The candidate's snapshot, verified byte for byte, before anything of it is removed. A candidate
 * whose worktree is already gone (a killed run removed it) keeps the snapshot that run made: one
 * with its worktree, at its branch's tip, or with any tip when the branch is gone too (that run
 * was killed after deleting it). A new snapshot of nothing would otherwise be restored instead.
 */
export async function archiveCandidate(rt: RecordedTask, f: CleanFacts): Promise<void> {
  const root = rt.repo.root;
  if (!f.worktreeExists) {
    const earlier = (await listSnapshots(root, rt.state.task)).filter(
      (s) =>
        !s.restored &&
        s.info.index === f.index &&
        s.info.tree &&
        (f.head === null || s.info.branchTip === f.head),
    );
    if (earlier.length) return;
  }
  const { candidates: _, ...taskState } = rt.state;
  await takeSnapshot({
    root,
    task: rt.state.task,
    index: f.index,
    branch: f.branch,
    worktree: f.worktree,
    worktreeExists: f.worktreeExists,
    branchTip: f.head,
    record: rt.candidates.find((c) => c.index === f.index)! as Record<string, unknown>,
    taskState,
    prompt: rt.plan.prompt,
    ignored: f.ignoredFiles,
  }).catch((error: unknown) => {
    throw new UserError(
      `Archiving candidate ${f.index} failed, so it (and every candidate after it) was kept: ${(error as Error).message}. Fix the cause and run again.`,
      { cause: error },
    );
  });
}

/**
 * Copies every snapshot of the task into a verified bundle, beside the end of each agent log
 * (logs can be huge: never a whole one), in `<git-common-dir>/parallel/archive/<task>-<time>/`.
 */
export async function bundleTask(rt: RecordedTask): Promise<void> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const dir = await freshDir(archiveDir(rt.repo.commonDir), `${rt.state.task}-${stamp}`);
  const file = join(dir, 'snapshots.bundle');
  const { base } = rt.state;
  await bundleSnapshots(rt.repo.root, rt.state.task, file, base.commit, base.branch);
  await archiveLogTails(join(rt.plan.paths.dir, 'logs'), join(dir, 'state', 'logs'));
  info(
    `Archived into ${ARCHIVE_NS(rt.state.task)} (every file read back and compared), copied to ${file} (bundle verified).`,
  );
}

async function freshDir(parent: string, name: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  for (let i = 0; ; i++) {
    const dir = join(parent, i ? `${name}-${i}` : name);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Candidates on hosts: their saved work, fetched here as refs, goes into an archive of bundle
 * and manifest (what `restore` pushes back to the host) before their hosts remove anything.
 */
export async function archiveRemote(rt: RecordedTask, decisions: CleanDecision[]): Promise<void> {
  const { dir } = await createArchive({
    commonDir: rt.repo.commonDir,
    repoRoot: rt.repo.root,
    task: rt.state.task,
    base: rt.state.base,
    stateDir: rt.plan.paths.dir,
    candidates: decisions.map((d) => ({
      facts: d.facts,
      record: rt.candidates.find((c) => c.index === d.facts.index)! as Record<string, unknown>,
    })),
  }).catch((error: unknown) => {
    throw new UserError(
      `Archiving the candidates on hosts failed, so they were kept: ${(error as Error).message}. Fix the cause and run again.`,
      { cause: error },
    );
  });
  info(`Archived ${decisions.length} candidate(s) on hosts to ${dir} (bundle verified).`);
}

/** Everything of the task's directory but its lock (still held): the lock goes last. */
export async function clearTaskDir(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (name !== 'lock') await rm(join(dir, name), { recursive: true, force: true });
  }
}
