import { chmod } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { addWorktree, attachBranch, createBranch, pruneWorktrees } from './git/worktrees.js';
import type { MuxDriver } from './mux/types.js';
import { pc, warn } from './output.js';
import type { Plan } from './plan.js';
import { copyInto, filesToCopy, runSetup } from './prepare.js';
import type { Action } from './reconcile.js';
import { writeFileAtomic } from './state.js';

export interface ApplyOptions {
  driver: MuxDriver;
  files: Map<string, string>;
  /** Test hook for crash tests: stop (SIGKILL) right after this many actions. */
  crashAfter?: number;
}

/** Runs the reconciler's actions in dependency order: git, then files, then the multiplexer. */
export async function apply(plan: Plan, actions: Action[], options: ApplyOptions): Promise<void> {
  const progress = new Progress(actions.length);
  const step = async (action: Action, work: () => Promise<unknown>) => {
    await work();
    progress.tick(action);
    if (options.crashAfter !== undefined && progress.done >= options.crashAfter)
      process.kill(process.pid, 'SIGKILL');
  };
  const limit = pLimit(Math.max(2, availableParallelism()));
  const of = <K extends Action['kind']>(kind: K) =>
    actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);

  for (const action of of('prune-worktrees')) await step(action, () => pruneWorktrees(plan.repo.root));

  const git = [...of('create-worktree'), ...of('restore-worktree'), ...of('restore-branch')];
  await Promise.all(
    git.map((action) =>
      limit(() =>
        step(action, async () => {
          if (action.kind === 'create-worktree')
            await addWorktree(plan.repo.root, action.path, action.branch, action.base);
          else if (action.kind === 'restore-worktree')
            await addWorktree(plan.repo.root, action.path, action.branch);
          else {
            await createBranch(plan.repo.root, action.branch, action.head);
            await attachBranch(action.path, action.branch);
          }
        }),
      ),
    ),
  );

  const prepares = of('prepare-worktree');
  if (prepares.length) {
    const copies = await filesToCopy(plan);
    const results = await Promise.all(
      prepares.map((action) =>
        limit(async () => {
          const candidate = plan.candidates[action.index - 1]!;
          let result: Awaited<ReturnType<typeof runSetup>> | undefined;
          await step(action, async () => {
            await copyInto(plan, candidate, copies);
            result = await runSetup(plan, candidate);
          });
          return result!;
        }),
      ),
    );
    for (const r of results.filter((r) => !r.ok)) {
      warn(
        `setup failed in candidate ${r.index}: \`${r.failed!.command}\` exited ${r.failed!.exitCode}; see ${r.log}. Its agent starts anyway; fix and re-run the command in that worktree.`,
      );
    }
  }

  for (const action of of('write-files')) {
    await step(action, async () => {
      for (const path of action.files) {
        const launcher = path.endsWith('.sh');
        await writeFileAtomic(path, options.files.get(path)!, launcher ? 0o755 : 0o644);
        if (launcher) await chmod(path, 0o755);
      }
    });
  }

  for (const action of of('create-session')) {
    const candidates = plan.candidates.filter((c) => action.indexes.includes(c.index));
    await step(action, () => options.driver.createSession(plan, candidates));
  }
  for (const action of of('add-pane')) {
    await step(action, () => options.driver.addPane(plan, plan.candidates[action.index - 1]!));
  }
  progress.finish();
}

/** One status line on a TTY; silent otherwise. */
class Progress {
  done = 0;
  private readonly tty = process.stderr.isTTY === true;
  constructor(private readonly total: number) {}
  tick(action: Action) {
    this.done++;
    if (this.tty && this.total > 1) {
      process.stderr.write(
        `\r${pc.dim(`[${this.done}/${this.total}]`)} ${action.kind} ${'index' in action ? `#${action.index}` : ''}\x1b[K`,
      );
    }
  }
  finish() {
    if (this.tty && this.total > 1) process.stderr.write('\r\x1b[K');
  }
}
