import { setTimeout as delay } from 'node:timers/promises';
import { GitError, git } from './run.js';

/**
 * A task's mark on the branches it creates: `branch.<name>.parallelTask = <task>` in the
 * repository's config. Written before the branch is made (so a killed `up` leaves a marked
 * branch, never an unmarked one), removed with it. `git branch -d/-m` drop or carry the whole
 * `branch.<name>` section, so the mark follows the branch. A branch without the mark is never
 * adopted, moved or deleted by a task that did not record creating it.
 */
const KEY = 'parallelTask';

export async function markBranches(root: string, task: string, branches: string[]): Promise<void> {
  read.delete(root);
  for (const branch of branches) await writeConfig(root, [`branch.${branch}.${KEY}`, task], true);
}

export async function unmarkBranch(root: string, branch: string): Promise<void> {
  read.delete(root);
  await writeConfig(root, ['--unset-all', `branch.${branch}.${KEY}`], false);
}

const CONFIG_LOCKED = /could not lock config file/;

/**
 * `git config <args>` that writes. Another git writing the repository's config at that moment
 * (a second task's `up` marking its branches) holds `config.lock` for milliseconds: wait and
 * try again rather than stop half-way. `check`: a failure for any other reason throws.
 */
async function writeConfig(root: string, args: string[], check: boolean): Promise<void> {
  const command = ['config', ...args];
  for (let attempt = 0; ; attempt++) {
    const result = await git(root, command);
    if (result.exitCode !== 0 && CONFIG_LOCKED.test(result.stderr) && attempt < 8) {
      await delay(20 * 2 ** attempt);
      continue;
    }
    if (check && result.exitCode !== 0) throw new GitError(command, result);
    return;
  }
}

const read = new Map<string, Promise<Map<string, string>>>();

/**
 * Branch name → the task whose mark it carries. Read once per command (`up` of a new task asks
 * while rebuilding its state and again while observing); this process's own writes read anew.
 */
export function branchOwners(root: string): Promise<Map<string, string>> {
  let owners = read.get(root);
  if (!owners) {
    owners = readOwners(root);
    read.set(root, owners);
  }
  return owners;
}

async function readOwners(root: string): Promise<Map<string, string>> {
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
