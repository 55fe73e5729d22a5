import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCandidate, labelOf, loadRecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { countCommits, isAncestor, resolveCommit } from '../git/diff.js';
import {
  commitSubjects,
  head,
  identityProblem,
  integrate,
  operationInProgress,
  type PickMode,
  trackedChanges,
  untrackedInTheWay,
} from '../git/merge.js';
import { isWorktree, worktreeStatus } from '../git/status.js';
import { addWorktreeOn, listWorktrees, pruneQuietly, removeWorktree } from '../git/worktrees.js';
import { info, pc, warn } from '../output.js';
import { candidateRef } from '../remote/refs.js';
import { recordPick } from '../task/picked.js';

export interface PickOptions {
  merge?: boolean;
  squash?: boolean;
  cherryPick?: boolean;
}

/** Brings candidate n into the branch the task was based on; aborts cleanly on a conflict. */
export async function pick(task: string, n: number, options: PickOptions = {}): Promise<void> {
  const mode = pickMode(options);
  const rt = await loadRecordedTask(task);
  const c = findCandidate(rt, n);
  const { base } = rt.state;
  const root = rt.repo.root;
  if (!base.branch) {
    throw new UserError(
      `Task "${task}" started from ${base.ref} (${base.commit.slice(0, 12)}), which is not a branch, so there is no branch to pick into. Merge by hand: \`git switch <branch>\` then \`git merge ${c.branch}\` (the candidate stays on branch ${c.branch}).`,
    );
  }
  const target = base.branch;
  const problem = await identityProblem(root);
  if (problem) throw new UserError(`Cannot pick candidate ${n}: ${problem}`);
  const tip = await resolveCommit(root, candidateRef(task, c));
  if (!tip) {
    throw new UserError(
      `The branch ${c.branch} of candidate ${n} does not exist, so there is nothing to pick. \`parallel restore ${task}\` brings back archived candidates.`,
    );
  }
  const targetTip = await resolveCommit(root, `refs/heads/${target}`);
  if (!targetTip) {
    throw new UserError(
      `The base branch ${target} of task "${task}" does not exist any more. Recreate it (\`git branch ${target} ${base.commit.slice(0, 12)}\`) or merge ${c.branch} by hand.`,
    );
  }
  const pending = !c.host && isWorktree(c.worktree) ? await worktreeStatus(c.worktree) : undefined;
  const pendingCount = pending ? pending.uncommitted.length + pending.untracked.length : 0;
  if (tip === base.commit || (await isAncestor(root, tip, targetTip))) {
    throw new UserError(
      `Candidate ${n} (${c.branch}) has no commits that ${target} does not already have, so there is nothing to pick.${
        pendingCount
          ? ` Its worktree has ${pendingCount} uncommitted or untracked file(s): commit them there (\`git -C ${c.worktree} add -A && git -C ${c.worktree} commit\`) and pick again.`
          : ''
      }`,
    );
  }

  const checkedOut = (await listWorktrees(root)).find((w) => w.branch === target);
  if (checkedOut?.prunable) {
    throw new UserError(
      `${target} is checked out in ${checkedOut.path}, which no longer exists. Run \`git worktree prune\` and pick again.`,
    );
  }
  if (checkedOut) {
    await assertClean(checkedOut.path, target);
    await assertNothingInTheWay(checkedOut.path, target, targetTip, tip);
  }

  const commits = await countCommits(root, base.commit, tip);
  const label = labelOf(task, c);
  const message =
    mode === 'squash'
      ? `${task}: candidate ${n} (${c.agent}), squashed from ${c.branch}\n\n${await commitSubjects(root, base.commit, tip)}`
      : `Merge ${label} (${c.agent}) of parallel task ${task}`;
  const where = checkedOut?.path ?? (await temporaryWorktree(root, target));
  try {
    const before = await head(where);
    const outcome = await integrate({ cwd: where, mode, tip, baseCommit: base.commit, message });
    if (!outcome.ok) {
      const now = await head(where);
      if (now !== before || (await trackedChanges(where)).length) {
        throw new UserError(
          `Picking candidate ${n} failed and git could not restore ${where} cleanly (HEAD ${now.slice(0, 12)}, was ${before.slice(0, 12)}). Inspect it with \`git -C ${where} status\`; \`git -C ${where} reset --merge ${before.slice(0, 12)}\` goes back.`,
        );
      }
      throw new UserError(
        failureMessage(outcome, {
          n,
          mode,
          target,
          branch: c.branch,
          where,
          checkedOut: !!checkedOut,
          root,
          base: base.commit,
        }),
      );
    }
    await recordPick(rt.plan.paths, {
      index: n,
      mode,
      branch: target,
      commit: outcome.commit,
      at: new Date().toISOString(),
    });
    if (pendingCount) {
      warn(
        `candidate ${n}'s worktree has ${pendingCount} uncommitted or untracked file(s); only its commits were picked (see \`git -C ${c.worktree} status\`).`,
      );
    }
    const others = rt.candidates.filter((o) => o.index !== n).map((o) => o.branch);
    info(
      [
        `${pc.green('✔')} ${verb(mode)} candidate ${n} (${c.branch}, ${commits} commit${commits === 1 ? '' : 's'}) into ${pc.bold(target)}: now ${outcome.commit.slice(0, 12)}${checkedOut ? ` (in ${where})` : ''}.`,
        others.length
          ? `  The other candidates stay as branches (${others.join(', ')}); \`parallel down ${task} --clean\` removes the ones with no unique work.`
          : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  } finally {
    if (!checkedOut) await removeTemporary(root, where);
  }
}

function pickMode(options: PickOptions): PickMode {
  const chosen = [
    options.merge && 'merge',
    options.squash && 'squash',
    options.cherryPick && 'cherry-pick',
  ].filter((m): m is PickMode => !!m);
  if (chosen.length > 1) {
    throw new UserError(
      `Choose one of --merge, --squash and --cherry-pick (got ${chosen.map((m) => `--${m}`).join(' ')}).`,
      {
        exitCode: 2,
      },
    );
  }
  return chosen[0] ?? 'merge';
}

async function assertClean(worktree: string, target: string): Promise<void> {
  const busy = await operationInProgress(worktree);
  if (busy) {
    throw new UserError(
      `${target} is checked out in ${worktree}, where ${busy} is in progress. Finish or abort it there first (\`git -C ${worktree} status\` says how); nothing was changed.`,
    );
  }
  const changes = await trackedChanges(worktree);
  if (changes.length) {
    throw new UserError(
      `${target} is checked out in ${worktree}, which has ${changes.length} uncommitted change(s); pick would mix them into the merge, so nothing was changed. Commit them, or stash them with \`git -C ${worktree} stash push -m "before parallel pick"\` (bring them back later with \`git -C ${worktree} stash pop\`), then pick again.`,
    );
  }
}

async function assertNothingInTheWay(worktree: string, target: string, targetTip: string, tip: string) {
  const files = await untrackedInTheWay(worktree, targetTip, tip);
  if (!files.length) return;
  const shown = files.length > 20 ? [...files.slice(0, 20), `… (${files.length - 20} more)`] : files;
  throw new UserError(
    `Picking would overwrite ${files.length} file(s) in ${worktree} (where ${target} is checked out) that git does not track there (untracked or ignored): ${shown.join(', ')}. Nothing was changed. Move them away (or delete them if you do not need them), then pick again.`,
  );
}

interface FailureContext {
  n: number;
  mode: PickMode;
  target: string;
  branch: string;
  where: string;
  checkedOut: boolean;
  root: string;
  base: string;
}

function failureMessage(
  outcome: { reason: string; conflicts: string[]; output: string },
  ctx: FailureContext,
): string {
  if (outcome.reason === 'empty') {
    return `Candidate ${ctx.n}'s changes are already in ${ctx.target}: the squash would be empty. Nothing was changed.`;
  }
  const cd = ctx.checkedOut ? `cd ${ctx.where}` : `cd ${ctx.root} && git switch ${ctx.target}`;
  const command =
    ctx.mode === 'merge'
      ? `git merge --no-ff ${ctx.branch}`
      : ctx.mode === 'squash'
        ? `git merge --squash ${ctx.branch}`
        : `git cherry-pick ${ctx.base.slice(0, 12)}..${ctx.branch}`;
  const finish =
    ctx.mode === 'cherry-pick'
      ? '`git add <files> && git cherry-pick --continue` (or `git cherry-pick --abort` to give up)'
      : `\`git add <files> && git commit\` (or \`${ctx.mode === 'merge' ? 'git merge --abort' : 'git reset --merge'}\` to give up)`;
  const what = outcome.conflicts.length
    ? `conflicts in ${outcome.conflicts.join(', ')}`
    : `git failed: ${outcome.output.split('\n').slice(-3).join(' ')}`;
  return `Picking candidate ${ctx.n} into ${ctx.target} stopped with ${what}. It was aborted: ${ctx.target} is unchanged and nothing is half-merged. To resolve by hand: \`${cd}\`, \`${command}\`, fix the files, then ${finish}.`;
}

const verb = (mode: PickMode) =>
  mode === 'merge' ? 'Merged' : mode === 'squash' ? 'Squashed' : 'Cherry-picked';

/** The target branch is not checked out anywhere: do the work in a throw-away worktree. */
async function temporaryWorktree(root: string, branch: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'parallel-pick-')), 'wt');
  await addWorktreeOn(root, dir, branch);
  return dir;
}

async function removeTemporary(root: string, dir: string): Promise<void> {
  await removeWorktree(root, dir, true);
  await rm(join(dir, '..'), { recursive: true, force: true });
  await pruneQuietly(root);
}
