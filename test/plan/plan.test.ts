/**
 * buildPlan, directly: config + task + flags → candidates. Pure, so no repository is needed.
 */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve.js';
import type { UserConfig } from '../../src/config/schema.js';
import { buildPlan, type PlanInput, type RecordedSlot } from '../../src/plan/plan.js';

const ROOT = '/home/dev/src/shop';
const repo = { root: ROOT, name: 'shop', commonDir: `${ROOT}/.git`, cwdTop: ROOT };
const base = { ref: 'HEAD', commit: 'ab'.repeat(20), branch: 'main' };

function plan(config: UserConfig = {}, input: Partial<PlanInput> = {}) {
  return buildPlan({
    config: resolveConfig({ agents: [{ preset: 'claude', count: 2 }, { preset: 'codex' }], ...config }),
    task: 'add-auth',
    repo,
    base,
    mux: 'tmux',
    prompt: 'Add JWT auth',
    flags: {},
    home: '/home/dev',
    ...input,
  });
}

describe('buildPlan', () => {
  it('one candidate per configured agent, numbered from 1, with the default names and paths', () => {
    const p = plan();
    expect(p.candidates.map((c) => [c.index, c.agent.name, c.branch, c.worktree, c.paneName])).toEqual([
      [1, 'claude', 'add-auth-1', '/home/dev/src/shop-worktrees/add-auth-1', '#1 claude'],
      [2, 'claude', 'add-auth-2', '/home/dev/src/shop-worktrees/add-auth-2', '#2 claude'],
      [3, 'codex', 'add-auth-3', '/home/dev/src/shop-worktrees/add-auth-3', '#3 codex'],
    ]);
    expect(p.session).toBe('shop-add-auth');
    expect(
      p.candidates.every((c) => c.promptFile === p.paths.promptFile && c.prompt === 'Add JWT auth'),
    ).toBe(true);
  });

  it.each([
    [{ agents: 5 }, ['claude', 'codex', 'claude', 'codex', 'claude']],
    [{ agents: 1 }, ['claude']],
    [{ agent: ['codex', 'codex'] }, ['codex', 'codex']],
  ])('flags %j choose the agents round-robin: %j', (flags, names) => {
    const config = { agents: [{ preset: 'claude' as const }, { preset: 'codex' as const }] };
    expect(plan(config, { flags }).candidates.map((c) => c.agent.name)).toEqual(names);
  });

  it('expands the worktree, branch and session templates, with ~ from the home', () => {
    const p = plan({
      worktrees: { dir: '~/wt/{repo}/{task}/{agent}-{n}', branch: 'agents/{task}/{n}' },
      session: 'x-{task}',
    });
    expect(p.candidates[2]!.worktree).toBe('/home/dev/wt/shop/add-auth/codex-3');
    expect(p.candidates[2]!.branch).toBe('agents/add-auth/3');
    expect(p.session).toBe('x-add-auth');
  });

  it('recorded candidates keep their number, branch and worktree; new ones count on from the highest', () => {
    const recorded: RecordedSlot[] = [
      { index: 2, branch: 'kept-2', worktree: '/elsewhere/2' },
      { index: 7, branch: 'kept-7', worktree: '/elsewhere/7' },
    ];
    const p = plan({}, { recorded });
    expect(p.candidates.map((c) => [c.index, c.branch, c.worktree])).toEqual([
      [2, 'kept-2', '/elsewhere/2'],
      [7, 'kept-7', '/elsewhere/7'],
      [8, 'add-auth-8', '/home/dev/src/shop-worktrees/add-auth-8'],
    ]);
  });

  it("a candidate with its own prompt file gets that file's text; the others get the task prompt", () => {
    const recorded: RecordedSlot[] = [
      { index: 1, branch: 'add-auth-1', worktree: '/w/1' },
      { index: 2, branch: 'add-auth-2', worktree: '/w/2' },
      {
        index: 3,
        branch: 'synth',
        worktree: '/w/3',
        promptFile: 'synth-prompt.txt',
        synthesizedFrom: [1, 2],
      },
    ];
    const p = plan({}, { recorded, prompts: { 'synth-prompt.txt': 'Combine #1 and #2' } });
    expect(p.candidates.map((c) => c.prompt)).toEqual(['Add JWT auth', 'Add JWT auth', 'Combine #1 and #2']);
    expect(p.candidates[2]!.promptFile).toBe(`${p.paths.dir}/synth-prompt.txt`);
    expect(p.candidates[2]!.synthesizedFrom).toEqual([1, 2]);
  });

  it('each candidate gets its own port and environment', () => {
    const p = plan({ env: { SHARED: '1' } });
    const ports = p.candidates.map((c) => c.port);
    expect(new Set(ports).size).toBe(3);
    expect(p.candidates[1]!.env).toMatchObject({
      SHARED: '1',
      PARALLEL_TASK: 'add-auth',
      PARALLEL_INDEX: '2',
      PARALLEL_PORT: String(ports[1]),
    });
  });

  it('refuses templates that give two candidates the same branch or worktree, naming the field', () => {
    expect(() => plan({ worktrees: { branch: 'same' } })).toThrow(/worktrees\.branch/);
    expect(() => plan({ worktrees: { dir: '../same' } })).toThrow(/worktrees\.dir/);
  });
});
