import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { hookCommand } from '../attention/hook-command.js';
import { loadConfig } from '../config/load.js';
import type { Multiplexer, ResolvedConfig } from '../config/resolve.js';
import { UserError } from '../errors.js';
import { type BaseCommit, findRepo, type Repo, resolveBase } from '../git/repo.js';
import { chooseMultiplexer } from '../mux/index.js';
import { type StatePaths, statePaths, tasksDir } from '../plan/paths.js';
import { buildPlan, type Plan } from '../plan/plan.js';
import { assertValidTaskName } from '../plan/task-name.js';
import { readState, type TaskState } from './state.js';

export interface TaskFlags {
  agents?: number;
  agent?: string[];
  prompt?: string;
  promptFile?: string;
  /** Write the prompt in $VISUAL / $EDITOR, like `git commit` (resolved by withEditedPrompt). */
  promptEditor?: boolean;
  base?: string;
  layout?: string;
  mux?: Multiplexer;
  /** New candidates of this run go to this host (config `hosts`). */
  host?: string;
}

export interface TaskContext {
  repo: Repo;
  config: ResolvedConfig;
  configFile?: string;
  state?: TaskState;
  plan: Plan;
}

/**
 * Everything a task command needs, read once: repo, config, the recorded state and the plan.
 * An existing task keeps its recorded base commit, agents and multiplexer unless flags say otherwise.
 */
export async function loadTask(
  task: string,
  flags: TaskFlags,
  cwd = process.cwd(),
  known?: Repo,
): Promise<TaskContext> {
  assertValidTaskName(task);
  const repo = known ?? (await findRepo(cwd));
  const [{ config, file }, state] = await Promise.all([
    loadConfig(cwd, repo.root, tasksDir(repo.commonDir)),
    readState(statePaths(repo.commonDir, task).stateFile),
  ]);
  const base: BaseCommit =
    state && flags.base === undefined
      ? state.base
      : await resolveBase(repo, flags.base ?? config.worktrees.base);
  const mux = flags.mux
    ? chooseMultiplexer(flags.mux, '--mux')
    : state
      ? state.mux
      : chooseMultiplexer(config.multiplexer, 'multiplexer in the config');
  // The saved prompt counts even when state.json is lost: `up` rebuilds the state around it.
  const paths = statePaths(repo.commonDir, task);
  const [prompt, prompts] = await Promise.all([
    readPrompt(flags, paths.promptFile, config),
    ownPrompts(state, paths),
  ]);
  const agentFlags = state && !flags.agent?.length ? recordedAgents(state, flags.agents) : flags;
  const plan = buildPlan({
    config,
    configFile: file,
    task,
    repo,
    base,
    mux,
    prompt,
    flags: {
      agents: agentFlags.agents,
      agent: agentFlags.agent,
      layout: flags.layout ?? state?.layout,
      host: flags.host,
    },
    recorded: state && !flags.agent?.length ? state.candidates : undefined,
    hook: hookCommand(),
    prompts,
  });
  return { repo, config, configFile: file, state, plan };
}

/** The text of each candidate's own prompt file (a synthesized candidate's), by file name. */
async function ownPrompts(state: TaskState | undefined, paths: StatePaths): Promise<Record<string, string>> {
  const files = new Set(
    (state?.candidates ?? [])
      .map((c) => c.promptFile)
      .filter((f): f is string => !!f && f !== basename(paths.promptFile)),
  );
  const entries = await Promise.all(
    [...files].map(
      async (file) => [file, await readFile(join(paths.dir, file), 'utf8').catch(() => undefined)] as const,
    ),
  );
  return Object.fromEntries(entries.filter((e): e is readonly [string, string] => e[1] !== undefined));
}

/** Keeps the recorded candidates (never drops one); `--agents N` above the count adds more. */
function recordedAgents(state: TaskState, wanted: number | undefined): { agents?: number; agent?: string[] } {
  const names = state.candidates.map((c) => c.agent);
  const total = Math.max(wanted ?? 0, names.length);
  return {
    agent: Array.from({ length: total }, (_, i) => names[i] ?? names[i % names.length]!),
    agents: undefined,
  };
}

async function readPrompt(flags: TaskFlags, savedFile: string | undefined, config: ResolvedConfig) {
  const sources = [
    flags.prompt !== undefined && '--prompt',
    flags.promptFile !== undefined && '--prompt-file',
    flags.promptEditor && '--prompt-editor',
  ].filter(Boolean);
  if (sources.length > 1) {
    throw new UserError(`Use one of ${sources.join(', ')}, not several.`, { exitCode: 2 });
  }
  if (flags.prompt !== undefined) return flags.prompt;

  if (flags.promptFile !== undefined) {
    try {
      return await readFile(flags.promptFile, 'utf8');
    } catch (error) {
      throw new UserError(
        `Cannot read --prompt-file ${flags.promptFile}: ${(error as NodeJS.ErrnoException).code ?? error}. Pass the path of a readable text file.`,
        { exitCode: 2 },
      );
    }
  }
  if (savedFile) {
    const saved = await readFile(savedFile, 'utf8').catch(() => undefined);
    if (saved !== undefined) return saved;
  }
  return config.prompt;
}
