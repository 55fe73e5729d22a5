/** Candidates in one task, from --agents or the counts in the config: one limit for both. */
export const MAX_AGENTS = 64;
