import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectComparison } from '../compare/collect.js';
import { findCandidate, loadRecordedTask, type RecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { resolveCommit } from '../git/diff.js';
import { branchRemote, listRemotes, pushBranch } from '../git/remote.js';
import { isWorktree, worktreeStatus } from '../git/status.js';
import { info, pc, warn } from '../output.js';
import { assertGhReady, createPullRequest } from '../ship/gh.js';
import { prBody, prTitle } from '../ship/pr-body.js';
import { readPick } from '../task/picked.js';
import { writeFileAtomic } from '../task/state.js';
import { progressLine } from './compare.js';

export interface ShipOptions {
  remote?: string;
  pr?: boolean;
  draft?: boolean;
  /** commander's --no-eval sets eval: false. */
  eval?: boolean;
}

/**
 * Pushes candidate n's branch (or, once `pick` brought it in, the base branch) to a remote,
 * never forced; with --pr opens a pull request through the GitHub CLI.
 */
export async function ship(task: string, n: number, options: ShipOptions = {}): Promise<void> {
  if (options.draft && !options.pr) {
    throw new UserError('--draft applies to the pull request: add --pr.', { exitCode: 2 });
  }
  const rt = await loadRecordedTask(task);
  const c = findCandidate(rt, n);
  const root = rt.repo.root;
  const picked = await readPick(rt.plan.paths);
  const afterPick = picked?.index === n;
  const branch = afterPick ? picked.branch : c.branch;
  if (!(await resolveCommit(root, `refs/heads/${branch}`))) {
    throw new UserError(
      `The branch ${branch} of candidate ${n} does not exist, so there is nothing to ship. \`parallel status ${task}\` shows the candidates; \`parallel restore ${task}\` brings back archived ones.`,
    );
  }
  const remote = await chooseRemote(rt, options.remote);
  if (options.pr) await assertGhReady(root);
  const comparison = options.pr ? await compareForBody(rt, options.eval !== false) : undefined;

  const pushed = await pushBranch(root, remote, branch);
  if (pushed.exitCode !== 0) {
    throw new UserError(
      `git refused to push ${branch} to ${remote} (exit ${pushed.exitCode}); nothing was forced:\n${indent(pushed.stderr.trim() || pushed.stdout.trim())}\nIf the remote branch has commits yours lacks, bring them in first (\`git fetch ${remote}\`, then merge or rebase ${branch}) and ship again.`,
    );
  }
  info(
    `${pc.green('✔')} Pushed ${pc.bold(branch)} to ${remote}${afterPick ? ` (candidate ${n} was picked into it)` : ` (candidate ${n}, ${c.agent})`}.`,
  );
  const facts = comparison?.json.candidates.find((f) => f.index === n);
  const status = facts ?? (isWorktree(c.worktree) ? await worktreeStatus(c.worktree) : undefined);
  const pending = status ? status.uncommitted.length + status.untracked.length : 0;
  if (pending && !afterPick) {
    warn(
      `candidate ${n}'s worktree has ${pending} uncommitted or untracked file(s) that were not pushed (see \`git -C ${c.worktree} status\`).`,
    );
  }
  if (!options.pr || !comparison || !facts) return;

  const prompt = await readFile(rt.plan.paths.promptFile, 'utf8').catch(() => rt.plan.prompt);
  const bodyFile = join(rt.plan.paths.dir, 'ship', `pr-${n}.md`);
  await writeFileAtomic(
    bodyFile,
    prBody({ json: comparison.json, candidate: facts, prompt, evalsRun: options.eval !== false, branch }),
  );
  const url = await createPullRequest({
    cwd: root,
    title: prTitle(task, prompt),
    bodyFile,
    head: branch,
    base: afterPick ? undefined : rt.state.base.branch,
    draft: options.draft,
  });
  info(`${pc.green('✔')} Opened a${options.draft ? ' draft' : ''} pull request${url ? `: ${url}` : ''}`);
  if (url) process.stdout.write(`${url}\n`);
}

/** --remote, else the base branch's remote, else origin, else the only remote. */
async function chooseRemote(rt: RecordedTask, wanted: string | undefined): Promise<string> {
  const remotes = await listRemotes(rt.repo.root);
  if (wanted !== undefined) {
    if (remotes.includes(wanted)) return wanted;
    throw new UserError(
      `There is no remote "${wanted}" in ${rt.repo.root}; ${remotes.length ? `its remotes are ${remotes.join(', ')}` : 'it has no remote'}. Add it with \`git remote add ${wanted} <url>\`, or pass another with --remote.`,
      { exitCode: 2 },
    );
  }
  const upstream = rt.state.base.branch ? await branchRemote(rt.repo.root, rt.state.base.branch) : undefined;
  if (upstream && remotes.includes(upstream)) return upstream;
  if (remotes.includes('origin')) return 'origin';
  if (remotes.length === 1) return remotes[0]!;
  if (!remotes.length) {
    throw new UserError(
      `The repository ${rt.repo.root} has no remote to ship to. Add one with \`git remote add origin <url>\` (e.g. after \`gh repo create\`), then ship again.`,
    );
  }
  throw new UserError(
    `The repository has several remotes (${remotes.join(', ')}) and none is called origin; choose one with --remote.`,
    { exitCode: 2 },
  );
}

async function compareForBody(rt: RecordedTask, evals: boolean) {
  const progress = progressLine(evals && rt.config.eval.length > 0);
  const comparison = await collectComparison(rt, { evals, onProgress: progress?.update });
  progress?.end();
  return comparison;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
