import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTmux, makeRepo, type TestRepo, tmux } from './support/repo.js';
import {
  downKeepsWork,
  type Flow,
  firstUp,
  idempotentUp,
  killTmuxSession,
  rebuildsDeletedWorktree,
  rebuildsKilledSession,
  status,
  tmuxPanes,
} from './support/up-flow.js';

describe.skipIf(!hasTmux)('up --mux tmux, end to end (real tmux server)', () => {
  let repo: TestRepo;
  let flow: Flow;
  beforeAll(async () => {
    repo = await makeRepo({ env: { FAKE_AGENT_STAY: '1' } });
    flow = { repo, mux: 'tmux', task: 'feat' };
  });
  afterAll(async () => {
    try {
      tmux(repo, ['kill-server']);
    } catch {
      // no server
    }
    await repo.cleanup();
  });

  it('starts 3 agents in 3 panes on one base with the prompt byte-exact, their env and worktree', async () => {
    await firstUp(flow);
    const panes = tmuxPanes(repo, 'repo-feat');
    expect(panes.map((p) => p.index).sort()).toEqual(['1', '2', '3']);
    expect(panes.every((p) => !p.dead)).toBe(true);
  });
  it('a second up does nothing', async () => {
    await idempotentUp(flow);
  });
  it('a killed session is rebuilt and every agent resumes', async () => {
    await rebuildsKilledSession(flow, () => killTmuxSession(repo, 'repo-feat'));
    expect(tmuxPanes(repo, 'repo-feat').filter((p) => !p.dead).length).toBe(3);
  });
  it('a deleted worktree is rebuilt from its branch', async () => {
    await rebuildsDeletedWorktree(flow);
    expect((await status(flow)).candidates.every((c) => c.worktreeExists)).toBe(true);
  });
  it('down keeps the work', async (ctx) => {
    if ((await downKeepsWork(flow)) === 'skipped') ctx.skip();
  });
});
