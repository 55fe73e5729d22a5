import { fetchedRef } from './paths.js';

/**
 * The ref that holds a candidate's commits in this repository: its branch, or for a candidate
 * on another machine the ref its branch is fetched into.
 */
export const candidateRef = (task: string, c: { index: number; branch: string; host?: string }) =>
  c.host ? fetchedRef(task, c.index) : `refs/heads/${c.branch}`;
