import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INLINE_DIFF_BUDGET, synthPrompt } from '../src/compare/synth-prompt.js';
import type { CompareJson } from '../src/compare/types.js';
import { createFixture, type Fixture, git, upTask, waitFor } from './support/task-fixture.js';

describe('synthPrompt (pure)', () => {
  const source = (diff: string) => ({
    index: 1,
    label: 't-1',
    agent: 'a',
    branch: 't-1',
    worktree: '/w/t-1',
    diff,
    stat: ' x | 1 +\n',
    diffFile: '/s/1.diff',
    untracked: ['notes.md'],
  });
  it('inlines small diffs in a fence longer than any backtick run', () => {
    const text = synthPrompt({
      task: 't',
      baseCommit: 'a'.repeat(40),
      original: 'Do X',
      sources: [source('+```js\n')],
    });
    expect(text).toContain('Do X');
    expect(text).toContain('````diff\n+```js\n````');
    expect(text).toContain('`notes.md`');
  });
  it('references files instead of inlining diffs over the budget', () => {
    const big = `+${'x'.repeat(INLINE_DIFF_BUDGET)}\n`;
    const text = synthPrompt({
      task: 't',
      baseCommit: 'a'.repeat(40),
      original: 'Do X',
      sources: [source(big)],
    });
    expect(text.length).toBeLessThan(8_000);
    expect(text).toContain('/s/1.diff');
  });
});

describe('parallel synthesize (end to end)', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await createFixture();
    await upTask(fx, 'sy', 3);
    await writeFile(join(fx.worktree('sy', 3), 'wip.txt'), 'uncommitted idea\n');
  });
  afterAll(() => fx?.cleanup());

  it('starts {task}-synth from the base with the original prompt plus the chosen diffs, recorded for compare', async () => {
    const base = await git(fx.repo, 'rev-parse', 'main');
    const result = await fx.cli(['synthesize', 'sy', '--from', '1,3', '--no-attach']);
    expect(result.exitCode, result.stderr).toBe(0);
    const wt = fx.worktree('sy', 'synth');
    expect(await git(wt, 'symbolic-ref', '--short', 'HEAD')).toBe('sy-synth');
    const stateDir = join(fx.commonDir, 'parallel', 'sy');
    const prompt = readFileSync(join(stateDir, 'synth-prompt.txt'), 'utf8');
    expect(prompt).toContain('do it');
    expect(prompt).toContain('+candidate 1 was here');
    expect(prompt).toContain('+candidate 3 was here');
    expect(prompt).not.toContain('candidate 2 was here');
    expect(prompt).toContain('`wip.txt`');
    // The agent ran (headless) in the new worktree with that prompt and committed on the synth branch.
    const record = await waitFor(() => {
      const starts = join(fx.agentLog, 'starts.log');
      return existsSync(starts) && readFileSync(starts, 'utf8').includes(`4 start ${wt}`);
    }, 'the synth agent to start');
    expect(record).toBe(true);
    const agentRecord = readdirSync(fx.agentLog).find((f) => f.startsWith('4-'))!;
    expect(JSON.parse(readFileSync(join(fx.agentLog, agentRecord), 'utf8')).prompt).toBe(prompt);
    await waitFor(
      async () => (await git(fx.repo, 'rev-list', '--count', `${base}..sy-synth`)) === '1',
      'a synth commit',
    );
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
    expect(state.candidates.at(-1)).toMatchObject({
      index: 4,
      label: 'sy-synth',
      branch: 'sy-synth',
      worktree: wt,
      synthesizedFrom: [1, 3],
    });
    const compare = await fx.cli(['compare', 'sy', '--json']);
    const json = JSON.parse(compare.stdout) as CompareJson;
    expect(json.candidates.map((c) => c.label)).toEqual(['sy-1', 'sy-2', 'sy-3', 'sy-synth']);
    expect(json.candidates[3]!.files.map((f) => f.path)).toEqual(['candidate-4.txt']);
  });

  it('a rebuilt synthesis candidate gets the synthesis prompt again, byte-exact', async () => {
    const stateDir = join(fx.commonDir, 'parallel', 'sy');
    const prompt = readFileSync(join(stateDir, 'synth-prompt.txt'), 'utf8');
    await waitFor(() => existsSync(join(stateDir, 'run', '4.exit')), 'the synth agent to exit');
    // Gone for good: worktree and branch, so `up` starts it over from the base (not a resume).
    const wt = fx.worktree('sy', 'synth');
    await git(fx.repo, 'worktree', 'remove', '--force', wt);
    await git(fx.repo, 'branch', '-D', 'sy-synth');
    const before = new Set(readdirSync(fx.agentLog));
    const up = await fx.cli(['up', 'sy', '--no-attach']);
    expect(up.exitCode, up.stderr).toBe(0);
    const record = await waitFor(() => {
      const fresh = readdirSync(fx.agentLog).find(
        (f) => f.startsWith('4-') && f.endsWith('.json') && !before.has(f),
      );
      return fresh && JSON.parse(readFileSync(join(fx.agentLog, fresh), 'utf8'));
    }, 'the rebuilt synth agent to start');
    expect(record.resumed).toBe(false);
    expect(record.cwd).toBe(wt);
    expect(record.prompt).toBe(prompt);
    expect(readFileSync(join(stateDir, 'launch', '4.sh'), 'utf8')).toContain('synth-prompt.txt');
    const state = JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'));
    expect(state.candidates.at(-1)).toMatchObject({
      index: 4,
      promptFile: 'synth-prompt.txt',
      synthesizedFrom: [1, 3],
    });
    expect(state.candidates[0]).toMatchObject({ index: 1, promptFile: 'prompt.txt' });
  });

  it('refuses a second synthesis and an unknown or empty --from', async () => {
    const again = await fx.cli(['synthesize', 'sy', '--no-attach']);
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain('already has a synthesized candidate (#4');
    await upTask(fx, 'blank', 2, { FAKE_AGENT_EDIT: 'none' });
    const none = await fx.cli(['synthesize', 'blank', '--no-attach']);
    expect(none.exitCode).not.toBe(0);
    expect(none.stderr).toContain('has any changes yet');
    const unknown = await fx.cli(['synthesize', 'blank', '--from', '5', '--no-attach']);
    expect(unknown.exitCode).toBe(2);
    expect(existsSync(fx.worktree('blank', 'synth'))).toBe(false);
  });
});
