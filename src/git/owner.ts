import { git, gitOk } from './run.js';

/**
 * A task's mark on the branches it creates: `branch.<name>.parallelTask = <task>` in the
 * repository's config. Written before the branch is made (so a killed `up` leaves a marked
 * branch, never an unmarked one), removed with it. `git branch -d/-m` drop or carry the whole
 * `branch.<name>` section, so the mark follows the branch. A branch without the mark is never
 * adopted, moved or deleted by a task that did not record creating it.
 */
const KEY = 'parallelTask';

export async function markBranches(root: string, task: string, branches: string[]): Promise<void> {
  for (const branch of branches) await gitOk(root, ['config', `branch.${branch}.${KEY}`, task]);
}

export async function unmarkBranch(root: string, branch: string): Promise<void> {
  await git(root, ['config', '--unset-all', `branch.${branch}.${KEY}`]);
}

/** Branch name → the task whose mark it carries. */
export async function branchOwners(root: string): Promise<Map<string, string>> {
  const result = await git(root, ['config', '-z', '--get-regexp', `^branch\\..*\\.${KEY.toLowerCase()}$`]);
  const owners = new Map<string, string>();
  for (const entry of result.stdout.split('\0')) {
    const newline = entry.indexOf('\n');
    if (newline < 0) continue;
    const key = entry.slice(0, newline);
    const branch = key.slice('branch.'.length, key.length - KEY.length - 1);
    owners.set(branch, entry.slice(newline + 1));
  }
  return owners;
}
