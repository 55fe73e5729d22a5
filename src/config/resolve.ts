import type { HookSource } from '../hook/events.js';
import type { Multiplexer } from '../mux/capabilities.js';
import { type AgentInvocation, PRESETS, type PresetName } from './presets.js';
import type { AgentConfig, UserConfig } from './schema.js';
import { parseSize } from './size.js';

export type { Multiplexer };

export interface ResolvedAgent {
  name: string;
  command: string;
  install?: string;
  /** The hook system this agent reports its state through; none: process facts only (or `parallel hook`). */
  hooks?: HookSource;
  interactive: AgentInvocation;
  headless: AgentInvocation;
  count: number;
  env: Record<string, string>;
  /** Name of the machine (config `hosts`) that runs this agent; undefined: this machine. */
  host?: string;
}

/** A machine that runs candidates over SSH. */
export interface ResolvedHost {
  name: string;
  /** The destination given to ssh (`user@machine` or a Host alias). */
  ssh: string;
  /** Where the host keeps this repository's objects, worktrees and task files (absolute). */
  dir: string;
  /** Passed to every ssh call (port, identity, options). */
  sshArgs: string[];
}

export interface EvalCommand {
  name: string;
  command: string;
  timeoutMs: number;
}

export interface ResolvedConfig {
  agents: ResolvedAgent[];
  prompt?: string;
  worktrees: { dir: string; branch: string; base: string };
  session: string;
  multiplexer: Multiplexer | 'auto';
  layout: string;
  setup: string[];
  copy: string[];
  env: Record<string, string>;
  eval: EvalCommand[];
  stagger: number;
  /** `judge` as written: an agent or preset name (resolved when judging), or its own agent. */
  judge?: string | ResolvedAgent;
  /** Announce agents that need the person: bell + OSC 9 (+ notify-send), nothing, or a command. */
  notify: boolean | { command: string };
  /** How long `up` watches newly started agents for a failed start (ms). */
  startupWaitMs: number;
  /** Ready checkouts kept for `up` to take (0: none). */
  pool: { size: number };
  hosts: Record<string, ResolvedHost>;
  /** Evals run at once; undefined: the CPU count. */
  evalJobs?: number;
  /** Cap of each agent (headless) and eval log; the newest output is kept. */
  maxLogBytes: number;
}

export const DEFAULTS = {
  agents: [{ preset: 'claude', count: 3 }] as AgentConfig[],
  worktrees: { dir: '../{repo}-worktrees/{task}-{n}', branch: '{task}-{n}', base: 'HEAD' },
  session: '{repo}-{task}',
  multiplexer: 'auto' as const,
  layout: 'tiled',
  evalTimeoutMs: 10 * 60_000,
  startupWaitMs: 3_000,
  maxLogBytes: 50 * 1024 * 1024,
};

/** The one place where defaults are merged into a validated config. */
export function resolveConfig(user: UserConfig): ResolvedConfig {
  return {
    agents: (user.agents ?? DEFAULTS.agents).map(resolveAgent),
    prompt: user.prompt,
    worktrees: { ...DEFAULTS.worktrees, ...user.worktrees },
    session: user.session ?? DEFAULTS.session,
    multiplexer: user.multiplexer ?? DEFAULTS.multiplexer,
    layout: user.layout ?? DEFAULTS.layout,
    setup: user.setup ?? [],
    copy: user.copy ?? [],
    env: user.env ?? {},
    eval: resolveEvals(user.eval ?? []),
    stagger: user.stagger ?? 0,
    judge: typeof user.judge === 'object' ? resolveAgent(user.judge) : user.judge,
    notify: user.notify ?? true,
    startupWaitMs: user.startupWait ?? DEFAULTS.startupWaitMs,
    pool: { size: user.pool?.size ?? 0 },
    hosts: Object.fromEntries(
      Object.entries(user.hosts ?? {}).map(([name, host]) => [
        name,
        { name, ssh: host.ssh, dir: host.dir.replace(/(.)\/+$/, '$1'), sshArgs: host.sshArgs ?? [] },
      ]),
    ),
    evalJobs: user.evalJobs,
    maxLogBytes:
      typeof user.maxLogBytes === 'string'
        ? (parseSize(user.maxLogBytes) ?? DEFAULTS.maxLogBytes)
        : (user.maxLogBytes ?? DEFAULTS.maxLogBytes),
  };
}

/** An eval without a name is named by its command ("npm test"), made unique when repeated. */
function resolveEvals(entries: NonNullable<UserConfig['eval']>): EvalCommand[] {
  const taken = new Set(entries.flatMap((e) => (typeof e === 'string' ? [] : [e.name])));
  return entries.map((entry) => {
    if (typeof entry !== 'string') {
      return { name: entry.name, command: entry.command, timeoutMs: entry.timeout ?? DEFAULTS.evalTimeoutMs };
    }
    const short = entry.replace(/\s+/g, ' ').trim();
    const base = short.length > 48 ? `${short.slice(0, 47)}…` : short;
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base} #${n}`;
    taken.add(name);
    return { name, command: entry, timeoutMs: DEFAULTS.evalTimeoutMs };
  });
}

export function resolveAgent(agent: AgentConfig): ResolvedAgent {
  const preset = agent.preset ?? (agent.command ? undefined : ('claude' as PresetName));
  const base = preset ? PRESETS[preset] : undefined;
  const command = agent.command ?? base?.command ?? 'claude';
  const custom = (
    fallback: AgentInvocation | undefined,
    prompt: AgentInvocation['prompt'],
  ): AgentInvocation => ({
    args: [...(fallback?.args ?? []), ...(agent.args ?? [])],
    prompt: agent.prompt ?? fallback?.prompt ?? prompt,
    resume: agent.resume === false ? null : (agent.resume ?? fallback?.resume ?? null),
  });
  return {
    name: agent.name ?? preset ?? basename(command),
    command,
    install: base?.install,
    hooks: base?.hooks,
    interactive: custom(base?.interactive, 'arg'),
    headless: custom(base?.headless, 'arg'),
    count: agent.count ?? 1,
    env: agent.env ?? {},
    ...(agent.host === undefined ? {} : { host: agent.host }),
  };
}

const basename = (command: string) => command.split('/').pop() || command;
