import type { CandidateCost } from './types.js';

/** "45s", "12m 05s", "2h 03m"; a trailing "+" while the agent still runs; "unknown". Pure. */
export function formatWall(cost: CandidateCost | null | undefined): string {
  if (cost?.wallMs == null) return 'unknown';
  const s = Math.round(cost.wallMs / 1000);
  const text =
    s < 60
      ? `${s}s`
      : s < 3600
        ? `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
        : `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
  return cost.until === 'running' ? `${text}+` : text;
}

/** "812", "45.2k", "1.3M" total tokens, or "unknown". Pure. */
export function formatTokens(cost: CandidateCost | null | undefined): string {
  const n = cost?.tokens?.total;
  if (n == null) return 'unknown';
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** "$0.31", or "unknown" when the agent recorded no cost. Pure. */
export function formatCost(cost: CandidateCost | null | undefined): string {
  const usd = cost?.costUsd;
  if (usd == null) return 'unknown';
  return usd < 0.01 && usd > 0 ? '<$0.01' : `$${usd.toFixed(2)}`;
}
