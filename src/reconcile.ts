import { resolve } from 'node:path';
import type { WorktreeEntry } from './git/worktrees.js';
import type { SessionState } from './mux/types.js';
import type { Plan } from './plan.js';

/** What `up` can see of the world, gathered by observe.ts. */
export interface Observed {
  worktrees: WorktreeEntry[];
  /** Branch → commit, for the plan's branches. */
  branches: Map<string, string>;
  /** Worktree paths of the plan that exist on disk. */
  existingPaths: Set<string>;
  session: SessionState | null;
  /** Generated files (layout, launchers, prompt, state) whose content on disk differs from the plan's. */
  staleFiles: string[];
}

export type Action =
  | { kind: 'prune-worktrees'; paths: string[] }
  | { kind: 'create-worktree'; index: number; branch: string; path: string; base: string }
  | { kind: 'restore-worktree'; index: number; branch: string; path: string }
  | { kind: 'restore-branch'; index: number; branch: string; path: string; head: string }
  | { kind: 'prepare-worktree'; index: number; path: string }
  | { kind: 'write-files'; files: string[] }
  | { kind: 'create-session'; session: string; indexes: number[] }
  | { kind: 'add-pane'; session: string; index: number };

export interface Reconciliation {
  actions: Action[];
  /** Conflicts that `up` must not resolve by itself (it would destroy or hide user work). */
  problems: string[];
}

/** Plan + observed state → the actions that make the world match the plan. Pure. */
export function reconcile(plan: Plan, observed: Observed): Reconciliation {
  const actions: Action[] = [];
  const problems: string[] = [];
  const byPath = new Map(observed.worktrees.map((w) => [resolve(w.path), w]));
  const byBranch = new Map(observed.worktrees.filter((w) => w.branch).map((w) => [w.branch!, w]));

  const prunable = observed.worktrees.filter((w) => w.prunable).map((w) => w.path);
  if (prunable.length) actions.push({ kind: 'prune-worktrees', paths: prunable });

  const fresh: number[] = [];
  for (const c of plan.candidates) {
    const registered = byPath.get(c.worktree);
    const live = registered && !registered.prunable && observed.existingPaths.has(c.worktree);
    const branchCommit = observed.branches.get(c.branch);
    if (live) {
      if (registered.branch === c.branch) continue;
      if (registered.branch) {
        problems.push(
          `${c.worktree} is checked out on branch "${registered.branch}", not "${c.branch}". Switch it back (\`git -C "${c.worktree}" switch ${c.branch}\`) or move it away.`,
        );
      } else if (branchCommit === undefined && registered.head) {
        actions.push({
          kind: 'restore-branch',
          index: c.index,
          branch: c.branch,
          path: c.worktree,
          head: registered.head,
        });
      } else {
        problems.push(
          `${c.worktree} has a detached HEAD while branch "${c.branch}" exists. Check the branch out there (\`git -C "${c.worktree}" switch ${c.branch}\`) after saving any commits you made.`,
        );
      }
      continue;
    }
    if (observed.existingPaths.has(c.worktree)) {
      problems.push(
        `${c.worktree} exists but is not a git worktree of this repository. Move it away (git-parallel never overwrites a directory), or set worktrees.dir in the config.`,
      );
      continue;
    }
    const elsewhere = byBranch.get(c.branch);
    if (elsewhere && !elsewhere.prunable && resolve(elsewhere.path) !== c.worktree) {
      problems.push(
        `Branch "${c.branch}" is already checked out in ${elsewhere.path}. Remove that worktree or rename the task.`,
      );
      continue;
    }
    if (branchCommit === undefined) {
      actions.push({
        kind: 'create-worktree',
        index: c.index,
        branch: c.branch,
        path: c.worktree,
        base: plan.base.commit,
      });
    } else {
      actions.push({ kind: 'restore-worktree', index: c.index, branch: c.branch, path: c.worktree });
    }
    fresh.push(c.index);
  }
  for (const index of fresh)
    actions.push({ kind: 'prepare-worktree', index, path: plan.candidates[index - 1]!.worktree });

  if (observed.staleFiles.length) actions.push({ kind: 'write-files', files: observed.staleFiles });

  const session = observed.session;
  if (!session) {
    actions.push({
      kind: 'create-session',
      session: plan.session,
      indexes: plan.candidates.map((c) => c.index),
    });
  } else {
    const present = new Set(session.panes.map((p) => p.index));
    for (const c of plan.candidates) {
      if (!present.has(c.index)) actions.push({ kind: 'add-pane', session: plan.session, index: c.index });
    }
  }
  return { actions, problems };
}

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'prune-worktrees':
      return `prune ${action.paths.length} stale worktree registration(s): ${action.paths.join(', ')}`;
    case 'create-worktree':
      return `create worktree ${action.path} on new branch ${action.branch} at ${action.base.slice(0, 12)}`;
    case 'restore-worktree':
      return `rebuild worktree ${action.path} from existing branch ${action.branch}`;
    case 'restore-branch':
      return `recreate branch ${action.branch} at ${action.head.slice(0, 12)} (the worktree's HEAD)`;
    case 'prepare-worktree':
      return `copy files and run setup in ${action.path}`;
    case 'write-files':
      return `write ${action.files.length} generated file(s) (layout, launchers, prompt, state)`;
    case 'create-session':
      return `start session ${action.session} with ${action.indexes.length} agent(s)`;
    case 'add-pane':
      return `add the pane of candidate ${action.index} to session ${action.session}`;
  }
}
