import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { MAX_AGENTS } from '../config/limits.js';
import { PRESET_NAMES, type PresetName } from '../config/presets.js';
import {
  type Multiplexer,
  type ResolvedAgent,
  type ResolvedConfig,
  type ResolvedHost,
  resolveAgent,
} from '../config/resolve.js';
import { UserError } from '../errors.js';
import type { BaseCommit, Repo } from '../git/repo.js';
import { capabilitiesOf } from '../mux/capabilities.js';
import { remoteWorktree } from '../remote/paths.js';
import type { TaskState } from '../task/state.js';
import { launcherFile, type StatePaths, statePaths } from './paths.js';

/** How an agent is started under a multiplexer: its headless form when there is no terminal. */
export const invocationFor = (agent: ResolvedAgent, mux: Multiplexer) =>
  capabilitiesOf(mux).headless ? agent.headless : agent.interactive;

export interface PlanFlags {
  agents?: number;
  agent?: string[];
  layout?: string;
  /** `--host NAME`: new candidates of this run go to that host. */
  host?: string;
}

export interface Candidate {
  /** 1-based candidate number. */
  index: number;
  /** `{task}-{n}`: what the user calls this candidate. */
  label: string;
  agent: ResolvedAgent;
  branch: string;
  worktree: string;
  port: number;
  paneName: string;
  launcher: string;
  /** The file the launcher reads the agent's prompt from (prompt.txt, or the candidate's own). */
  promptFile: string;
  /** What that file holds; undefined: the agent starts without a prompt. */
  prompt: string | undefined;
  /** The candidates a synthesized candidate combines. */
  synthesizedFrom?: number[];
  env: Record<string, string>;
  /** The machine that runs it (its `worktree` is a path there); undefined: this machine. */
  host?: ResolvedHost;
}

export interface Plan {
  task: string;
  repo: Repo;
  base: BaseCommit;
  session: string;
  mux: Multiplexer;
  layout: string;
  prompt: string | undefined;
  paths: StatePaths;
  candidates: Candidate[];
  setup: string[];
  copy: string[];
  stagger: number;
  notify: boolean | { command: string };
  startupWaitMs: number;
  /** Where the worktree pool lives and how many entries the config keeps in it. */
  pool: { dir: string; size: number };
  /** Cap of a headless agent's log (its newest output is kept). */
  maxLogBytes: number;
  configFile?: string;
  /** The argv that runs `parallel hook` (node + this CLI), for the launchers and agent hooks; none: no state reports. */
  hook?: string[];
}

/** What looking at a task needs (`status`, a driver's inspect): all of it recorded in its state. */
export interface PlanView
  extends Pick<Plan, 'task' | 'repo' | 'base' | 'session' | 'mux' | 'layout' | 'paths'> {
  candidates: (Pick<Candidate, 'index' | 'label' | 'branch' | 'worktree' | 'launcher'> & {
    agent: { name: string };
    /** The host (config `hosts`) it runs on; absent: this machine. */
    hostName?: string;
  })[];
}

/** A recorded task as {@link PlanView}, without reading the config. Pure. */
export function viewFromState(repo: Repo, state: TaskState): PlanView {
  const paths = statePaths(repo.commonDir, state.task);
  return {
    task: state.task,
    repo,
    base: state.base,
    session: state.session,
    mux: state.mux,
    layout: state.layout,
    paths,
    candidates: state.candidates.map((c) => ({
      index: c.index,
      label: c.label ?? `${state.task}-${c.index}`,
      branch: c.branch,
      worktree: c.worktree,
      launcher: launcherFile(paths, c.index),
      agent: { name: c.agent },
      ...(c.host ? { hostName: c.host } : {}),
    })),
  };
}

export interface PlanInput {
  config: ResolvedConfig;
  configFile?: string;
  task: string;
  repo: Repo;
  base: BaseCommit;
  mux: Multiplexer;
  prompt: string | undefined;
  flags: PlanFlags;
  /** For `~/` in worktrees.dir; defaults to the user's home. */
  home?: string;
  /**
   * Candidates an earlier `up` recorded, in the order of the chosen agents: they keep their
   * index, branch and worktree (indexes may have gaps after `down --clean` or `synthesize`).
   */
  recorded?: RecordedSlot[];
  /** See Plan.hook. */
  hook?: string[];
  /** The text of the candidates' own prompt files (`RecordedSlot.promptFile`), by file name. */
  prompts?: Record<string, string>;
}

export interface RecordedSlot {
  index: number;
  branch: string;
  worktree: string;
  label?: string;
  /** The candidate's own prompt file, relative to the task's state dir (default: prompt.txt). */
  promptFile?: string;
  synthesizedFrom?: number[];
  /** Name of the host (config `hosts`) that runs it; absent: this machine. */
  host?: string;
}

/** Config + task + flags → the desired state. Pure: no I/O. */
export function buildPlan(input: PlanInput): Plan {
  const { config, task, repo } = input;
  const agents = chooseAgents(config, input.flags);
  const paths = statePaths(repo.commonDir, task);
  const portBase = 20_000 + (hashNumber(`${repo.root}\0${task}`) % 2_000) * 16;
  const configLabel = input.configFile ?? 'the config';
  const recorded = input.recorded ?? [];
  let next = Math.max(0, ...recorded.map((r) => r.index));
  const candidates = agents.map((agent, i): Candidate => {
    const slot = recorded[i];
    const n = slot ? slot.index : ++next;
    const vars = { repo: repo.name, task, n: String(n), agent: agent.name };
    const host = findHost(config, slot ? slot.host : (input.flags.host ?? agent.host), configLabel);
    const dir = expand(config.worktrees.dir, vars, `${configLabel}: worktrees.dir`);
    const worktree =
      slot?.worktree ??
      (host
        ? remoteWorktree(host, task, n)
        : resolve(repo.root, dir.startsWith('~/') ? join(input.home ?? homedir(), dir.slice(2)) : dir));
    const branch = slot?.branch ?? expand(config.worktrees.branch, vars, `${configLabel}: worktrees.branch`);
    const port = portBase + n;
    const own = slot?.promptFile !== undefined && slot.promptFile !== basename(paths.promptFile);
    return {
      index: n,
      label: slot?.label ?? `${task}-${n}`,
      agent,
      branch,
      worktree,
      port,
      paneName: `#${n} ${agent.name}`,
      launcher: launcherFile(paths, n),
      promptFile: own ? join(paths.dir, slot.promptFile!) : paths.promptFile,
      prompt: own ? input.prompts?.[slot.promptFile!] : input.prompt,
      ...(slot?.synthesizedFrom ? { synthesizedFrom: slot.synthesizedFrom } : {}),
      env: {
        ...config.env,
        ...agent.env,
        PARALLEL_TASK: task,
        PARALLEL_TASK_ID: taskId(repo.commonDir, task),
        PARALLEL_INDEX: String(n),
        PARALLEL_PORT: String(port),
      },
      ...(host ? { host } : {}),
    };
  });
  assertPromptFitsArgv(candidates, input.mux);
  assertDistinct(candidates, 'worktree', `${configLabel}: worktrees.dir`);
  assertDistinct(candidates, 'branch', `${configLabel}: worktrees.branch`);
  return {
    task,
    repo,
    base: input.base,
    session: sessionName(
      expand(config.session, { repo: repo.name, task }, `${configLabel}: session`),
      repo.commonDir,
    ),
    mux: input.mux,
    layout: input.flags.layout ?? config.layout,
    prompt: input.prompt,
    paths,
    candidates,
    setup: config.setup,
    copy: config.copy,
    stagger: config.stagger,
    notify: config.notify,
    startupWaitMs: config.startupWaitMs,
    pool: { dir: poolDir(config, repo, input.home), size: config.pool.size },
    maxLogBytes: config.maxLogBytes,
    configFile: input.configFile,
    hook: input.hook,
  };
}

/**
 * `<worktrees dir>/.pool`: the part of worktrees.dir before the first directory that depends on
 * the task or candidate (`../{repo}-worktrees/{task}-{n}` → `../{repo}-worktrees/.pool`), so that
 * pool entries and candidates share a file system and an entry moves into place by a rename.
 */
export function poolDir(config: ResolvedConfig, repo: Repo, home?: string): string {
  const parts = config.worktrees.dir.split('/');
  const varying = parts.findIndex((p) => /\{(task|n|agent)\}/.test(p));
  const stable = parts.slice(0, varying >= 0 ? varying : parts.length - 1);
  const dir = expand(stable.join('/') || '.', { repo: repo.name }, 'worktrees.dir');
  const absolute = dir.startsWith('~/') ? join(home ?? homedir(), dir.slice(2)) : dir;
  return join(resolve(repo.root, absolute), '.pool');
}

/** `--agents N` spreads N candidates round-robin over the chosen agents; without it each agent's count is used. */
export function chooseAgents(config: ResolvedConfig, flags: PlanFlags): ResolvedAgent[] {
  const pool = flags.agent?.length ? flags.agent.map((name) => findAgent(config, name)) : config.agents;
  if (flags.agents === undefined) {
    if (flags.agent?.length) return pool;
    return pool.flatMap((agent) => Array.from({ length: agent.count }, () => agent));
  }
  if (!Number.isInteger(flags.agents) || flags.agents < 1 || flags.agents > MAX_AGENTS) {
    throw new UserError(`--agents must be a whole number from 1 to ${MAX_AGENTS} (got ${flags.agents}).`, {
      exitCode: 2,
    });
  }
  return Array.from({ length: flags.agents }, (_, i) => pool[i % pool.length]!);
}

function findAgent(config: ResolvedConfig, name: string): ResolvedAgent {
  const configured = config.agents.find((agent) => agent.name === name);
  if (configured) return configured;
  if ((PRESET_NAMES as string[]).includes(name)) return resolveAgent({ preset: name as PresetName });
  const known = [...new Set([...config.agents.map((a) => a.name), ...PRESET_NAMES])].join(', ');
  throw new UserError(`Unknown agent "${name}" in --agent. Use a configured agent or a preset: ${known}.`, {
    exitCode: 2,
  });
}

function findHost(config: ResolvedConfig, name: string | undefined, configLabel: string) {
  if (name === undefined) return undefined;
  const host = config.hosts[name];
  if (host) return host;
  const known = Object.keys(config.hosts);
  throw new UserError(
    `Unknown host "${name}". ${known.length ? `The hosts in ${configLabel} are ${known.join(', ')}.` : `${configLabel} defines no hosts.`} Add it under \`hosts\` (e.g. hosts: { ${name}: { ssh: 'user@machine', dir: '/srv/git-parallel/repo' } }) or choose a defined one.`,
    { exitCode: 2 },
  );
}

const PLACEHOLDER = /\{([a-z]+)\}/g;

export function expand(template: string, vars: Record<string, string>, field: string): string {
  return template.replace(PLACEHOLDER, (match, key: string) => {
    const value = vars[key];
    if (value === undefined) {
      throw new UserError(
        `Unknown placeholder ${match} in ${field} ("${template}"). Use ${Object.keys(vars)
          .map((k) => `{${k}}`)
          .join(', ')}.`,
        { exitCode: 2 },
      );
    }
    return value;
  });
}

function assertDistinct(candidates: Candidate[], key: 'worktree' | 'branch', field: string): void {
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate[key])) {
      throw new UserError(
        `Two candidates would share the ${key} "${candidate[key]}" (${field}). Put {n} in the template so each candidate gets its own.`,
        { exitCode: 2 },
      );
    }
    seen.add(candidate[key]);
  }
}

/**
 * Zellij puts the name in a socket path (≤108 bytes) and file names: keep it short and plain.
 * A name that had to be changed (characters replaced, shortened) ends in a hash of the exact
 * name and the repository, so `a=b` and `a+b`, `a.b` and `a-b`, or two repositories whose names
 * have no plain letters never share a session. Sessions also carry an owner mark (see the
 * drivers), so a name that is still taken (two clones with the same directory name) is refused.
 */
export function sessionName(raw: string, repoKey = ''): string {
  const clean = raw.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  if (clean === raw && clean.length <= 48) return clean;
  const hash = createHash('sha1').update(`${repoKey}\0${raw}`).digest('hex').slice(0, 8);
  return `${(clean || 'parallel').slice(0, 39)}-${hash}`;
}

/**
 * One task of one repository, as 16 hex digits: the owner mark on its multiplexer session and
 * the `PARALLEL_TASK_ID` every process its agents start inherits (what `down` looks for).
 */
export function taskId(commonDir: string, task: string): string {
  return createHash('sha1').update(`${commonDir}\0${task}`).digest('hex').slice(0, 16);
}

function hashNumber(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

/** Linux refuses one argv string over 128 KiB (MAX_ARG_STRLEN): such prompts must go on stdin. */
const MAX_ARG_BYTES = 128 * 1024 - 1;

function assertPromptFitsArgv(candidates: Candidate[], mux: Multiplexer): void {
  for (const { agent, prompt } of candidates) {
    if (prompt === undefined) continue;
    const bytes = Buffer.byteLength(prompt);
    const mode = invocationFor(agent, mux).prompt;
    const extra = typeof mode === 'object' ? mode.flag.length + 1 : 0;
    if ((mode === 'arg' || typeof mode === 'object') && bytes + extra > MAX_ARG_BYTES) {
      throw new UserError(
        `The prompt is ${bytes} bytes, more than the 128 KiB the system allows in one argument, and agent "${agent.name}" takes it as an argument. Shorten it (point the agent at a file instead), or give the agent \`prompt: 'stdin'\` in the config if its CLI reads the prompt from stdin.`,
        { exitCode: 2 },
      );
    }
  }
}
