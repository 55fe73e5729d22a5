import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { jsonLines } from './jsonl.js';
import type { TokenUsage } from './types.js';

/** Claude Code's data directory: CLAUDE_CONFIG_DIR, else ~/.claude. */
export const claudeHome = (env = process.env) => env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude');

/** Claude Code keeps a project's transcripts in projects/<cwd with every other character than a-z, A-Z, 0-9 as "-">. */
export const claudeProjectDir = (cwd: string, home = claudeHome()) =>
  join(home, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'));

export interface AgentUsage {
  tokens: TokenUsage;
  costUsd: number | null;
  /** Time of the last counted message. */
  lastAt: Date | undefined;
  sources: string[];
}

interface AssistantLine {
  type?: string;
  timestamp?: string;
  requestId?: string;
  costUSD?: number;
  message?: {
    id?: string;
    usage?: {
      input_tokens?: number;
      output_tokens?: number;
      cache_creation_input_tokens?: number;
      cache_read_input_tokens?: number;
    };
  };
}

/**
 * Sums the usage of the assistant messages in the transcripts of `cwds` written since `since`.
 * A message split over several lines repeats its usage: it counts once (by message id and
 * request id). Undefined when there is no such transcript.
 */
export async function claudeUsage(cwds: string[], since: Date | undefined): Promise<AgentUsage | undefined> {
  const files = (
    await Promise.all([...new Set(cwds)].map((cwd) => transcripts(claudeProjectDir(cwd), since)))
  ).flat();
  if (!files.length) return undefined;
  const tokens: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 };
  let cost = 0;
  let costKnown = true;
  let counted = 0;
  let lastAt: Date | undefined;
  const seen = new Set<string>();
  for (const file of files) {
    for (const value of await jsonLines(file, '"usage"')) {
      const line = value as AssistantLine;
      const usage = line?.message?.usage;
      if (line?.type !== 'assistant' || !usage) continue;
      const at = line.timestamp ? new Date(line.timestamp) : undefined;
      if (since && at && at < since) continue;
      const key = line.message?.id ? `${line.message.id}\0${line.requestId ?? ''}` : undefined;
      if (key) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      tokens.input += usage.input_tokens ?? 0;
      tokens.output += usage.output_tokens ?? 0;
      tokens.cacheWrite += usage.cache_creation_input_tokens ?? 0;
      tokens.cacheRead += usage.cache_read_input_tokens ?? 0;
      if (typeof line.costUSD === 'number') cost += line.costUSD;
      else costKnown = false;
      counted++;
      if (at && !Number.isNaN(at.getTime()) && (!lastAt || at > lastAt)) lastAt = at;
    }
  }
  if (!counted) return undefined;
  tokens.total = tokens.input + tokens.output + tokens.cacheRead + tokens.cacheWrite;
  return { tokens, costUsd: costKnown ? cost : null, lastAt, sources: files };
}

async function transcripts(dir: string, since: Date | undefined): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files = await Promise.all(
    names
      .filter((name) => name.endsWith('.jsonl'))
      .map(async (name) => {
        const file = join(dir, name);
        const info = await stat(file).catch(() => undefined);
        return info && (!since || info.mtime >= since) ? file : undefined;
      }),
  );
  return files.filter((f): f is string => f !== undefined).sort();
}
