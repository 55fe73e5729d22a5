import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentUsage } from './claude.js';
import { firstLine, jsonLines } from './jsonl.js';
import type { TokenUsage } from './types.js';

/** Codex's data directory: CODEX_HOME, else ~/.codex. */
export const codexHome = (env = process.env) => env.CODEX_HOME || join(homedir(), '.codex');

interface Totals {
  input_tokens?: number;
  cached_input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
}

interface RolloutLine {
  timestamp?: string;
  type?: string;
  payload?: {
    type?: string;
    cwd?: string;
    info?: { total_token_usage?: Totals } | null;
  };
}

/**
 * Codex writes each session to sessions/YYYY/MM/DD/rollout-*.jsonl: a session_meta line first
 * (with the session's cwd), then token_count events whose total_token_usage is cumulative.
 * Sums the last totals of the sessions that ran in `cwds` since `since`.
 */
export async function codexUsage(cwds: string[], since: Date | undefined): Promise<AgentUsage | undefined> {
  const sessions = await rollouts(join(codexHome(), 'sessions'), since);
  const tokens: TokenUsage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 };
  const sources: string[] = [];
  let lastAt: Date | undefined;
  for (const { file, cwd, mtime } of sessions) {
    if (!cwd || !cwds.includes(cwd) || (since && mtime < since)) continue;
    let total: Totals = {};
    let found = false;
    for (const value of await jsonLines(file, '"token_count"')) {
      const line = value as RolloutLine;
      const usage = line?.payload?.type === 'token_count' ? line.payload.info?.total_token_usage : undefined;
      if (!usage) continue;
      total = usage;
      found = true;
      const at = line.timestamp ? new Date(line.timestamp) : undefined;
      if (at && !Number.isNaN(at.getTime()) && (!lastAt || at > lastAt)) lastAt = at;
    }
    if (!found) continue;
    const cached = total.cached_input_tokens ?? 0;
    tokens.input += Math.max(0, (total.input_tokens ?? 0) - cached);
    tokens.cacheRead += cached;
    tokens.output += total.output_tokens ?? 0;
    tokens.total += total.total_tokens ?? (total.input_tokens ?? 0) + (total.output_tokens ?? 0);
    sources.push(file);
  }
  // Codex records tokens, not a price.
  return sources.length ? { tokens, costUsd: null, lastAt, sources } : undefined;
}

function parse(line: string): RolloutLine | undefined {
  try {
    return JSON.parse(line) as RolloutLine;
  } catch {
    return undefined;
  }
}

interface Rollout {
  file: string;
  mtime: Date;
  /** The session's cwd from its session_meta line. */
  cwd: string | undefined;
}

/** One listing per sessions directory and first day for all the candidates of one command. */
const listings = new Map<string, Promise<Rollout[]>>();

/** Rollout files in day directories from the day before `since` on (days are local dates: a margin). */
function rollouts(root: string, since: Date | undefined): Promise<Rollout[]> {
  const from = since ? dayKey(new Date(since.getTime() - 36 * 3600_000)) : '';
  const key = `${root}\0${from}`;
  let listing = listings.get(key);
  if (!listing) {
    listing = listRollouts(root, from);
    listings.set(key, listing);
  }
  return listing;
}

async function listRollouts(root: string, from: string): Promise<Rollout[]> {
  const files: Rollout[] = [];
  for (const year of await numbered(root, 4)) {
    for (const month of await numbered(join(root, year), 2)) {
      for (const day of await numbered(join(root, year, month), 2)) {
        if (`${year}${month}${day}` < from) continue;
        const dir = join(root, year, month, day);
        for (const name of await readdir(dir).catch(() => [] as string[])) {
          if (!name.startsWith('rollout-') || !name.endsWith('.jsonl')) continue;
          const file = join(dir, name);
          const info = await stat(file).catch(() => undefined);
          if (!info) continue;
          const meta = parse(await firstLine(file));
          files.push({
            file,
            mtime: info.mtime,
            cwd: meta?.type === 'session_meta' ? meta.payload?.cwd : undefined,
          });
        }
      }
    }
  }
  return files;
}

const numbered = async (dir: string, digits: number) =>
  (await readdir(dir).catch(() => [] as string[])).filter((n) => n.length === digits && /^\d+$/.test(n));

const dayKey = (d: Date) =>
  `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
