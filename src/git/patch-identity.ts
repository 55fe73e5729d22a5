import { git, gitOk } from './run.js';

/**
 * How many of `head`'s commits bring something `target` does not have. A commit that was merged,
 * cherry-picked or rebased into `target` counts as in it (`git cherry` compares patch ids);
 * several commits squashed into one are in it when merging `head` into `target` would change
 * nothing (the content is there).
 */
export async function commitsNotIn(root: string, target: string, head: string): Promise<number> {
  const cherry = await gitOk(root, ['cherry', target, head]);
  const unique = cherry.split('\n').filter((line) => line.startsWith('+')).length;
  if (unique === 0) return 0;
  return (await alreadyContains(root, target, head)) ? 0 : unique;
}

async function alreadyContains(root: string, target: string, head: string): Promise<boolean> {
  const merged = await git(root, ['merge-tree', '--write-tree', '--no-messages', target, head]);
  if (merged.exitCode !== 0) return false;
  const tree = merged.stdout.split('\n')[0]?.trim();
  const targetTree = (await gitOk(root, ['rev-parse', `${target}^{tree}`])).trim();
  return tree === targetTree;
}
