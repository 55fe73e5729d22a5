import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Multiplexer } from './config/resolve.js';
import type { BaseCommit } from './git/repo.js';
import type { Plan } from './plan.js';
import { tasksDir } from './state-paths.js';

/** What `up` recorded about a task, so later commands see the same base, agents and session. */
export interface TaskState {
  version: 1;
  task: string;
  createdAt: string;
  base: BaseCommit;
  session: string;
  mux: Multiplexer;
  layout: string;
  candidates: { index: number; agent: string; branch: string; worktree: string }[];
}

export function stateFromPlan(plan: Plan, previous?: TaskState): TaskState {
  return {
    version: 1,
    task: plan.task,
    createdAt: previous?.createdAt ?? new Date().toISOString(),
    base: plan.base,
    session: plan.session,
    mux: plan.mux,
    layout: plan.layout,
    candidates: plan.candidates.map((c) => ({
      index: c.index,
      agent: c.agent.name,
      branch: c.branch,
      worktree: c.worktree,
    })),
  };
}

/** A missing or unreadable state file reads as undefined: `up` rebuilds it from git and the multiplexer. */
export async function readState(file: string): Promise<TaskState | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as TaskState;
    if (value?.version !== 1 || !Array.isArray(value.candidates) || !value.base?.commit) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

export async function writeState(file: string, state: TaskState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

export async function writeFileAtomic(file: string, content: string, mode?: number): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const { default: write } = await import('write-file-atomic');
  await write(file, content, { mode, fsync: true });
}

/** Every task of the repository that has a state file. */
export async function listTasks(commonDir: string): Promise<TaskState[]> {
  const root = tasksDir(commonDir);
  const names = await readdir(root).catch(() => [] as string[]);
  const states = await Promise.all(names.map((name) => readState(`${root}/${name}/state.json`)));
  return states.filter((s): s is TaskState => s !== undefined).sort((a, b) => a.task.localeCompare(b.task));
}
