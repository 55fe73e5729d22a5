import type { UserConfig } from './schema.js';

/** The command-line flag(s) that override a config key for one run, or null: config only. */
type FlagFor = string | readonly string[] | null;
type Keys<T> = keyof Required<NonNullable<T>>;
type FlagTable = {
  [K in Keys<UserConfig>]-?: K extends 'worktrees'
    ? { [W in Keys<UserConfig['worktrees']>]-?: FlagFor }
    : FlagFor;
};

/**
 * Every config key, with the flag of `up`/`render` that overrides it. A key added to the
 * schema does not compile until it is decided here; test/cli/flags.test.ts checks that each
 * flag named here exists.
 */
export const CONFIG_FLAGS = {
  agents: ['--agent', '--agents'],
  prompt: ['--prompt', '--prompt-file'],
  worktrees: { dir: null, branch: null, base: '--base' },
  session: null,
  multiplexer: '--mux',
  layout: '--layout',
  setup: null,
  copy: null,
  env: null,
  eval: null,
  stagger: null,
  // `parallel judge --agent` names another judge for one run; up and render have no judge.
  judge: null,
  notify: null,
  startupWait: null,
  pool: null,
  // `up --host NAME` chooses one of them for a run; the hosts themselves are config only.
  hosts: null,
  // `compare --jobs` and `report --jobs` override it for one run; up and render run no evals.
  evalJobs: null,
  maxLogBytes: null,
} as const satisfies FlagTable;
