import { resolve } from 'node:path';
import type { WorktreeEntry } from '../git/worktrees.js';
import type { PaneState, SessionState } from '../mux/types.js';
import type { Plan } from '../plan/plan.js';
import type { HostSeen } from '../remote/observe.js';
import { describeRemoteAction, type RemoteAction, reconcileRemote } from '../remote/reconcile.js';

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
  /** Candidates whose worktree finished its copy + setup step. */
  prepared: Set<number>;
  /**
   * Exit status each launcher wrote when its agent ended (`run/<n>.exit`). A launcher that was
   * killed writes none. tmux can show a pane dead before it has collected its status.
   */
  exitCodes: Map<number, number>;
  /** Locked worktrees (path → reason). `initializing` is git's own lock while it creates one. */
  locked: Map<string, string>;
  /** Worktree path → its registration directory, for registrations git cannot read (files missing). */
  incomplete: Map<string, { dir: string; interrupted: boolean }>;
  /** Worktree path → the commit it was on, for worktrees whose branch ref was deleted under them. */
  lostHeads: Map<string, string>;
  /** Hosts of remote candidates, as one round trip to each saw them (absent: no remote candidates). */
  hosts?: Map<string, HostSeen>;
  /**
   * Plan branches that exist but are not this task's (no mark of it, not in its state) → the
   * task whose mark they carry, if any. `up` never adopts them.
   */
  unowned?: Map<string, string | undefined>;
}

export type Action =
  | { kind: 'prune-worktrees'; paths: string[] }
  | { kind: 'discard-worktree'; index: number; path: string; adminDir?: string }
  | { kind: 'create-worktree'; index: number; branch: string; path: string; base: string }
  | { kind: 'restore-worktree'; index: number; branch: string; path: string }
  | { kind: 'restore-branch'; index: number; branch: string; path: string; head: string }
  | { kind: 'prepare-worktree'; index: number; path: string }
  | { kind: 'write-files'; files: string[] }
  | { kind: 'create-session'; session: string; indexes: number[] }
  | { kind: 'add-pane'; session: string; index: number }
  | { kind: 'restart-pane'; session: string; index: number; pane: string; alive: boolean }
  | RemoteAction;

export interface Reconciliation {
  actions: Action[];
  /** Conflicts that `up` must not resolve by itself (it would destroy or hide user work). */
  problems: string[];
}

/** Set by `git worktree add` while it works; left behind only when it was killed half-way. */
const GIT_INITIALIZING = 'initializing';

/** Plan + observed state → the actions that make the world match the plan. Pure. */
export function reconcile(plan: Plan, observed: Observed): Reconciliation {
  const actions: Action[] = [];
  const problems: string[] = [];
  const byPath = new Map(observed.worktrees.map((w) => [resolve(w.path), w]));
  const byBranch = new Map(observed.worktrees.filter((w) => w.branch).map((w) => [w.branch!, w]));
  const interrupted = (path: string) => observed.locked.get(path) === GIT_INITIALIZING;

  const prunable = observed.worktrees
    .filter((w) => w.prunable && !observed.locked.has(resolve(w.path)))
    .map((w) => w.path);
  if (prunable.length) actions.push({ kind: 'prune-worktrees', paths: prunable });

  /** Worktrees this run creates from the base (a new candidate) or rebuilds from their branch. */
  const created = new Set<number>();
  const rebuilt = new Set<number>();
  const unprepared: number[] = [];
  if (observed.hosts) {
    const remote = reconcileRemote(plan, observed.hosts);
    actions.push(...remote.actions);
    problems.push(...remote.problems);
  }
  for (const c of plan.candidates) {
    // Candidates on another machine are that host's business (reconcileRemote).
    if (c.host) continue;
    let registered = byPath.get(c.worktree);
    let exists = observed.existingPaths.has(c.worktree);
    const branchCommit = observed.branches.get(c.branch);
    const damaged = observed.incomplete.get(c.worktree);
    if (observed.unowned?.has(c.branch)) {
      problems.push(foreignBranch(plan, c.branch, observed.unowned.get(c.branch)));
      continue;
    }
    if ((registered || damaged) && (interrupted(c.worktree) || damaged?.interrupted)) {
      // A checkout that never finished holds no work (its agent never started): start it over.
      actions.push({ kind: 'discard-worktree', index: c.index, path: c.worktree, adminDir: damaged?.dir });
      registered = undefined;
      exists = false;
    } else if (damaged) {
      problems.push(
        `git's registration of the worktree ${c.worktree} (${damaged.dir}) is missing files, so git cannot read it. If that worktree holds no work of yours, remove both (\`rm -rf "${damaged.dir}" "${c.worktree}"\`) and run again; otherwise run \`git worktree repair "${c.worktree}"\`.`,
      );
      continue;
    }
    const live = registered && !registered.prunable && exists;
    if (registered && live) {
      if (registered.branch === c.branch) {
        if (branchCommit === undefined) {
          const head = observed.lostHeads.get(c.worktree);
          if (head) {
            actions.push({
              kind: 'restore-branch',
              index: c.index,
              branch: c.branch,
              path: c.worktree,
              head,
            });
          } else {
            problems.push(
              `Branch "${c.branch}" was deleted while ${c.worktree} still has it checked out, and its last commit cannot be found in that worktree's reflog. Its files are untouched; recreate the branch at the right commit (\`git branch ${c.branch} <commit>\`) and run again.`,
            );
            continue;
          }
        }
      } else if (registered.branch) {
        problems.push(
          `${c.worktree} is checked out on branch "${registered.branch}", not "${c.branch}". Switch it back (\`git -C "${c.worktree}" switch ${c.branch}\`) or move it away.`,
        );
        continue;
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
        continue;
      }
      if (!observed.prepared.has(c.index)) unprepared.push(c.index);
      continue;
    }
    if (exists) {
      problems.push(
        `${c.worktree} exists but is not a git worktree of this repository. Move it away (git-parallel never overwrites a directory), or set worktrees.dir in the config.`,
      );
      continue;
    }
    if (registered && observed.locked.has(c.worktree) && !interrupted(c.worktree)) {
      problems.push(
        `${c.worktree} is a locked worktree whose directory is missing (on removable media?). Bring the directory back, or unlock it (\`git worktree unlock "${c.worktree}"\`) and run again to rebuild it from branch "${c.branch}".`,
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
      created.add(c.index);
    } else {
      actions.push({ kind: 'restore-worktree', index: c.index, branch: c.branch, path: c.worktree });
      rebuilt.add(c.index);
    }
    unprepared.push(c.index);
  }
  for (const index of unprepared.sort((a, b) => a - b))
    actions.push({
      kind: 'prepare-worktree',
      index,
      path: plan.candidates.find((c) => c.index === index)!.worktree,
    });

  if (observed.staleFiles.length) actions.push({ kind: 'write-files', files: observed.staleFiles });

  const session = observed.session;
  if (session?.foreign) {
    problems.push(
      `The ${plan.mux} session "${session.name}" exists but is not this task's (another task, another clone of the repository, or a session of your own), so \`up\` leaves it alone. Set \`session\` in the config to a name of its own (e.g. "{repo}-{task}-2"), or rename that session.`,
    );
    return { actions, problems };
  }
  if (!session) {
    actions.push({
      kind: 'create-session',
      session: plan.session,
      indexes: plan.candidates.map((c) => c.index),
    });
    return { actions, problems };
  }
  // A remote agent (re)started under a live view: the view follows it.
  for (const a of actions) if (a.kind === 'remote-start') created.add(a.index);
  for (const c of plan.candidates) {
    const panes = session.panes.filter((p) => p.index === c.index);
    const alive = panes.find((p) => p.alive);
    const restart = (pane: PaneState) =>
      actions.push({
        kind: 'restart-pane',
        session: plan.session,
        index: c.index,
        pane: pane.id,
        alive: pane.alive,
      });
    if (panes.length === 0) actions.push({ kind: 'add-pane', session: plan.session, index: c.index });
    // An agent still running in a worktree that was just (re)built runs in a deleted directory.
    else if (alive) {
      if (created.has(c.index) || rebuilt.has(c.index)) restart(alive);
    }
    // A finished agent (exit 0) is left alone; a crashed or killed one is started again (it resumes).
    else if (
      created.has(c.index) ||
      !panes.some((p) => (p.exitCode ?? observed.exitCodes.get(c.index)) === 0)
    )
      restart(panes[panes.length - 1]!);
  }
  return { actions, problems };
}

function foreignBranch(plan: Plan, branch: string, owner: string | undefined): string {
  const whose = owner ? `it belongs to task "${owner}"` : 'git-parallel did not create it for this task';
  return `Branch "${branch}" already exists and is not task "${plan.task}"'s (${whose}), so \`up\` will not take it over. Use another task name, or set worktrees.branch in the config (e.g. "{task}-agent-{n}") so the candidates get branches of their own. If this task did create it (before ownership marks existed), mark it: \`git config branch.${branch}.parallelTask ${plan.task}\`.`;
}

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'prune-worktrees':
      return `prune ${action.paths.length} stale worktree registration(s): ${action.paths.join(', ')}`;
    case 'discard-worktree':
      return `discard the half-created worktree ${action.path} (its \`git worktree add\` was interrupted)`;
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
    case 'restart-pane':
      return `restart the agent of candidate ${action.index} (${action.alive ? 'its worktree was rebuilt under it' : 'it crashed, was killed, or starts over'})`;
    default:
      return describeRemoteAction(action);
  }
}
