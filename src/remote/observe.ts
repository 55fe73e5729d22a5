import { createHash } from 'node:crypto';
import type { ResolvedHost } from '../config/resolve.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { ssh, sshMessage } from '../proc/ssh.js';
import { byHost, remotePaths, remoteSession } from './paths.js';
import { hostFiles } from './render.js';
import { OBSERVE } from './scripts.js';

export type PaneSeen = { state: 'none' } | { state: 'alive' } | { state: 'dead'; exitCode?: number };

export interface RemoteCandidateSeen {
  /** The worktree directory is there (with its `.git`). */
  exists: boolean;
  /** Tip of the candidate's branch in the host's repository. */
  branchCommit?: string;
  /** Branch the worktree has checked out (undefined: detached or missing). */
  headBranch?: string;
  prepared: boolean;
  pane: PaneSeen;
  /** What the launcher there wrote when the agent ended. */
  exitCode?: number;
  launcherStale: boolean;
  agentFound: boolean;
}

export type HostSeen =
  | { reachable: false; host: ResolvedHost; message: string }
  | {
      reachable: true;
      host: ResolvedHost;
      git: boolean;
      /** The host's multiplexer is on PATH. */
      mux: boolean;
      writable: boolean;
      repo: boolean;
      /** The base commit is in the host's repository. */
      base: boolean;
      promptStale: boolean;
      candidates: Map<number, RemoteCandidateSeen>;
    };

/** One ssh round trip per host, all hosts at once. Changes nothing there. */
export async function observeHosts(plan: Plan): Promise<Map<string, HostSeen>> {
  const seen = new Map<string, HostSeen>();
  await Promise.all(
    [...byHost(plan).values()].map(async ({ host, candidates }) => {
      seen.set(host.name, await observeHost(plan, host, candidates));
    }),
  );
  return seen;
}

async function observeHost(plan: Plan, host: ResolvedHost, candidates: Candidate[]): Promise<HostSeen> {
  const paths = remotePaths(host, plan.task);
  const files = hostFiles(plan, candidates);
  const args = [host.dir, paths.socket, paths.repo, plan.base.commit, paths.promptFile];
  for (const c of candidates) {
    args.push(
      String(c.index),
      c.worktree,
      c.branch,
      remoteSession(plan, c),
      files.launchers.get(c.index)!.path,
      paths.runDir,
      c.agent.command,
    );
  }
  const result = await ssh(host, ['bash', '-c', OBSERVE, 'observe', ...args]);
  if (result.exitCode === 255 || !result.stdout.startsWith('git\t')) {
    return { reachable: false, host, message: sshMessage(result.stderr) || `exit ${result.exitCode}` };
  }
  const fields = new Map<string, string>();
  const cands = new Map<number, RemoteCandidateSeen>();
  for (const line of result.stdout.split('\n')) {
    const [key, ...rest] = line.split('\t');
    if (key !== 'cand') {
      if (key) fields.set(key, rest[0] ?? '');
      continue;
    }
    const [n, exists, commit, head, prepared, pane, exit, launcherHash, found] = rest;
    const index = Number(n);
    const content = files.launchers.get(index)?.content ?? '';
    cands.set(index, {
      exists: exists === '1',
      branchCommit: dash(commit),
      headBranch: dash(head),
      prepared: prepared === '1',
      pane: parsePane(pane ?? 'none'),
      exitCode: number(exit),
      launcherStale: launcherHash !== sha1(content),
      agentFound: found === '1',
    });
  }
  const promptHash = dash(fields.get('prompt'));
  return {
    reachable: true,
    host,
    git: fields.get('git') === '1',
    mux: fields.get('mux') === '1',
    writable: fields.get('writable') === '1',
    repo: fields.get('repo') === '1',
    base: fields.get('base') === '1',
    promptStale: plan.prompt !== undefined && promptHash !== sha1(plan.prompt),
    candidates: cands,
  };
}

export function parsePane(text: string): PaneSeen {
  if (text === 'alive') return { state: 'alive' };
  if (text.startsWith('dead')) return { state: 'dead', exitCode: number(text.slice(5)) };
  return { state: 'none' };
}

const dash = (text: string | undefined) => (text && text !== '-' ? text : undefined);
const number = (text: string | undefined) => (text && /^\d+$/.test(text.trim()) ? Number(text) : undefined);
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
