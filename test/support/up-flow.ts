/**
 * The end-to-end `up` story, the same for every driver: three fake agents on one base, a second
 * `up` that changes nothing, a killed session rebuilt with resumed agents, a deleted worktree
 * rebuilt from its branch, `down` keeping the work.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  branchCommit,
  type RunResult,
  type TestRepo,
  tmux,
  waitFor,
  waitForStarts,
  worktreeList,
} from './repo.js';

export type Mux = 'tmux' | 'none' | 'zellij';

/** Hostile on purpose: quotes, `$()`, backticks, backslashes, a leading dash, unicode, trailing newlines. */
export const PROMPT = `-rf "Add JWT auth" to the API; don't $(touch pwned) or \`touch pwned2\`\\n\n\tñ ü 🚀 'q' $HOME \${X}\n\n`;

export function expectOk(result: RunResult, what = 'parallel'): void {
  if (result.code !== 0) {
    throw new Error(
      `${what} exited ${result.code} (${result.signal ?? ''})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

export interface Flow {
  repo: TestRepo;
  mux: Mux;
  task: string;
  /** Extra CLI flags for every `up`. */
  flags?: string[];
}

export const upArgs = (flow: Flow, extra: string[] = []) => [
  'up',
  flow.task,
  '--mux',
  flow.mux,
  '--no-attach',
  ...(flow.flags ?? []),
  ...extra,
];

export async function status(flow: Flow): Promise<StatusJson> {
  const result = await flow.repo.run(['status', flow.task, '--json']);
  expectOk(result, 'status');
  return JSON.parse(result.stdout) as StatusJson;
}

export interface StatusJson {
  task: string;
  session: string;
  mux: string;
  sessionAlive: boolean;
  base: { ref: string; commit: string; branch?: string };
  candidates: {
    index: number;
    branch: string;
    worktree: string;
    worktreeExists: boolean;
    agentState: 'running' | 'exited' | 'missing';
    exitCode?: number;
    commitsAhead: number;
  }[];
}

/** First `up`: N worktrees on one base, every agent started once in its worktree with the prompt. */
export async function firstUp(flow: Flow, n = 3): Promise<void> {
  const { repo } = flow;
  const promptFile = join(repo.parent, 'prompt.txt');
  writeFileSync(promptFile, PROMPT);
  const base = repo.git(['rev-parse', 'HEAD']).trim();
  const result = await repo.run(upArgs(flow, ['--prompt-file', promptFile]));
  expectOk(result, 'first up');
  const starts = await waitForStarts(repo, n);
  expect(starts.map((s) => s.kind)).toEqual(Array(n).fill('start'));
  const records = await waitFor(() => repo.records().length >= n && repo.records());
  const ports = new Set<string>();
  for (let i = 1; i <= n; i++) {
    const record = records.find((r) => r.env.PARALLEL_INDEX === String(i));
    expect(record, `agent ${i} started`).toBeDefined();
    expect(record!.cwd).toBe(repo.worktree(flow.task, i));
    expect(record!.env.PARALLEL_TASK).toBe(flow.task);
    expect(record!.env.PARALLEL_PORT).toMatch(/^\d+$/);
    ports.add(record!.env.PARALLEL_PORT!);
    expect(record!.prompt).toBe(PROMPT);
    expect(record!.resumed).toBe(false);
    // Every candidate starts from the same base commit.
    expect(repo.git(['merge-base', base, `${flow.task}-${i}`]).trim()).toBe(base);
  }
  expect(ports.size).toBe(n);
  expect(existsSync(join(repo.dir, 'pwned'))).toBe(false);
  expect(existsSync(join(repo.worktree(flow.task, 1), 'pwned'))).toBe(false);
  // The fake agents commit: wait for every branch to move past the base.
  // Each poll runs git: every 100 ms, not the default 25, leaves the cores to the agents.
  await waitFor(() => [1, 2, 3].slice(0, n).every((i) => branchCommit(repo, `${flow.task}-${i}`) !== base), {
    interval: 100,
    message: 'every agent committed',
  });
}

/** Second `up`: nothing to do, no agent started again; `--dry-run --json` lists no actions. */
export async function idempotentUp(flow: Flow): Promise<void> {
  const { repo } = flow;
  const before = repo.starts().length;
  const result = await repo.run(upArgs(flow));
  expectOk(result, 'second up');
  expect(result.stderr).toContain('already up');
  const dry = await repo.run([...upArgs(flow, ['--dry-run', '--json'])]);
  expectOk(dry, 'dry run');
  expect(JSON.parse(dry.stdout).actions).toEqual([]);
  expect(repo.starts().length).toBe(before);
}

/** After the session died: `up` rebuilds it and every agent resumes (`--continue`, no prompt). */
export async function rebuildsKilledSession(
  flow: Flow,
  kill: () => Promise<void> | void,
  n = 3,
): Promise<void> {
  const { repo } = flow;
  const heads = [1, 2, 3].slice(0, n).map((i) => branchCommit(repo, `${flow.task}-${i}`));
  const before = repo.starts().length;
  await kill();
  const result = await repo.run(upArgs(flow));
  expectOk(result, 'up after the session was killed');
  const starts = await waitForStarts(repo, before + n);
  const again = starts.slice(before);
  expect(again.map((s) => s.kind)).toEqual(Array(n).fill('resume'));
  expect(new Set(again.map((s) => s.index)).size).toBe(n);
  const resumed = repo.records().filter((r) => r.resumed);
  expect(resumed.length).toBe(n);
  for (const record of resumed) {
    expect(record.argv).toEqual(['--continue']);
    expect(record.prompt).toBeNull();
    expect(record.stdinPrompt).toBeNull();
  }
  // Nothing was committed over or lost.
  expect([1, 2, 3].slice(0, n).map((i) => branchCommit(repo, `${flow.task}-${i}`))).toEqual(heads);
}

/** `rm -rf` of a worktree: `up` rebuilds it from its branch, commits included. */
export async function rebuildsDeletedWorktree(flow: Flow, index = 2): Promise<RunResult> {
  const { repo } = flow;
  const path = repo.worktree(flow.task, index);
  const head = branchCommit(repo, `${flow.task}-${index}`)!;
  const file = readFileSync(join(path, `candidate-${index}.txt`), 'utf8');
  const { rmSync } = await import('node:fs');
  rmSync(path, { recursive: true, force: true });
  const result = await repo.run(upArgs(flow));
  expectOk(result, 'up after rm -rf of a worktree');
  expect(existsSync(path)).toBe(true);
  expect(branchCommit(repo, `${flow.task}-${index}`)).toBe(head);
  expect(repo.git(['rev-parse', 'HEAD'], path).trim()).toBe(head);
  expect(readFileSync(join(path, `candidate-${index}.txt`), 'utf8')).toBe(file);
  expect(repo.git(['status', '--porcelain'], path)).toBe('');
  expect(worktreeList(repo).filter((w) => w.prunable)).toEqual([]);
  return result;
}

/** `down` stops the agents and keeps every worktree, branch and commit. */
export async function downKeepsWork(flow: Flow, n = 3): Promise<'skipped' | 'ok'> {
  const { repo } = flow;
  const heads = [1, 2, 3].slice(0, n).map((i) => branchCommit(repo, `${flow.task}-${i}`));
  const dirty = join(repo.worktree(flow.task, 1), 'uncommitted.txt');
  writeFileSync(dirty, 'work in progress\n');
  const result = await repo.run(['down', flow.task]);
  if (/not available in this build/.test(result.stderr)) return 'skipped';
  expectOk(result, 'down');
  expect([1, 2, 3].slice(0, n).map((i) => branchCommit(repo, `${flow.task}-${i}`))).toEqual(heads);
  for (let i = 1; i <= n; i++) expect(existsSync(repo.worktree(flow.task, i))).toBe(true);
  expect(readFileSync(dirty, 'utf8')).toBe('work in progress\n');
  expect((await status(flow)).sessionAlive).toBe(false);
  return 'ok';
}

/** Kills every headless launcher of a task (its process group: launcher + agent), like a reboot. */
export async function killHeadless(repo: TestRepo, task: string): Promise<void> {
  const run = join(repo.stateDir(task), 'run');
  const pids = readdirSync(run)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(readFileSync(join(run, f), 'utf8')));
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  const gone = (pid: number) => {
    try {
      return /^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  await waitFor(() => pids.every(gone), { message: 'headless launchers gone' });
}

/** tmux panes of a session: id, our candidate index, dead flag. */
export function tmuxPanes(repo: TestRepo, session: string): { id: string; index: string; dead: boolean }[] {
  try {
    return tmux(repo, [
      'list-panes',
      '-s',
      '-t',
      `=${session}`,
      '-F',
      '#{pane_id} #{@parallel_index} #{pane_dead}',
    ])
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [id, index, dead] = line.split(' ');
        return { id: id!, index: index!, dead: dead === '1' };
      });
  } catch {
    return [];
  }
}

export async function killTmuxSession(repo: TestRepo, session: string): Promise<void> {
  tmux(repo, ['kill-session', '-t', `=${session}`]);
  await waitFor(() => tmuxPanes(repo, session).length === 0, { interval: 100, message: 'tmux session gone' });
}

/** Runs the (fake) zellij CLI with the repo's environment; throws on a non-zero exit. */
export const zellij = (repo: TestRepo, args: string[]) =>
  execFileSync('zellij', args, {
    env: repo.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15_000,
  });

/** Terminal panes of a live Zellij session; [] when the session is not live. */
export function zellijPanes(
  repo: TestRepo,
  session: string,
): { id: number; title: string; exited: boolean; exit_status: number | null }[] {
  try {
    const panes = JSON.parse(zellij(repo, ['--session', session, 'action', 'list-panes', '--json']));
    return panes.filter((p: { is_plugin: boolean }) => !p.is_plugin);
  } catch {
    return [];
  }
}
