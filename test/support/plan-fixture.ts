/**
 * Driver-level fixture: a real repository with one worktree per candidate, the launchers and the
 * prompt file written (what `up` does before it asks a driver for a session), and process checks
 * for the fake agents those launchers start.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import type { Multiplexer } from '../../src/config/resolve.js';
import { resolveAgent, resolveConfig } from '../../src/config/resolve.js';
import { findRepo, resolveBase } from '../../src/git/repo.js';
import { buildPlan, type Candidate, type Plan } from '../../src/plan/plan.js';
import { renderLauncher } from '../../src/render/launcher.js';
import { type AgentRecord, FAKE_AGENT, readRecords } from './repo.js';

/** git with a committer identity, output piped. */
export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

export interface PlanFixtureOptions {
  /** The repository directory to create. */
  root: string;
  /** FAKE_AGENT_LOG_DIR of the agents. */
  records: string;
  mux: Multiplexer;
  agents: number;
  prompt: string;
  env?: Record<string, string>;
  stagger?: number;
  layout?: string;
  /** The launcher text of a candidate (default: renderLauncher as is). */
  launcher?: (plan: Plan, candidate: Candidate) => string;
}

/** task `feat` with the fake agent (resume `--continue`) on a fresh repository with one empty commit. */
export async function writePlan(options: PlanFixtureOptions): Promise<Plan> {
  const { root } = options;
  mkdirSync(root);
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'commit', '-q', '--allow-empty', '-m', 'init');
  const repo = await findRepo(root);
  const base = await resolveBase(repo, 'HEAD');
  const config = {
    ...resolveConfig({
      env: { FAKE_AGENT_LOG_DIR: options.records, ...options.env },
      stagger: options.stagger,
    }),
    agents: [resolveAgent({ name: 'fake', command: FAKE_AGENT, resume: ['--continue'] })],
  };
  const flags = { agents: options.agents, layout: options.layout };
  const { mux, prompt } = options;
  const plan = buildPlan({ config, task: 'feat', repo, base, mux, prompt, flags });
  mkdirSync(plan.paths.launchDir, { recursive: true });
  writeFileSync(plan.paths.promptFile, prompt);
  for (const candidate of plan.candidates) {
    git(root, 'worktree', 'add', '-q', '-b', candidate.branch, candidate.worktree, base.commit);
    writeFileSync(candidate.launcher, (options.launcher ?? renderLauncher)(plan, candidate));
  }
  return plan;
}

/** The fake agents' records in `dir`, by candidate index. */
export const recordsByIndex = (dir: string): AgentRecord[] =>
  readRecords(dir).sort((a, b) => Number(a.env.PARALLEL_INDEX) - Number(b.env.PARALLEL_INDEX));

/** The process exists and is neither a zombie nor dead. */
export function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/\) [ZX] /.test(stat);
}

/** Live processes started in or from `dir` (cwd or command line inside it): launchers and agents. */
export function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid || !running(pid)) continue;
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cwd.startsWith(dir) || cmdline.includes(dir)) pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
