import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasZellijDouble, makeRepo, type TestRepo, waitFor } from './support/repo.js';
import {
  downKeepsWork,
  type Flow,
  firstUp,
  idempotentUp,
  rebuildsDeletedWorktree,
  rebuildsKilledSession,
  zellij,
  zellijPanes,
} from './support/up-flow.js';

/** The Zellij flow against the contract double, in a repository path with spaces. */
describe.skipIf(!hasZellijDouble)('up --mux zellij, end to end (Zellij contract double)', () => {
  let repo: TestRepo;
  let flow: Flow;
  // "my repo-feat" had to be changed, so the session name ends in a hash of it and the repository.
  let session = '';
  beforeAll(async () => {
    repo = await makeRepo({ name: 'my repo', zellij: true, env: { FAKE_AGENT_STAY: '1' } });
    flow = { repo, mux: 'zellij', task: 'feat' };
  });
  afterAll(async () => {
    try {
      zellij(repo, ['kill-all-sessions', '-y']);
    } catch {
      // none left
    }
    await repo.cleanup();
  });

  it('starts 3 agents in 3 panes on one base with the prompt byte-exact, their env and worktree', async () => {
    await firstUp(flow);
    session = JSON.parse(readFileSync(join(repo.stateDir('feat'), 'state.json'), 'utf8')).session;
    expect(session).toMatch(/^my-repo-feat-[0-9a-f]{8}$/);
    const panes = zellijPanes(repo, session);
    expect(panes.map((p) => p.title.replace(/ · .*$/, '')).sort()).toEqual(['#1 fake', '#2 fake', '#3 fake']);
    expect(panes.every((p) => !p.exited)).toBe(true);
    for (const record of repo.records()) expect(record.env.ZELLIJ_SESSION_NAME).toBe(session);
  });
  it('a second up does nothing', async () => {
    await idempotentUp(flow);
  });
  it('a killed session is rebuilt (not resurrected with suspended panes) and every agent resumes', async () => {
    await rebuildsKilledSession(flow, async () => {
      zellij(repo, ['kill-session', session]);
      // Each poll starts the zellij double (node): not every 25 ms.
      await waitFor(() => zellijPanes(repo, session).length === 0, {
        interval: 250,
        message: 'zellij session gone',
      });
    });
    expect(zellijPanes(repo, session).filter((p) => !p.exited).length).toBe(3);
  });
  it('a deleted worktree is rebuilt from its branch', async () => {
    await rebuildsDeletedWorktree(flow);
  });
  it('down keeps the work', async (ctx) => {
    if ((await downKeepsWork(flow)) === 'skipped') ctx.skip();
  });
});
