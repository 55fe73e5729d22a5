import { realpathSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { readAgentState } from '../task/agent-state.js';
import { readRunNumber, runMarker } from '../task/run-markers.js';
import { type AgentUsage, claudeUsage } from './claude.js';
import { codexUsage } from './codex.js';
import type { CandidateCost } from './types.js';

export interface CostInput {
  index: number;
  worktree: string;
  /** The task's run markers (see render/launcher.ts). */
  runDir: string;
  /** The task's state dir, where the agent's hooks record its state (an idle agent's turn is over). */
  stateDir?: string;
  /** When the task was created: transcripts older than this belong to something else. */
  since?: string;
}

/**
 * Wall time from the launcher's run markers (`<n>.started`, `<n>.exit`), tokens and cost from
 * the agent's own session files for the candidate's worktree (Claude Code, Codex).
 */
export async function candidateCost(input: CostInput, now = new Date()): Promise<CandidateCost> {
  const started = await startedAt(input.runDir, input.index);
  const since = started ?? (input.since ? new Date(input.since) : undefined);
  const cwds = worktreePaths(input.worktree);
  const [claude, codex, exitedAt] = await Promise.all([
    claudeUsage(cwds, since).catch(() => undefined),
    codexUsage(cwds, since).catch(() => undefined),
    exitTime(input.runDir, input.index),
  ]);
  const usage = merge(claude, codex);
  const idleAt = exitedAt ? undefined : idleSince(input);
  const end = exitedAt ?? idleAt ?? usage?.lastAt ?? now;
  return {
    wallMs: started ? Math.max(0, end.getTime() - started.getTime()) : null,
    until: started ? (exitedAt ? 'exited' : idleAt ? 'idle' : 'running') : null,
    tokens: usage?.tokens ?? null,
    costUsd: usage?.costUsd ?? null,
    sources: usage?.sources ?? [],
  };
}

/** When the agent went idle (its turn done), as its hooks recorded; undefined while it works. */
function idleSince(input: CostInput): Date | undefined {
  if (!input.stateDir) return undefined;
  const record = readAgentState(input.stateDir, input.index);
  if (record?.state !== 'idle') return undefined;
  const since = new Date(record.since);
  return Number.isNaN(since.getTime()) ? undefined : since;
}

/** The time the launcher wrote in `<n>.started` (first start of the agent). */
async function startedAt(runDir: string, index: number): Promise<Date | undefined> {
  const file = runMarker(runDir, index, 'started');
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = new Date(text.trim());
  if (!Number.isNaN(parsed.getTime())) return parsed;
  return (await stat(file).catch(() => undefined))?.mtime;
}

/** When the agent last exited: the time `<n>.exit` was written (absent while it runs). */
async function exitTime(runDir: string, index: number): Promise<Date | undefined> {
  if (readRunNumber(runDir, index, 'exit') === undefined) return undefined;
  return (await stat(runMarker(runDir, index, 'exit')).catch(() => undefined))?.mtime;
}

/** The worktree as given and as the agent's getcwd() reports it (symlinks resolved). */
function worktreePaths(worktree: string): string[] {
  try {
    return [...new Set([worktree, realpathSync(worktree)])];
  } catch {
    return [worktree];
  }
}

function merge(a: AgentUsage | undefined, b: AgentUsage | undefined): AgentUsage | undefined {
  if (!a || !b) return a ?? b;
  const sum = (key: keyof AgentUsage['tokens']) => a.tokens[key] + b.tokens[key];
  return {
    tokens: {
      input: sum('input'),
      output: sum('output'),
      cacheRead: sum('cacheRead'),
      cacheWrite: sum('cacheWrite'),
      total: sum('total'),
    },
    costUsd: a.costUsd !== null && b.costUsd !== null ? a.costUsd + b.costUsd : null,
    lastAt: [a.lastAt, b.lastAt].filter((d): d is Date => !!d).sort((x, y) => y.getTime() - x.getTime())[0],
    sources: [...a.sources, ...b.sources],
  };
}
