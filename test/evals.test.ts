/**
 * Evals: `--jobs N` and `evalJobs` set how many run at once, and every process an eval started
 * is gone when the eval ends, including ones that left its process group.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runEval } from '../src/compare/evals.js';
import { findMarked } from '../src/proc/marked.js';
import { createFixture, type Fixture, upTask } from './support/task-fixture.js';

const scratches: string[] = [];
const scratch = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gp-evals-'));
  scratches.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of scratches) await rm(dir, { recursive: true, force: true });
});

/** Alive and not a zombie (an orphan's parent may not reap it at once). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Each eval waits (up to 30 s) until `n` evals have started: it passes only if they overlap. */
const together = (dir: string, n: number) =>
  `touch "${dir}/started-$PARALLEL_INDEX"; i=0; while [ "$(ls "${dir}" | grep -c started-)" -lt ${n} ]; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.05; done`;

describe('evals', () => {
  let fx: Fixture | undefined;
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
  });

  it('compare --jobs 4 runs 4 evals at once', async () => {
    const dir = await scratch();
    fx = await createFixture({
      eval: [{ name: 'together', command: `mkdir -p "${dir}"; ${together(dir, 4)}` }],
    });
    await upTask(fx, 'j', 4);
    const result = await fx.cli(['compare', 'j', '--json', '--jobs', '4']);
    expect(result.exitCode, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.candidates.map((c: { evals: { status: string }[] }) => c.evals[0]!.status)).toEqual(
      Array(4).fill('pass'),
    );
  });

  it('evalJobs in the config sets the default', async () => {
    const dir = await scratch();
    fx = await createFixture({
      config: { evalJobs: 3 },
      eval: [{ name: 'together', command: `mkdir -p "${dir}"; ${together(dir, 3)}` }],
    });
    await upTask(fx, 'k', 3);
    const result = await fx.cli(['compare', 'k', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(
      JSON.parse(result.stdout).candidates.every(
        (c: { evals: { status: string }[] }) => c.evals[0]!.status === 'pass',
      ),
    ).toBe(true);
  });

  it('no process an eval started outlives it: background, nohup and setsid ones are ended', async () => {
    fx = await createFixture({
      eval: [
        {
          name: 'leaky',
          command:
            'sleep 300 & echo $! > bg.pid; nohup sleep 301 > /dev/null 2>&1 & echo $! > nohup.pid; setsid sleep 302 > /dev/null 2>&1 < /dev/null & echo $! > setsid.pid; exit 0',
        },
      ],
    });
    await upTask(fx, 'leak', 1);
    const result = await fx.cli(['compare', 'leak']);
    expect(result.exitCode, result.stderr).toBe(0);
    const wt = fx.worktree('leak', 1);
    for (const name of ['bg', 'nohup', 'setsid']) {
      const pid = Number(readFileSync(join(wt, `${name}.pid`), 'utf8'));
      expect(pid).toBeGreaterThan(0);
      expect(running(pid), `${name} sleep (pid ${pid}) outlived its eval`).toBe(false);
    }
  });

  it('an eval ends a process that left its session (setsid), found by its marker, and says so', async () => {
    const dir = await scratch();
    const result = await runEval(
      {
        candidate: 1,
        worktree: dir,
        env: {},
        eval: {
          name: 'escape',
          command: 'setsid sleep 303 > /dev/null 2>&1 < /dev/null & echo $! > setsid.pid',
          timeoutMs: 60_000,
        },
      },
      join(dir, 'escape.log'),
    );
    expect(result.status).toBe('pass');
    expect(running(Number(readFileSync(join(dir, 'setsid.pid'), 'utf8')))).toBe(false);
    expect(readFileSync(join(dir, 'escape.log'), 'utf8')).toMatch(/ended 1 process\(es\) it left running/);
  });

  it('findMarked finds nothing for an owner that started nothing', () => {
    expect(findMarked(`nobody-${process.pid}`)).toEqual([]);
  });
});
