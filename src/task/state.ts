import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Multiplexer } from '../config/resolve.js';
import { UserError } from '../errors.js';
import type { BaseCommit } from '../git/repo.js';
import { tasksDir } from '../plan/paths.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { replaceFile } from './atomic-file.js';

/** What `up` recorded about a task, so later commands see the same base, agents and session. */
export interface TaskState {
  version: 1;
  task: string;
  createdAt: string;
  base: BaseCommit;
  session: string;
  mux: Multiplexer;
  layout: string;
  candidates: {
    index: number;
    agent: string;
    branch: string;
    worktree: string;
    /** Set when it is not `{task}-{index}` (e.g. `{task}-synth`). */
    label?: string;
    /** The file its launcher reads the prompt from, relative to the task's state dir. */
    promptFile?: string;
    synthesizedFrom?: number[];
    /** Name of the host (config `hosts`) that runs it; absent: this machine. */
    host?: string;
  }[];
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
      ...(c.label !== `${plan.task}-${c.index}` ? { label: c.label } : {}),
      promptFile: relative(plan.paths.dir, c.promptFile),
      ...(c.host ? { host: c.host.name } : {}),
      ...synthesizedFrom(c, previous),
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

/**
 * Write to a temporary file, fsync, rename: a crash leaves the old content or the new, never a
 * mix. A full disk (or a read-only directory) becomes a message that says what to do.
 * Test hook: PARALLEL_TEST_ENOSPC=<text> fails every write to a path containing <text> with ENOSPC.
 */
export async function writeFileAtomic(file: string, content: string, mode?: number): Promise<void> {
  try {
    const hook = process.env.PARALLEL_TEST_ENOSPC;
    if (hook && file.includes(hook)) {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' });
    }
    await mkdir(dirname(file), { recursive: true });
    await replaceFile(file, content, mode);
  } catch (error) {
    throw fsError(error, `write ${file}`);
  }
}

/** Every task of the repository that has a state file. */
export async function listTasks(commonDir: string): Promise<TaskState[]> {
  const root = tasksDir(commonDir);
  const names = await readdir(root).catch(() => [] as string[]);
  const states = await Promise.all(names.map((name) => readState(`${root}/${name}/state.json`)));
  return states.filter((s): s is TaskState => s !== undefined).sort((a, b) => a.task.localeCompare(b.task));
}

/** Turns a full disk or a read-only state directory into a message that says what to do. */
export function fsError(error: unknown, what: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  const reasons: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
  };
  const reason = code ? reasons[code] : undefined;
  if (!reason) return error;
  return new UserError(
    `Cannot ${what}: ${reason} (${code}). Free some space (or make it writable) and run the command again: it continues where this one stopped, and no work in the worktrees was touched.`,
    { cause: error },
  );
}

/** What a lost or corrupt state.json said, as far as the task's traces tell. */
export interface RecoveredState {
  /** Agent name per candidate (index − 1), from the launcher scripts' headers. */
  agents?: string[];
  /** The multiplexer that runs the task's agents now. */
  mux?: Multiplexer;
  /** The commit the candidate branches were created at. */
  base?: BaseCommit;
}

/**
 * state.json is missing or unreadable while the task left traces (launchers, branches). Reads
 * what it said from them, so `up` neither drops a candidate, nor moves the base, nor starts a
 * second set of agents under another multiplexer. `knownAgents`: names `--agent` accepts.
 */
export async function recoverState(
  plan: Plan,
  options: { probeMux: boolean; knownAgents: string[] },
): Promise<RecoveredState | undefined> {
  const [launchers, { base, existing }] = await Promise.all([launcherAgents(plan), branchTraces(plan)]);
  if (launchers.size === 0 && existing.length === 0) return undefined;
  const recovered: RecoveredState = {};
  // The launchers tell how many candidates the task had (a branch may outlive its launcher).
  const count = launchers.size ? Math.max(...launchers.keys(), ...existing) : plan.candidates.length;
  const names = Array.from(
    { length: count },
    (_, i) => launchers.get(i + 1) ?? plan.candidates[i]?.agent.name ?? plan.candidates[0]!.agent.name,
  );
  if (names.every((name) => options.knownAgents.includes(name))) recovered.agents = names;
  if (base && base.commit !== plan.base.commit) recovered.base = base;
  if (options.probeMux) recovered.mux = await (await import('../mux/index.js')).runningMultiplexer(plan);
  return recovered;
}

const LAUNCHER_HEADER = /^# git-parallel launcher: task .*, candidate (\d+) \(([^)\n]+)\)\.$/m;

async function launcherAgents(plan: Plan): Promise<Map<number, string>> {
  const files = await readdir(plan.paths.launchDir).catch(() => [] as string[]);
  const agents = new Map<number, string>();
  for (const file of files) {
    if (!/^\d+\.sh$/.test(file)) continue;
    const text = await readFile(join(plan.paths.launchDir, file), 'utf8').catch(() => '');
    const match = LAUNCHER_HEADER.exec(text.slice(0, 1000));
    if (match) agents.set(Number(match[1]), match[2]!);
  }
  return agents;
}

/**
 * Which of the plan's candidate branches exist, and the commit the first of them was created
 * at (its reflog's first entry): the task's base.
 */
async function branchTraces(plan: Plan): Promise<{ base?: BaseCommit; existing: number[] }> {
  const [{ branchCreatedAt, branchExists }, { isAncestor }, { branchOwners }] = await Promise.all([
    import('../git/reflog.js'),
    import('../git/diff.js'),
    import('../git/owner.js'),
  ]);
  const root = plan.repo.root;
  const owners = await branchOwners(root);
  const existing: number[] = [];
  let base: BaseCommit | undefined;
  for (const c of plan.candidates) {
    // Only a branch carrying this task's mark is its own: a user's branch of the same name is not adopted.
    if (owners.get(c.branch) !== plan.task) continue;
    if (!(await branchExists(root, c.branch))) continue;
    existing.push(c.index);
    if (base) continue;
    const commit = await branchCreatedAt(root, plan.repo.commonDir, c.branch);
    if (!commit) continue;
    const branch = plan.base.branch;
    const onBranch = branch !== undefined && (await isAncestor(root, commit, `refs/heads/${branch}`));
    base = onBranch ? { ref: plan.base.ref, commit, branch } : { ref: commit, commit };
  }
  return { base, existing };
}

function synthesizedFrom(c: Candidate, previous: TaskState | undefined): { synthesizedFrom?: number[] } {
  const from = c.synthesizedFrom ?? previous?.candidates.find((p) => p.index === c.index)?.synthesizedFrom;
  return from ? { synthesizedFrom: from } : {};
}
