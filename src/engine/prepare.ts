import { createWriteStream, existsSync } from 'node:fs';
import { cp, lstat, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { untrackedMatching } from '../git/files.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { runInto } from '../proc/run.js';
import { preparedMarker } from './observe.js';

/**
 * Files the user keeps out of git but every worktree needs (.env, local config): the config's
 * `copy` patterns plus `.worktreeinclude` (gitignore syntax), matched against untracked files.
 */
export async function filesToCopy(plan: Plan): Promise<string[]> {
  const include = join(plan.repo.root, '.worktreeinclude');
  const hasInclude = existsSync(include);
  if (!hasInclude && plan.copy.length === 0) return [];
  return untrackedMatching(plan.repo.root, {
    excludeFrom: hasInclude ? include : undefined,
    patterns: plan.copy,
  });
}

/**
 * Copies the untracked files into a new worktree. Directories (`node_modules`, …) are linked
 * (reflink or hard links, see deps/link.ts): a few thousand files in milliseconds instead of a
 * fresh install per candidate. Single files (.env, local config) are real copies, so editing
 * one in a worktree never changes the others. Nothing in the worktree is overwritten.
 */
export async function copyInto(plan: Plan, candidate: Candidate, files: string[]): Promise<void> {
  await Promise.all(
    files.map(async (file) => {
      const from = join(plan.repo.root, file);
      const to = join(candidate.worktree, file);
      const kind = await lstat(from).catch(() => undefined);
      if (!kind) return;
      if (kind.isDirectory()) {
        const { linkTree } = await import('../deps/link.js');
        await linkTree(from, to);
        return;
      }
      await cp(from, to, { force: false, errorOnExist: false, preserveTimestamps: true });
    }),
  );
}

/**
 * Makes a worktree ready for its agent: the untracked files copied or linked in, the setup
 * commands run, and the marker that tells the next `up` it is done.
 */
export async function prepareCandidate(
  plan: Plan,
  candidate: Candidate,
  copies: string[],
): Promise<SetupResult> {
  await copyInto(plan, candidate, copies);
  const result = await runSetup(plan, candidate);
  await mkdir(plan.paths.runDir, { recursive: true });
  await writeFile(preparedMarker(plan, candidate.index), `${new Date().toISOString()}\n`);
  return result;
}

/** The warning for a setup command that failed in one worktree. */
export const setupFailure = (r: SetupResult, then: string) =>
  `setup failed in candidate ${r.index}: \`${r.failed!.command}\` exited ${r.failed!.exitCode}; see ${r.log}. ${then}`;

export interface SetupResult {
  index: number;
  ok: boolean;
  failed?: { command: string; exitCode: number };
  log: string;
}

/** Runs the config's `setup` commands in order in one worktree; output goes to logs/setup-<n>.log. */
export async function runSetup(plan: Plan, candidate: Candidate): Promise<SetupResult> {
  const log = join(plan.paths.logDir, `setup-${candidate.index}.log`);
  if (plan.setup.length === 0) return { index: candidate.index, ok: true, log };
  await mkdir(plan.paths.logDir, { recursive: true });
  const stream = createWriteStream(log, { flags: 'a' });
  try {
    for (const command of plan.setup) {
      stream.write(`$ ${command}\n`);
      const exitCode = await runInto('bash', ['-c', command], {
        cwd: candidate.worktree,
        env: { ...process.env, ...candidate.env },
        output: stream,
      });
      if (exitCode !== 0) return { index: candidate.index, ok: false, failed: { command, exitCode }, log };
    }
    return { index: candidate.index, ok: true, log };
  } finally {
    await new Promise((r) => stream.end(r));
  }
}
