import { isAbsolute, resolve } from 'node:path';
import { PRESETS, type Preset } from '../config/presets.js';
import type { ResolvedAgent } from '../config/resolve.js';
import { which } from '../mux/which.js';
import { runCaptured } from '../proc/run.js';
import { atLeast, type Check, parseVersion, versionText } from './check.js';

export interface AgentProbe {
  agent: ResolvedAgent;
  path?: string;
  /** `--version` output, asked of preset CLIs only: a custom command might start working instead. */
  banner?: string;
}

/** Where each configured agent's command is, and (for the known CLIs) its version. */
export async function probeAgents(agents: ResolvedAgent[], root: string): Promise<AgentProbe[]> {
  const unique = [...new Map(agents.map((a) => [`${a.name}\0${a.command}`, a])).values()];
  return Promise.all(
    unique.map(async (agent) => {
      const command =
        agent.command.includes('/') && !isAbsolute(agent.command)
          ? resolve(root, agent.command)
          : agent.command;
      const path = which(command);
      if (!path || !agent.hooks) return { agent, path };
      const run = await runCaptured(path, ['--version'], { cwd: root, env: process.env, timeoutMs: 10_000 });
      const banner = run.timedOut ? undefined : (run.stdout || run.stderr).trim().split('\n')[0];
      return { agent, path, banner };
    }),
  );
}

/** Pure: a missing agent blocks `up`; a CLI too old for its hooks only loses the state reports. */
export function judgeAgent({ agent, path, banner }: AgentProbe): Check {
  const id = `agent.${agent.name}`;
  if (!path) {
    return {
      id,
      level: 'blocker',
      message: `agent ${agent.name}: \`${agent.command}\` is not on PATH`,
      fix: agent.install ?? `install it, or fix "command" of agent ${agent.name} in the config`,
    };
  }
  if (!agent.hooks) {
    return {
      id,
      level: 'ok',
      message: `agent ${agent.name}: ${path} (no hook system of its own: state from its process, or from \`"$PARALLEL_HOOK" working|waiting|idle\` if it calls it)`,
      path,
    };
  }
  const since = (PRESETS[agent.hooks] as Preset).hooksSince;
  const version = banner === undefined ? undefined : parseVersion(banner);
  const found = banner === undefined ? undefined : versionText(banner);
  const named = `agent ${agent.name}: ${agent.command}${found ? ` ${found}` : ''}`;
  if (since && !version) {
    return {
      id,
      level: 'warning',
      message: `${named}, version unknown (hooks need ${since} or newer)`,
      path,
      need: since,
      fix: `check \`${agent.command} --version\``,
    };
  }
  if (since && version && !atLeast(version, since)) {
    return {
      id,
      level: 'warning',
      message: `${named}: its hooks need ${since} or newer; without them its state comes from its process only`,
      found,
      need: since,
      path,
      fix: agent.install ? `update it: ${agent.install}` : 'update it',
    };
  }
  return { id, level: 'ok', message: `${named}, hooks supported`, found, need: since, path };
}
