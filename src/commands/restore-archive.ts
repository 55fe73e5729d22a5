import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedCandidate } from '../compare/task.js';
import { reapplyCopyAndSetup } from '../engine/reapply.js';
import { UserError } from '../errors.js';
import { type ArchivedCandidate, type ArchiveManifest, verifyArchive } from '../git/archive.js';
import { resolveCommit } from '../git/diff.js';
import type { Repo } from '../git/repo.js';
import { restoreRefs, restoreWorktree } from '../git/unarchive.js';
import { CHECKOUTS_AT_ONCE, listWorktrees } from '../git/worktrees.js';
import { HEADLESS } from '../mux/capabilities.js';
import { info, pc } from '../output.js';
import { statePaths, tasksDir } from '../plan/paths.js';
import { readState, type TaskState, writeState } from '../task/state.js';

/**
 * Brings back an archive of bundle and manifest: what `down --clean --force` writes for
 * candidates on hosts (and wrote for every candidate in earlier versions). Branches at their
 * exact commits, worktrees with their staged, unstaged and untracked files, and the task's
 * state. Checks everything first and overwrites nothing.
 */
export async function restoreArchive(
  task: string,
  repo: Repo,
  found: { dir: string; manifest: ArchiveManifest },
): Promise<void> {
  const { dir, manifest } = found;
  const paths = statePaths(repo.commonDir, task);
  const state = await readState(paths.stateFile);
  const onHosts = manifest.candidates.filter((c): c is ArchivedCandidate & { host: string } => !!c.host);
  const hosts = onHosts.length ? await configHosts(repo) : {};
  const problems = await preflight(repo.root, manifest, state);
  if (onHosts.length) {
    const { remoteRestoreProblems } = await import('../remote/restore.js');
    problems.push(...(await remoteRestoreProblems(hosts, task, onHosts)));
  }
  try {
    await verifyArchive(repo.root, dir, manifest);
  } catch (error) {
    problems.push(`the archive ${dir} does not verify (${(error as Error).message})`);
  }
  if (problems.length) {
    throw new UserError(
      `Cannot restore task "${task}" from ${dir}; nothing was changed: ${problems.join('; ')}.`,
    );
  }

  await restoreRefs(repo.root, dir, manifest);
  // As many checkouts at once as `up` runs (see CHECKOUTS_AT_ONCE).
  const { default: pLimit } = await import('p-limit');
  const limit = pLimit(CHECKOUTS_AT_ONCE);
  const restored = await Promise.allSettled(
    manifest.candidates.filter((c) => !c.host).map((c) => limit(() => restoreWorktree(repo.root, dir, c))),
  );
  const failed = restored.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  if (onHosts.length)
    await (await import('../remote/restore.js')).restoreOnHosts(repo.root, hosts, task, onHosts);
  await restoreState(dir, paths, manifest, state);
  const prepared = await reapplyCopyAndSetup(
    task,
    manifest.candidates.filter((c) => !c.host),
  );

  const lines = [
    `${pc.green('✔')} Restored ${manifest.candidates.length} candidate(s) of task ${task} from ${dir}:`,
    ...manifest.candidates.map(
      (c) =>
        `  #${c.index} ${c.branch.padEnd(16)} ${c.commit ? c.commit.slice(0, 12) : '(no branch)'}  ${pc.dim(c.worktree)}`,
    ),
    ...prepared,
    `  The archive stays in ${dir}; delete it when you no longer need it. \`parallel up ${task}\` starts the agents again.`,
  ];
  info(lines.join('\n'));
}

/** Every reason the restore would overwrite something. */
async function preflight(root: string, manifest: ArchiveManifest, state: TaskState | undefined) {
  const problems: string[] = [];
  const registered = await listWorktrees(root);
  // Candidates on other machines are checked there (remote/restore.ts).
  for (const c of manifest.candidates.filter((x) => !x.host)) {
    if (c.commit && (await resolveCommit(root, `refs/heads/${c.branch}`))) {
      problems.push(`branch ${c.branch} already exists`);
    }
    if (existsSync(c.worktree)) problems.push(`${c.worktree} already exists`);
    else if (registered.some((w) => w.path === c.worktree)) {
      problems.push(`${c.worktree} is still registered as a worktree (run \`git worktree prune\`)`);
    }
    if (state?.candidates.some((s) => s.index === c.index)) {
      problems.push(`the task already has a candidate ${c.index}`);
    }
  }
  return problems;
}

/** Puts the candidates back into state.json (restoring the archived state files if the task had none). */
async function restoreState(
  dir: string,
  paths: ReturnType<typeof statePaths>,
  manifest: ArchiveManifest,
  state: TaskState | undefined,
) {
  const records = manifest.candidates.map((c) => c.record as RecordedCandidate);
  if (!state && existsSync(join(dir, 'state'))) {
    await mkdir(paths.dir, { recursive: true });
    await cp(join(dir, 'state'), paths.dir, { recursive: true, force: false, errorOnExist: false });
  }
  const current = state ?? (await readState(paths.stateFile));
  const next: TaskState = current
    ? {
        ...current,
        candidates: [
          ...current.candidates.filter((s) => !records.some((r) => r.index === s.index)),
          ...records,
        ].sort((a, b) => a.index - b.index),
      }
    : {
        version: 1,
        task: manifest.task,
        createdAt: manifest.createdAt,
        base: manifest.base,
        session: manifest.task,
        mux: HEADLESS,
        layout: 'tiled',
        candidates: records,
      };
  await writeState(paths.stateFile, next);
}

/** The config's hosts, for candidates archived from other machines. */
async function configHosts(repo: Repo) {
  const { loadConfig } = await import('../config/load.js');
  const { config } = await loadConfig(process.cwd(), repo.root, tasksDir(repo.commonDir));
  return config.hosts;
}
