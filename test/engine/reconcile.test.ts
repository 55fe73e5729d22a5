/**
 * The pure reconciler, table-driven: an observed world (a fixture, no I/O) → the actions `up`
 * takes, one row per fault the README names, plus the conflicts it refuses to resolve.
 */
import { describe, expect, test } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import { type Action, type Observed, reconcile } from '../../src/engine/reconcile.js';
import type { PaneState } from '../../src/mux/types.js';
import { buildPlan } from '../../src/plan/plan.js';

const repo = { root: '/r/repo', name: 'repo', commonDir: '/r/repo/.git', cwdTop: '/r/repo' };
const base = { ref: 'HEAD', commit: 'b'.repeat(40), branch: 'main' };
const plan = buildPlan({
  config: resolveConfig({ agents: [{ preset: 'claude', count: 2 }] }),
  task: 't',
  repo,
  base,
  mux: 'tmux',
  prompt: 'do it',
  flags: {},
});
const [one, two] = plan.candidates as [(typeof plan.candidates)[0], (typeof plan.candidates)[0]];
const head = (n: number) => String(n).repeat(40);
const pane = (index: number, alive = true, exitCode?: number): PaneState => ({
  index,
  id: `%${index}`,
  alive,
  exitCode,
});

/** Everything up and running: the reconciler has nothing to do. */
function upWorld(): Observed {
  return {
    worktrees: [
      { path: repo.root, head: base.commit, branch: 'main', prunable: false },
      { path: one.worktree, head: head(1), branch: one.branch, prunable: false },
      { path: two.worktree, head: head(2), branch: two.branch, prunable: false },
    ],
    branches: new Map([
      [one.branch, head(1)],
      [two.branch, head(2)],
    ]),
    existingPaths: new Set([one.worktree, two.worktree]),
    session: { name: plan.session, panes: [pane(1), pane(2)] },
    staleFiles: [],
    prepared: new Set([1, 2]),
    exitCodes: new Map(),
    locked: new Map(),
    incomplete: new Map(),
    lostHeads: new Map(),
  };
}

interface Row {
  fault: string;
  world: (w: Observed) => void;
  actions: Action[];
  problem?: RegExp;
}

const session = plan.session;
const rows: Row[] = [
  { fault: 'nothing wrong', world: () => {}, actions: [] },
  {
    fault: 'first up: nothing exists yet',
    world: (w) => {
      w.worktrees = w.worktrees.slice(0, 1);
      w.branches.clear();
      w.existingPaths.clear();
      w.session = null;
      w.prepared.clear();
      w.staleFiles = ['/state/launch/1.sh'];
    },
    actions: [
      { kind: 'create-worktree', index: 1, branch: one.branch, path: one.worktree, base: base.commit },
      { kind: 'create-worktree', index: 2, branch: two.branch, path: two.worktree, base: base.commit },
      { kind: 'prepare-worktree', index: 1, path: one.worktree },
      { kind: 'prepare-worktree', index: 2, path: two.worktree },
      { kind: 'write-files', files: ['/state/launch/1.sh'] },
      { kind: 'create-session', session, indexes: [1, 2] },
    ],
  },
  {
    fault: 'worktree directory deleted (rm -rf): rebuilt from its branch, its agent restarted there',
    world: (w) => {
      w.worktrees[1]!.prunable = true;
      w.existingPaths.delete(one.worktree);
    },
    actions: [
      { kind: 'prune-worktrees', paths: [one.worktree] },
      { kind: 'restore-worktree', index: 1, branch: one.branch, path: one.worktree },
      { kind: 'prepare-worktree', index: 1, path: one.worktree },
      { kind: 'restart-pane', session, index: 1, pane: '%1', alive: true },
    ],
  },
  {
    fault: 'branch deleted while its worktree exists: recreated at the worktree HEAD',
    world: (w) => {
      w.branches.delete(one.branch);
      w.lostHeads.set(one.worktree, head(1));
    },
    actions: [{ kind: 'restore-branch', index: 1, branch: one.branch, path: one.worktree, head: head(1) }],
  },
  {
    fault: 'branch deleted and its commit not in the reflog: refused, files untouched',
    world: (w) => {
      w.branches.delete(one.branch);
    },
    actions: [],
    problem: /cannot be found in that worktree's reflog/,
  },
  {
    fault: 'session killed: rebuilt with every agent',
    world: (w) => {
      w.session = null;
    },
    actions: [{ kind: 'create-session', session, indexes: [1, 2] }],
  },
  {
    fault: 'one pane closed: only that pane comes back',
    world: (w) => {
      w.session!.panes = [pane(1)];
    },
    actions: [{ kind: 'add-pane', session, index: 2 }],
  },
  {
    fault: 'agent crashed (exit 1): started again (it resumes)',
    world: (w) => {
      w.session!.panes = [pane(1), pane(2, false, 1)];
    },
    actions: [{ kind: 'restart-pane', session, index: 2, pane: '%2', alive: false }],
  },
  {
    fault: 'agent finished (exit 0): left alone',
    world: (w) => {
      w.session!.panes = [pane(1), pane(2, false, 0)];
    },
    actions: [],
  },
  {
    fault: 'launcher killed before the pane recorded a status: its exit file decides',
    world: (w) => {
      w.session!.panes = [pane(1), pane(2, false)];
      w.exitCodes.set(2, 0);
    },
    actions: [],
  },
  {
    fault: "`git worktree add` killed half-way (git's initializing lock): discarded and made again",
    world: (w) => {
      w.locked.set(one.worktree, 'initializing');
      w.branches.delete(one.branch);
      w.prepared.delete(1);
    },
    actions: [
      { kind: 'discard-worktree', index: 1, path: one.worktree, adminDir: undefined },
      { kind: 'create-worktree', index: 1, branch: one.branch, path: one.worktree, base: base.commit },
      { kind: 'prepare-worktree', index: 1, path: one.worktree },
      { kind: 'restart-pane', session, index: 1, pane: '%1', alive: true },
    ],
  },
  {
    fault: 'copy + setup never finished: run again',
    world: (w) => {
      w.prepared.delete(2);
    },
    actions: [{ kind: 'prepare-worktree', index: 2, path: two.worktree }],
  },
  {
    fault: 'a generated file changed on disk: written again',
    world: (w) => {
      w.staleFiles = [two.launcher];
    },
    actions: [{ kind: 'write-files', files: [two.launcher] }],
  },
  {
    fault: 'a directory that is not a worktree sits where one goes: refused',
    world: (w) => {
      w.worktrees.splice(1, 1);
      w.branches.delete(one.branch);
    },
    actions: [],
    problem: /exists but is not a git worktree/,
  },
  {
    fault: 'the branch is checked out in another worktree: refused',
    world: (w) => {
      w.worktrees[1] = { path: '/elsewhere', head: head(1), branch: one.branch, prunable: false };
      w.existingPaths.delete(one.worktree);
    },
    actions: [],
    problem: /already checked out in \/elsewhere/,
  },
  {
    fault: 'the worktree is on another branch: refused',
    world: (w) => {
      w.worktrees[1]!.branch = 'other';
    },
    actions: [],
    problem: /checked out on branch "other"/,
  },
];

describe('reconcile (pure): observed world → actions', () => {
  test.for(rows)('$fault', ({ world, actions, problem }) => {
    const observed = upWorld();
    world(observed);
    const result = reconcile(plan, observed);
    expect(result.actions).toEqual(actions);
    if (problem) expect(result.problems.join(' ')).toMatch(problem);
    else expect(result.problems).toEqual([]);
  });
});
