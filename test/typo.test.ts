import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestCommand } from '../src/cli/typo.js';
import { buildProgram, commandNames } from '../src/program.js';

const COMMANDS = commandNames(buildProgram());

import { branches, makeRepo, type TestRepo, worktreeList } from './support/repo.js';

describe('nearestCommand', () => {
  it.each([
    ['stauts', 'status'],
    ['statsu', 'status'],
    ['Status', 'status'],
    ['comapre', 'compare'],
    ['compar', 'compare'],
    ['synthesise', 'synthesize'],
    ['reprot', 'report'],
    ['dwon', 'down'],
    ['atach', 'attach'],
    ['sl', 'ls'],
    ['pu', 'up'],
  ])('%s reads as %s', (word, command) => {
    expect(nearestCommand(word, COMMANDS)).toBe(command);
  });
  it.each(['add-auth', 'fix', 'us', 'lsx', 'upgrade', 'status-page', 'feat', 'refactor'])(
    '%s is a task name',
    (word) => {
      expect(nearestCommand(word, COMMANDS)).toBeUndefined();
    },
  );
});

describe('a misspelt command through the CLI', { timeout: 180_000 }, () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await makeRepo();
  });
  afterAll(() => repo.cleanup());

  it('`parallel stauts` is refused with "did you mean", and nothing is created', async () => {
    const result = await repo.run(['stauts', '--mux', 'none', '--no-attach']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/did you mean `parallel status`/);
    expect(result.stderr).toMatch(/parallel up stauts/);
    expect(worktreeList(repo).length).toBe(1);
    expect(branches(repo).filter((b) => b.startsWith('stauts'))).toEqual([]);
    expect(existsSync(join(repo.dir, '.git', 'parallel'))).toBe(false);
  });

  it('the seed form still starts a task, and `up <word>` starts one with a near name on purpose', async () => {
    const seed = await repo.run(['add-auth', '--agents', '1', '--mux', 'none', '--no-attach', '-p', 'x']);
    expect(seed.code, seed.stderr).toBe(0);
    expect(branches(repo)).toContain('add-auth-1');
    const explicit = await repo.run([
      'up',
      'dwon',
      '--agents',
      '1',
      '--mux',
      'none',
      '--no-attach',
      '-p',
      'x',
    ]);
    expect(explicit.code, explicit.stderr).toBe(0);
    // Now "dwon" is a task: the seed form reaches it (an idempotent up), no refusal.
    const again = await repo.run(['dwon', '--no-attach']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already up/);
    await repo.run(['down', 'dwon']);
    await repo.run(['down', 'add-auth']);
  });
});
