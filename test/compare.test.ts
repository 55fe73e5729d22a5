import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCompareJson } from '../src/compare/collect.js';
import { findOverlap } from '../src/compare/stats.js';
import { renderCompare } from '../src/compare/table.js';
import type { CompareJson } from '../src/compare/types.js';
import { alive, createFixture, type Fixture, git, upTask, waitFor } from './support/task-fixture.js';

describe('findOverlap (pure)', () => {
  it('lists files touched by two or more candidates, sorted', () => {
    expect(
      findOverlap([
        { index: 1, files: ['b', 'a', 'a'] },
        { index: 2, files: ['a', 'c'] },
        { index: 3, files: ['b', 'a'] },
      ]),
    ).toEqual([
      { file: 'a', candidates: [1, 2, 3] },
      { file: 'b', candidates: [1, 3] },
    ]);
  });
});

describe('buildCompareJson + renderCompare (pure)', () => {
  it('fills skipped evals for a candidate without a worktree and notes it', () => {
    const json = buildCompareJson({
      task: 't',
      base: { ref: 'HEAD', commit: 'a'.repeat(40) },
      evals: [{ name: 'test', command: 'true', timeoutMs: 1000 }],
      facts: [
        {
          index: 1,
          label: 't-1',
          agent: 'x',
          branch: 't-1',
          worktree: '/nowhere',
          worktreeExists: false,
          head: null,
          commitsAhead: 0,
          files: [],
          uncommitted: [],
          untracked: [],
        },
      ],
      results: new Map(),
    });
    expect(json.base.branch).toBeNull();
    expect(json.candidates[0]!.evals[0]!.status).toBe('skipped');
    const text = renderCompare(json);
    expect(text).toContain('test skipped');
    expect(text).toContain('the worktree /nowhere is missing');
  });
});

describe('parallel compare (end to end)', () => {
  let fx: Fixture;
  let json: CompareJson;
  let exitCode: number;
  let stderr: string;

  beforeAll(async () => {
    fx = await createFixture({
      eval: [
        { name: 'has-one', command: 'test -f candidate-1.txt' },
        { name: 'env', command: 'test "$PARALLEL_INDEX" -ge 1 && echo "index $PARALLEL_INDEX"' },
      ],
    });
    await upTask(fx, 't', 3);
    // Candidates 2 and 3 both commit a change to shared.txt; 2 also leaves uncommitted work.
    for (const n of [2, 3]) {
      const wt = fx.worktree('t', n);
      await writeFile(join(wt, 'shared.txt'), `from ${n}\nsecond line\n`);
      await git(wt, 'commit', '-q', '-am', `shared ${n}`);
    }
    const wt2 = fx.worktree('t', 2);
    await writeFile(join(wt2, 'README.md'), '# changed\n');
    await writeFile(join(wt2, 'notes.txt'), 'untracked\n');
    const result = await fx.cli(['compare', 't', '--json']);
    exitCode = result.exitCode;
    stderr = result.stderr;
    json = JSON.parse(result.stdout) as CompareJson;
  });
  afterAll(() => fx?.cleanup());

  it('lists every candidate with commits, files, lines, uncommitted and untracked', async () => {
    expect(exitCode, stderr).toBe(0);
    expect(json.version).toBe(1);
    expect(json.task).toBe('t');
    expect(json.base.branch).toBe('main');
    expect(json.evals).toEqual(['has-one', 'env']);
    expect(json.candidates.map((c) => c.index)).toEqual([1, 2, 3]);
    const [c1, c2, c3] = json.candidates;
    expect(c1).toMatchObject({
      label: 't-1',
      agent: 'fake',
      branch: 't-1',
      worktreeExists: true,
      commitsAhead: 1,
      filesChanged: 1,
      insertions: 1,
      deletions: 0,
      uncommitted: [],
      untracked: [],
    });
    expect(c2).toMatchObject({
      commitsAhead: 2,
      filesChanged: 2,
      insertions: 3,
      deletions: 1,
      uncommitted: ['README.md'],
      untracked: ['notes.txt'],
    });
    expect(c2!.files.map((f) => f.path).sort()).toEqual(['candidate-2.txt', 'shared.txt']);
    expect(c3!.head).toBe(await git(fx.repo, 'rev-parse', 't-3'));
  });

  it('reports the files several candidates touched', () => {
    expect(json.overlap).toEqual([{ file: 'shared.txt', candidates: [2, 3] }]);
    expect(json.candidates.map((c) => c.overlap)).toEqual([[], ['shared.txt'], ['shared.txt']]);
  });

  it('runs every eval in every worktree and keeps the output in the log dir', () => {
    const statuses = json.candidates.map((c) => c.evals.map((e) => e.status));
    expect(statuses).toEqual([
      ['pass', 'pass'],
      ['fail', 'pass'],
      ['fail', 'pass'],
    ]);
    const log = json.candidates[2]!.evals[1]!.log!;
    expect(log).toBe(join(fx.commonDir, 'parallel', 't', 'logs', 'eval-3-env.log'));
    expect(readFileSync(log, 'utf8')).toContain('index 3');
  });

  it('prints a table with one row per candidate and the overlap', async () => {
    const result = await fx.cli(['compare', 't', '--no-eval']);
    expect(result.exitCode, result.stderr).toBe(0);
    const rows = result.stdout.split('\n').filter((l) => /^\d\s/.test(l));
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^2\s+fake\s+t-2\s+2\s+2\s+\+3 -1\s+1\s+1\s+-\s+1 file/);
    expect(result.stdout).toContain('shared.txt  (2, 3)');
  });

  it('--no-eval skips the evals', async () => {
    const result = await fx.cli(['compare', 't', '--json', '--no-eval']);
    const skipped = JSON.parse(result.stdout) as CompareJson;
    expect(skipped.evals).toEqual([]);
    expect(skipped.candidates.every((c) => c.evals.length === 0)).toBe(true);
  });

  it('diff: a candidate against the base with the work the report shows; --committed: its branch only', async () => {
    const result = await fx.cli(['diff', 't', '2']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('+++ b/shared.txt');
    expect(result.stdout).toContain('+from 2');
    expect(result.stdout).toContain('+# changed');
    expect(result.stdout).toMatch(/\+\+\+ b\/notes\.txt\n@@ -0,0 \+1 @@\n\+untracked/);
    expect(result.stderr).toContain('with 1 uncommitted and 1 untracked file(s)');
    const committed = await fx.cli(['diff', 't', '2', '--committed']);
    expect(committed.stdout).toContain('+from 2');
    expect(committed.stdout).not.toContain('README.md');
    expect(committed.stdout).not.toContain('notes.txt');
    expect(committed.stderr).toContain("candidate 2's worktree has 2 uncommitted or untracked file(s)");
  });

  it('diff: two candidates against each other, --stat', async () => {
    const result = await fx.cli(['diff', 't', '2', '3', '--stat']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/candidate-2\.txt\s+\|\s+1 -/);
    expect(result.stdout).toMatch(/candidate-3\.txt\s+\|\s+1 \+/);
    expect(result.stdout).toMatch(/shared\.txt\s+\|\s+2 \+-/);
  });

  it('diff: an unknown candidate, or one with no changes, is a clear error', async () => {
    const unknown = await fx.cli(['diff', 't', '9']);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('has no candidate 9; its candidates are 1, 2, 3');
    await upTask(fx, 'idle', 1, { FAKE_AGENT_EDIT: 'none' });
    const empty = await fx.cli(['diff', 'idle', '1']);
    expect(empty.exitCode).not.toBe(0);
    expect(empty.stderr).toContain('Candidate 1 (idle-1) has no changes against the base commit');
  });

  it('rejects an unknown task and changes nothing', async () => {
    const result = await fx.cli(['compare', 'nope']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/no task "nope"/);
    expect(existsSync(join(fx.commonDir, 'parallel', 'nope'))).toBe(false);
  });
});

describe('parallel compare with a hanging or missing eval', () => {
  let fx: Fixture;
  afterAll(() => fx?.cleanup());

  it('kills a timed-out eval with its process group, reports a missing command, exits non-zero', async () => {
    fx = await createFixture({
      eval: [
        {
          name: 'hang',
          command: 'sleep 300 & echo $! > "$PARALLEL_PIDS/$PARALLEL_INDEX"; wait',
          timeout: 700,
        },
        { name: 'gone', command: 'no-such-command-xyz --flag' },
      ],
    });
    await upTask(fx, 'h', 2);
    const pids = join(fx.tmp, 'pids');
    await mkdir(pids);
    const result = await fx.cli(['compare', 'h', '--json'], { PARALLEL_PIDS: pids });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('eval "hang" timed out in candidates 1, 2');
    expect(result.stderr).toContain('eval "gone" could not run in candidates 1, 2');
    const json = JSON.parse(result.stdout) as CompareJson;
    expect(json.candidates.map((c) => c.evals.map((e) => e.status))).toEqual([
      ['timeout', 'missing'],
      ['timeout', 'missing'],
    ]);
    for (const n of [1, 2]) {
      const pid = Number(readFileSync(join(pids, String(n)), 'utf8'));
      await waitFor(() => !alive(pid), `sleep ${pid} to be killed`, 5_000);
    }
  });
});
