/** Tokens an agent reported, summed over its sessions in one worktree. */
export interface TokenUsage {
  /** Input tokens not read from the cache (Claude: input_tokens; Codex: input minus cached). */
  input: number;
  output: number;
  /** Input read from the prompt cache. */
  cacheRead: number;
  /** Input written to the prompt cache (Claude only; 0 for Codex). */
  cacheWrite: number;
  total: number;
}

/** What one candidate took. Every field is null when unknown: never a made-up zero. */
export interface CandidateCost {
  /** From the agent's first start until it exited (or its last recorded activity, or now). */
  wallMs: number | null;
  /** What ended the wall time: `running` means it is still going (time so far). */
  until: 'exited' | 'idle' | 'running' | null;
  tokens: TokenUsage | null;
  /** US dollars, only when the agent itself recorded a cost for every counted message. */
  costUsd: number | null;
  /** The agent files the tokens were read from. */
  sources: string[];
}

export const UNKNOWN_COST: CandidateCost = {
  wallMs: null,
  until: null,
  tokens: null,
  costUsd: null,
  sources: [],
};
