import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompareJson } from '../src/compare/types.js';
import { resolveAgent } from '../src/config/resolve.js';
import { UNKNOWN_COST } from '../src/cost/types.js';
import { fencedBlocks, oneLine, parseJudgeAnswer } from '../src/judge/answer.js';
import { capDiff, DIFF_BUDGET_BYTES, judgePrompt } from '../src/judge/prompt.js';
import { runAgentHeadless } from '../src/judge/run-agent.js';
import type { Verdict } from '../src/task/verdict.js';
import { createFixture, FAKE_JUDGE, type Fixture, upTask } from './support/task-fixture.js';

describe('parseJudgeAnswer (pure)', () => {
  const block = (body: string, lang = 'json') => `\`\`\`${lang}\n${body}\n\`\`\``;

  it('reads the last fenced JSON block and accepts "#2" and "2" as candidate 2', () => {
    const text = `Example:\n${block('{"ranking":[9]}')}\nThen:\n${block('{"ranking":["#2",1,"3"],"reasons":{"#2":" best \\n","1":"ok"}}')}\nbye`;
    expect(parseJudgeAnswer(text, [1, 2, 3])).toEqual({
      ok: true,
      answer: { ranking: [2, 1, 3], reasons: { '2': 'best', '1': 'ok' } },
    });
  });

  it('takes a plain fence and a longer fence with backticks inside', () => {
    expect(parseJudgeAnswer(block('{"ranking":[1]}', ''), [1]).ok).toBe(true);
    const long = '````json\n{"ranking":[1],"reasons":{"1":"uses ``` fences"}}\n````';
    expect(parseJudgeAnswer(long, [1])).toMatchObject({
      ok: true,
      answer: { reasons: { '1': 'uses ``` fences' } },
    });
    expect(fencedBlocks('~~~\na\n~~~\n```js\nb\n```')).toEqual([
      { lang: '', body: 'a' },
      { lang: 'js', body: 'b' },
    ]);
  });

  it('refuses an answer without a block, with bad JSON, unknown or repeated candidates', () => {
    expect(parseJudgeAnswer('I like #2 best.', [1, 2])).toEqual({
      ok: false,
      problem: 'its answer has no fenced JSON block with a "ranking"',
    });
    expect(parseJudgeAnswer(block('{"ranking": [1,]}'), [1])).toMatchObject({ ok: false });
    expect(parseJudgeAnswer(block('{"ranking": [1, 4]}'), [1, 2])).toEqual({
      ok: false,
      problem: '"ranking" names 4, but the judged candidates are 1, 2',
    });
    expect(parseJudgeAnswer(block('{"ranking": [2, 1, 2]}'), [1, 2])).toEqual({
      ok: false,
      problem: '"ranking" lists candidate 2 twice',
    });
    expect(parseJudgeAnswer(block('{"ranking": []}'), [1])).toMatchObject({ ok: false });
    expect(parseJudgeAnswer(block('{"ranking": [1], "reasons": {"5": "x"}}'), [1])).toMatchObject({
      ok: false,
    });
    expect(parseJudgeAnswer(block('{"ranking": [1], "reasons": {"1": 3}}'), [1])).toMatchObject({
      ok: false,
    });
  });

  it('oneLine keeps the first line and cuts it', () => {
    expect(oneLine('first\nsecond')).toBe('first');
    expect(oneLine('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(oneLine(null)).toBe('');
  });
});

describe('judgePrompt (pure)', () => {
  const facts = (index: number) => ({
    index,
    label: `t-${index}`,
    agent: 'fake',
    branch: `t-${index}`,
    worktree: `/wt/t-${index}`,
    worktreeExists: true,
    head: 'a'.repeat(40),
    commitsAhead: 1,
    filesChanged: 1,
    insertions: 1,
    deletions: 0,
    files: [],
    uncommitted: [],
    untracked: ['notes.txt'],
    overlap: [],
    evals: [
      { name: 'test', command: 'npm test', status: 'fail' as const, exitCode: 1, durationMs: 5, log: null },
    ],
    verdict: null,
    cost: UNKNOWN_COST,
  });

  it('states the cap, cuts a big diff at a file boundary and names the full diff file', () => {
    const small = 'diff --git a/x b/x\n+x\n';
    const big = `diff --git a/a b/a\n+${'a'.repeat(40_000)}\ndiff --git a/b b/b\n+b\n`;
    const text = judgePrompt({
      task: 't',
      baseCommit: 'b'.repeat(40),
      original: 'Add the feature',
      candidates: [
        { facts: facts(1), diff: small, diffFile: '/j/1.diff' },
        { facts: facts(2), diff: big, diffFile: '/j/2.diff' },
        { facts: facts(3), diff: '', diffFile: '/j/3.diff' },
      ],
      overlap: [{ file: 'x', candidates: [1, 2] }],
    });
    expect(text).toContain('Add the feature');
    expect(text).toContain(`cut at 32 KiB (${DIFF_BUDGET_BYTES / 1024} KiB shared by all)`);
    expect(text).toContain('(diff cut at 32 KiB of 39 KiB; full diff: `/j/2.diff`)');
    expect(text).not.toContain('diff --git a/b b/b');
    expect(text).toContain('Evals: test fail (exit 1).');
    expect(text).toContain('Untracked files (not in the diff): `notes.txt`.');
    expect(text).toContain('- `x`: #1, #2');
    expect(text).toContain('(no changes)');
    expect(text.trimEnd().endsWith('```')).toBe(true);
    expect(text).toContain('listing every candidate number (1, 2, 3) once');
    // The example cannot pass for an answer when an agent echoes its prompt.
    expect(parseJudgeAnswer(text, [1, 2, 3]).ok).toBe(false);
  });

  it('capDiff cuts inside a single huge file when there is no boundary', () => {
    expect(capDiff('abc', 10)).toEqual(['abc', false]);
    expect(capDiff(`diff --git a/a b/a\n${'é'.repeat(100)}`, 50)[1]).toBe(true);
    expect(Buffer.byteLength(capDiff(`diff --git a/a b/a\n${'é'.repeat(100)}`, 50)[0])).toBeLessThanOrEqual(
      50,
    );
  });
});

describe('runAgentHeadless', () => {
  it('refuses a prompt over 128 KiB for an agent that takes it as an argument, before starting it', () => {
    const agent = resolveAgent({ name: 'j', command: FAKE_JUDGE });
    const input = {
      agent,
      prompt: 'x'.repeat(130 * 1024),
      promptFile: '/nowhere/p.txt',
      cwd: '/',
      env: {},
      logFile: '/nowhere/log',
    };
    expect(() => runAgentHeadless(input)).toThrow(
      /more than the 128 KiB .* Judge fewer candidates with --from/,
    );
  });
});

describe('parallel judge (end to end)', () => {
  let fx: Fixture;
  const promptCopy = () => join(fx.tmp, 'judge-prompt.txt');
  const verdictPath = () => join(fx.commonDir, 'parallel', 't', 'verdict.json');
  const readVerdict = () => JSON.parse(readFileSync(verdictPath(), 'utf8')) as Verdict;

  beforeAll(async () => {
    fx = await createFixture({
      eval: [{ name: 'has-two', command: 'test -f candidate-2.txt' }],
      config: { judge: { name: 'fake-judge', command: FAKE_JUDGE, prompt: 'stdin' } },
    });
    await upTask(fx, 't', 3);
  });
  afterAll(() => fx?.cleanup());

  it('refuses an answer without the JSON block, shows its last lines, records nothing', async () => {
    const result = await fx.cli(['judge', 't', '--no-eval'], {
      FAKE_JUDGE_MODE: 'none',
      FAKE_JUDGE_ECHO: '1',
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('gave no usable verdict');
    expect(result.stderr).toContain('| They all look fine to me.');
    expect(result.stderr).toContain(join(fx.commonDir, 'parallel', 't', 'judge', 'output.log'));
    expect(existsSync(verdictPath())).toBe(false);
  });

  it('refuses a ranking that repeats a candidate, and a judge that fails', async () => {
    const repeat = await fx.cli(['judge', 't', '--no-eval'], { FAKE_JUDGE_MODE: 'repeat' });
    expect(repeat.exitCode).toBe(1);
    expect(repeat.stderr).toContain('"ranking" lists candidate 3 twice');
    const failed = await fx.cli(['judge', 't', '--no-eval'], { FAKE_JUDGE_EXIT: '4' });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('exited with 4; no verdict was recorded');
    expect(existsSync(verdictPath())).toBe(false);
  });

  it('records the ranking of three candidates from a prompt holding the task, diffs and evals', async () => {
    const result = await fx.cli(['judge', 't'], {
      FAKE_JUDGE_PROMPT_COPY: promptCopy(),
      FAKE_JUDGE_ECHO: '1',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const prompt = readFileSync(promptCopy(), 'utf8');
    expect(prompt).toContain('do it');
    for (const n of [1, 2, 3]) expect(prompt).toContain(`+candidate ${n} was here`);
    expect(prompt).toContain('Evals: has-two pass.');
    expect(prompt).toContain('Evals: has-two fail (exit 1).');
    expect(prompt).toMatch(/cut at 32 KiB/);
    const verdict = readVerdict();
    expect(verdict).toMatchObject({ agent: 'fake-judge', judged: [1, 2, 3], ranking: [3, 2, 1] });
    expect(verdict.reasons['3']).toBe('place 1: candidate 3 wrote candidate-3.txt');
    expect(Date.parse(verdict.at)).not.toBeNaN();
    expect(result.stderr).toContain('1. #3 t-3 (fake): place 1');
    expect(result.stderr).toContain('Nothing was picked');
    // Nothing was picked: main is where it was.
    expect(existsSync(join(fx.repo, 'candidate-3.txt'))).toBe(false);
  });

  it('compare shows the rank and a one-line reason; --json carries the verdict', async () => {
    const text = await fx.cli(['compare', 't', '--no-eval']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/cost\s+rank/);
    expect(text.stdout.split('\n').find((l) => l.startsWith('3 '))).toMatch(/\s1$/);
    expect(text.stdout).toContain('Verdict of fake-judge');
    expect(text.stdout).toContain('1. #3 fake  place 1: candidate 3 wrote candidate-3.txt');
    const json = JSON.parse((await fx.cli(['compare', 't', '--json', '--no-eval'])).stdout) as CompareJson;
    expect(json.judge).toMatchObject({ agent: 'fake-judge', ranking: [3, 2, 1], changedSince: [] });
    expect(json.candidates.map((c) => c.verdict?.rank)).toEqual([3, 2, 1]);
    expect(json.candidates[0]!.verdict!.reason).toBe('place 3: candidate 1 wrote candidate-1.txt');
  });

  it('the report shows the verdict beside each candidate', async () => {
    const out = join(fx.tmp, 'report.html');
    const result = await fx.cli(['report', 't', '--no-eval', '--out', out]);
    expect(result.exitCode, result.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Verdict of fake-judge');
    const section = html.slice(html.indexOf('id="candidate-2"'));
    expect(section).toContain('rank 2 of 3</span> place 2: candidate 2 wrote candidate-2.txt');
  });

  it('--from judges only the named candidates; --agent names an unknown agent clearly', async () => {
    const result = await fx.cli(['judge', 't', '--from', '1,2', '--no-eval'], {
      FAKE_JUDGE_PROMPT_COPY: promptCopy(),
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(promptCopy(), 'utf8')).not.toContain('### Candidate #3');
    expect(readVerdict()).toMatchObject({ judged: [1, 2], ranking: [2, 1] });
    const json = JSON.parse((await fx.cli(['compare', 't', '--json', '--no-eval'])).stdout) as CompareJson;
    expect(json.candidates[2]!.verdict).toBeNull();
    const unknown = await fx.cli(['judge', 't', '--agent', 'nobody']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('Unknown agent "nobody"');
    const bad = await fx.cli(['judge', 't', '--from', '7']);
    expect(bad.exitCode).toBe(2);
  });
});
