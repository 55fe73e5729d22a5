import { existsSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { markBranches } from '../git/owner.js';
import { discardWorktree } from '../git/worktree-admin.js';
import { addWorktree, attachBranch, createBranch, pruneWorktrees } from '../git/worktrees.js';
import type { MuxDriver } from '../mux/types.js';
import { pc, warn } from '../output.js';
import type { Plan } from '../plan/plan.js';
import { takeFromPool } from '../pool/pool.js';
import { killSelfNow } from '../proc/group.js';
import { agentStateFile } from '../task/agent-state.js';
import { runMarker } from '../task/run-markers.js';
import { writeFileAtomic } from '../task/state.js';
import { preparedMarker } from './observe.js';
import { filesToCopy, prepareCandidate, type SetupResult, setupFailure } from './prepare.js';
import type { Action } from './reconcile.js';

export interface ApplyOptions {
  driver: MuxDriver;
  files: Map<string, string>;
  /**
   * Test hook for crash tests: SIGKILL right after this many actions. When this process leads
   * its process group (spawned detached), the whole group dies, git children included, like a
   * power cut; the agents (tmux server, headless launchers) live in their own groups and survive.
   */
  crashAfter?: number;
}

/**
 * Before any branch or worktree is made: the state names every candidate and each branch about
 * to be made carries the task's mark, so a run killed half-way (or a failing hook) leaves
 * nothing that `status`, `down` and the next `up` cannot see as the task's own.
 */
async function writeAhead(plan: Plan, files: Map<string, string>, git: { branch: string }[]): Promise<void> {
  if (!git.length) return;
  const state = files.get(plan.paths.stateFile);
  if (state !== undefined) await writeFileAtomic(plan.paths.stateFile, state);
  await markBranches(
    plan.repo.root,
    plan.task,
    git.map((a) => a.branch),
  );
}

/** Runs the reconciler's actions in dependency order: git, then files, then the multiplexer. */
export async function apply(plan: Plan, actions: Action[], options: ApplyOptions): Promise<void> {
  const progress = new Progress(actions.length);
  const step = async (action: Action, work: () => Promise<unknown>) => {
    await work();
    progress.tick(action);
    if (options.crashAfter !== undefined && progress.done >= options.crashAfter) killSelfNow();
  };
  const limit = pLimit(Math.max(2, availableParallelism()));
  const of = <K extends Action['kind']>(kind: K) =>
    actions.filter((a): a is Extract<Action, { kind: K }> => a.kind === kind);

  const remote = actions.filter((a) => a.kind.startsWith('remote-'));
  if (remote.length) {
    // First: a host that stops answering half-way then leaves nothing half-done on this machine.
    const { applyRemote } = await import('../remote/apply.js');
    await applyRemote(plan, remote as Parameters<typeof applyRemote>[1], step);
  }
  for (const action of of('prune-worktrees')) await step(action, () => pruneWorktrees(plan.repo.root));
  for (const action of of('discard-worktree'))
    await step(action, () => discardWorktree(plan.repo.root, action.path, action.adminDir));

  const git = [...of('create-worktree'), ...of('restore-worktree'), ...of('restore-branch')];
  await writeAhead(plan, options.files, git);
  await Promise.all(
    git.map((action) =>
      limit(() =>
        step(action, async () => {
          if (action.kind === 'create-worktree') {
            // A new candidate from the base: its agent starts with the prompt, not resumed.
            await rm(preparedMarker(plan, action.index), { force: true });
            await rm(runMarker(plan.paths.runDir, action.index, 'started'), { force: true });
            await rm(agentStateFile(plan.paths.dir, action.index), { force: true });
            const pool = { root: plan.repo.root, dir: plan.pool.dir };
            const taken =
              existsSync(pool.dir) && (await takeFromPool(pool, action.path, action.branch, action.base));
            if (!taken) await addWorktree(plan.repo.root, action.path, action.branch, action.base);
          } else if (action.kind === 'restore-worktree') {
            await rm(preparedMarker(plan, action.index), { force: true });
            await addWorktree(plan.repo.root, action.path, action.branch);
          } else {
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
          const candidate = plan.candidates.find((c) => c.index === action.index)!;
          let result: SetupResult | undefined;
          await step(action, async () => {
            result = await prepareCandidate(plan, candidate, copies);
          });
          return result!;
        }),
      ),
    );
    for (const r of results.filter((r) => !r.ok)) {
      warn(setupFailure(r, 'Its agent starts anyway; fix and re-run the command in that worktree.'));
    }
  }

  for (const action of of('write-files')) {
    await step(action, () =>
      Promise.all(
        action.files.map(async (path) => {
          const launcher = path.endsWith('.sh');
          await writeFileAtomic(path, options.files.get(path)!, launcher ? 0o755 : 0o644);
          if (launcher) await chmod(path, 0o755);
        }),
      ),
    );
  }

  for (const action of of('create-session')) {
    const candidates = plan.candidates.filter((c) => action.indexes.includes(c.index));
    await step(action, () => options.driver.createSession(plan, candidates));
  }
  for (const action of of('add-pane')) {
    await step(action, () =>
      options.driver.addPane(plan, plan.candidates.find((c) => c.index === action.index)!),
    );
  }
  for (const action of of('restart-pane')) {
    const candidate = plan.candidates.find((c) => c.index === action.index)!;
    const pane = { index: action.index, id: action.pane, alive: action.alive };
    await step(action, () => options.driver.restartPane(plan, pane, candidate));
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
