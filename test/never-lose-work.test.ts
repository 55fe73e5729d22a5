/**
 * One regression test per class of lost work found by a hostile hour with the CLI (issue
 * "Never lose work, round 2"). Each starts from a fresh repository (headless agents, the fake
 * agent) and checks the user's work survives and the command says what it did or refused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { sessionName } from '../src/plan/plan.js';
import { hasTmux } from './support/repo.js';
import { CLI, createFixture, type Fixture, git, run, upTask } from './support/task-fixture.js';

type FixtureOptions = Parameters<typeof createFixture>[0];

/** `fixture()` makes a fresh repository for one test and removes it after, passed or failed. */
const withFixture = test.extend<{ fixture: (options?: FixtureOptions) => Promise<Fixture> }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  fixture: async ({}, use) => {
    const made: Fixture[] = [];
    await use(async (options = {}) => {
      const fx = await createFixture(options);
      made.push(fx);
      return fx;
    });
    await Promise.all(made.map((fx) => fx.cleanup()));
  },
});

/**
 * Each case runs several CLI commands end to end, each seconds long on a loaded machine; the
 * cases are independent (own repository, own multiplexer server), so they run side by side.
 */
const it = withFixture.concurrent;
const LIMIT = { timeout: 180_000 };

describe("class 4: a fresh up never takes over branches that are not the task's", () => {
  it('refuses existing user branches fix-1, fix-2 and changes nothing', LIMIT, async ({ fixture }) => {
    const f = await fixture();
    await git(f.repo, 'branch', 'fix-1');
    await writeFile(join(f.repo, 'mine.txt'), 'user work\n');
    await git(f.repo, 'add', 'mine.txt');
    await git(f.repo, 'commit', '-q', '-m', 'user work');
    await git(f.repo, 'branch', 'fix-2');
    const before = await git(f.repo, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/');
    const up = await f.cli(['up', 'fix', '--agents', '2', '--mux', 'none', '--no-attach', '--prompt', 'p']);
    expect(up.exitCode).not.toBe(0);
    expect(up.stderr).toContain('Branch "fix-1" already exists and is not task "fix"\'s');
    expect(up.stderr).toContain('worktrees.branch');
    expect(up.stderr).not.toContain('rebuilt');
    expect(await git(f.repo, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/')).toBe(
      before,
    );
    expect(existsSync(f.worktree('fix', 1))).toBe(false);
    const down = await f.cli(['down', 'fix', '--clean', '--force']);
    expect(down.exitCode).not.toBe(0);
    expect(await git(f.repo, 'for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads/')).toBe(
      before,
    );
  });

  it('with its state lost, up adopts only the branches carrying its mark', LIMIT, async ({ fixture }) => {
    const f = await fixture();
    await upTask(f, 't', 1);
    expect(await git(f.repo, 'config', 'branch.t-1.parallelTask')).toBe('t');
    await git(f.repo, 'branch', 't-2'); // the user's own, made later
    await writeFile(join(f.commonDir, 'parallel', 't', 'state.json'), '{ corrupt');
    const up = await f.cli(['up', 't', '--agents', '2', '--mux', 'none', '--no-attach']);
    expect(up.exitCode).not.toBe(0);
    expect(up.stderr).toContain('Branch "t-2" already exists and is not task "t"\'s');
    expect(existsSync(f.worktree('t', 1))).toBe(true);
  });
});

describe('class 5: down --clean never deletes a branch checked out in a worktree', () => {
  it('keeps the branch the main worktree has checked out, even with --force', LIMIT, async ({ fixture }) => {
    const f = await fixture();
    await upTask(f, 'c', 1, { FAKE_AGENT_EDIT: 'none' });
    await git(f.repo, 'worktree', 'remove', f.worktree('c', 1));
    await git(f.repo, 'switch', '-q', 'c-1');
    for (const args of [['--clean'], ['--clean', '--force']]) {
      const down = await f.cli(['down', 'c', ...args]);
      expect(down.stderr).toContain(`branch c-1 is checked out in ${f.repo}`);
      expect(await git(f.repo, 'symbolic-ref', 'HEAD')).toBe('refs/heads/c-1');
      expect(await git(f.repo, 'rev-parse', '--verify', 'c-1')).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});

describe('class 6: ignored files are work', () => {
  it(
    'down --clean keeps a candidate whose only change is an ignored file, and lists it',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture({ files: { '.gitignore': '*.log\n' } });
      await upTask(f, 'i', 1, { FAKE_AGENT_EDIT: 'none' });
      await writeFile(join(f.worktree('i', 1), 'notes.log'), 'my notes\n');
      const down = await f.cli(['down', 'i', '--clean']);
      expect(down.exitCode, down.stderr).toBe(0);
      expect(down.stderr).toContain('1 ignored file(s): notes.log');
      expect(readFileSync(join(f.worktree('i', 1), 'notes.log'), 'utf8')).toBe('my notes\n');
    },
  );

  it('an ignored file copied in by up and left untouched is not work', LIMIT, async ({ fixture }) => {
    const f = await fixture({ files: { '.gitignore': '.env\n' } });
    await writeFile(join(f.repo, '.env'), 'SECRET=1\n');
    const config = JSON.parse(await readFile(join(f.repo, 'parallel.config.json'), 'utf8'));
    await writeFile(join(f.repo, 'parallel.config.json'), JSON.stringify({ ...config, copy: ['.env'] }));
    await git(f.repo, 'commit', '-q', '-am', 'copy .env');
    await upTask(f, 'e', 1, { FAKE_AGENT_EDIT: 'none' });
    expect(readFileSync(join(f.worktree('e', 1), '.env'), 'utf8')).toBe('SECRET=1\n');
    const down = await f.cli(['down', 'e', '--clean']);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/Removed 1 candidate/);
    expect(readFileSync(join(f.repo, '.env'), 'utf8')).toBe('SECRET=1\n');
  });

  it(
    'pick refuses to overwrite an ignored file in the base worktree and lists it',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture({ files: { '.gitignore': 'local.env\n' } });
      await upTask(f, 'p', 1, { FAKE_AGENT_EDIT: 'none' });
      const wt = f.worktree('p', 1);
      await writeFile(join(wt, 'local.env'), 'from the agent\n');
      await git(wt, 'add', '-f', 'local.env');
      await git(wt, 'commit', '-q', '-m', 'agent adds local.env');
      await writeFile(join(f.repo, 'local.env'), 'MY=secret\n');
      const pick = await f.cli(['pick', 'p', '1']);
      expect(pick.exitCode).not.toBe(0);
      expect(pick.stderr).toContain('local.env');
      expect(pick.stderr).toContain('Nothing was changed');
      expect(readFileSync(join(f.repo, 'local.env'), 'utf8')).toBe('MY=secret\n');
    },
  );
});

describe('class 7: distinct tasks never share a multiplexer session', () => {
  it('names that had to be changed get a hash of the exact name and the repository', LIMIT, () => {
    const names = ['r-a=b', 'r-a+b', 'r-a.b', 'r-a-b'].map((raw) => sessionName(raw, '/x/.git'));
    expect(new Set(names).size).toBe(4);
    expect(names[3]).toBe('r-a-b');
    expect(sessionName('ü-t', '/one/.git')).not.toBe(sessionName('ü-t', '/two/.git'));
    expect(sessionName('ü-t', '/one/.git')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});

describe.skipIf(!hasTmux)("class 7: a session of the same name that is not the task's", () => {
  it(
    "two clones with the same directory name: the second task neither takes nor stops the first one's session",
    LIMIT,
    async ({ fixture }) => {
      const a = await fixture();
      const b = await createFixture();
      const tmuxDir = join(a.tmp, 'tmux');
      await mkdir(tmuxDir);
      const env = { TMUX_TMPDIR: tmuxDir, FAKE_AGENT_STAY: '1', FAKE_AGENT_EDIT: 'none' };
      const tmux = (...args: string[]) => run('tmux', args, { cwd: a.repo, env });
      const upArgs = ['up', 't', '--agents', '1', '--mux', 'tmux', '--no-attach', '--prompt', 'p'];
      try {
        // b's task is up first; its session goes away, and a's task takes the same name.
        expect((await b.cli(upArgs, env)).exitCode).toBe(0);
        await tmux('kill-session', '-t', '=repo-t');
        const upA = await a.cli(upArgs, env);
        expect(upA.exitCode, upA.stderr).toBe(0);
        const panesOfA = async () =>
          (await tmux('list-panes', '-s', '-t', '=repo-t', '-F', '#{pane_pid}')).stdout;
        const before = await panesOfA();
        expect(before.trim()).not.toBe('');

        const upB = await b.cli(upArgs, env);
        expect(upB.exitCode).not.toBe(0);
        expect(upB.stderr).toContain('is not this task');
        const restartB = await b.cli(['restart', 't', '1'], env);
        expect(restartB.exitCode).not.toBe(0);
        expect(restartB.stderr).toContain('leaves it alone');
        const downB = await b.cli(['down', 't'], env);
        expect(downB.exitCode, downB.stderr).toBe(0);
        expect(await panesOfA()).toBe(before);
      } finally {
        await tmux('kill-server');
        await b.cleanup();
      }
    },
  );
});

describe('class 8: a repository path with a newline', () => {
  it('up and down --clean work in that repository and nowhere else', LIMIT, async () => {
    const tmp = await realpath(tmpdir());
    const parent = join(tmp, `gp-nl-${process.pid}-${Date.now()}\nrepo`);
    const decoy = join(tmp, `gp-nl-${process.pid}-${Date.now()}`);
    await mkdir(parent, { recursive: true });
    try {
      const repo = join(parent, 'r');
      await mkdir(repo);
      await git(repo, 'init', '-q', '-b', 'main');
      await writeFile(
        join(repo, 'parallel.config.json'),
        JSON.stringify({ agents: [{ name: 'fake', command: 'true', prompt: 'none' }], multiplexer: 'none' }),
      );
      await git(repo, 'add', '-A');
      await git(repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'i');
      const cli = (args: string[]) => run(process.execPath, [CLI, ...args], { cwd: repo });
      const up = await cli(['up', 'nl', '--no-attach', '--prompt', 'p']);
      expect(up.exitCode, up.stderr).toBe(0);
      expect(await git(repo, 'branch', '--list', 'nl-1')).toContain('nl-1');
      expect(existsSync(decoy)).toBe(false);
      const down = await cli(['down', 'nl', '--clean']);
      expect(down.exitCode, down.stderr).toBe(0);
      expect(await git(repo, 'branch', '--list', 'nl-1')).toBe('');
    } finally {
      await rm(parent, { recursive: true, force: true });
      await rm(decoy, { recursive: true, force: true });
    }
  });
});

describe('class 11: loading the config is bounded', () => {
  /**
   * `limitMs`: PARALLEL_CONFIG_TIMEOUT_MS. Only the endless loop needs a short one to end; the
   * others end by themselves, and a short limit could run out first on a loaded machine (it did).
   */
  const withConfig = async (
    fixture: (options?: FixtureOptions) => Promise<Fixture>,
    source: string,
    limitMs = 30_000,
  ) => {
    const f = await fixture({ files: { 'parallel.config.mjs': source } });
    await git(f.repo, 'rm', '-q', 'parallel.config.json');
    await git(f.repo, 'commit', '-q', '-m', 'mjs config');
    return f.cli(['render', 't', '--json'], { PARALLEL_CONFIG_TIMEOUT_MS: String(limitMs) });
  };

  it('an endless loop stops with an error naming the file', LIMIT, async ({ fixture }) => {
    const result = await withConfig(fixture, 'while (true) {}\nexport default {};\n', 3_000);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('parallel.config.mjs did not finish loading within 3 s');
  });

  it('a top-level await that never settles is reported', LIMIT, async ({ fixture }) => {
    const result = await withConfig(fixture, 'await new Promise(() => {});\nexport default {};\n');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('parallel.config.mjs never finished loading');
  });

  it('process.exit(0) in the config is reported, not taken as success', LIMIT, async ({ fixture }) => {
    const result = await withConfig(fixture, 'process.exit(0);\nexport default {};\n');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('parallel.config.mjs called process.exit(0)');
  });

  it('console.log in the config goes to stderr, so --json output stays JSON', LIMIT, async ({ fixture }) => {
    const f = await fixture({
      files: {
        'parallel.config.mjs': `console.log('hello from the config');\nexport default ${JSON.stringify({
          agents: [{ name: 'fake', command: 'true', prompt: 'none' }],
          multiplexer: 'none',
        })};\n`,
      },
    });
    await git(f.repo, 'rm', '-q', 'parallel.config.json');
    await git(f.repo, 'commit', '-q', '-m', 'mjs config');
    const up = await f.cli(['up', 'j', '--no-attach', '--prompt', 'p', '--json']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout).task).toBe('j');
    expect(up.stderr).toContain('hello from the config');
  });
});

describe('class 12: pick lists the untracked files in its way', () => {
  it(
    'names every untracked file the merge would overwrite and changes nothing',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture();
      await upTask(f, 'u', 1); // the agent commits candidate-1.txt
      await writeFile(join(f.repo, 'candidate-1.txt'), 'mine, untracked\n');
      const head = await git(f.repo, 'rev-parse', 'HEAD');
      const pick = await f.cli(['pick', 'u', '1']);
      expect(pick.exitCode).not.toBe(0);
      expect(pick.stderr).toContain('candidate-1.txt');
      expect(pick.stderr).toContain('untracked or ignored');
      expect(await git(f.repo, 'rev-parse', 'HEAD')).toBe(head);
      expect(readFileSync(join(f.repo, 'candidate-1.txt'), 'utf8')).toBe('mine, untracked\n');
    },
  );
});

/** Every file under a worktree (not .git) → its bytes (hex) and mode; plus git's own view. */
async function worktreeBytes(wt: string) {
  const { readdir, lstat, readlink } = await import('node:fs/promises');
  const files: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const name of await readdir(dir)) {
      if (name === '.git') continue;
      const path = join(dir, name);
      const st = await lstat(path);
      if (st.isDirectory()) await walk(path);
      else if (st.isSymbolicLink()) files[path.slice(wt.length)] = `link ${await readlink(path)}`;
      else
        files[path.slice(wt.length)] =
          `${(st.mode & 0o777).toString(8)} ${(await readFile(path)).toString('hex')}`;
    }
  };
  await walk(wt);
  return {
    files,
    status: await git(wt, 'status', '--porcelain=v2', '--untracked-files=all', '--ignored'),
    // The index entries with their flags (intent-to-add, stages); stat data is the file system's.
    index: (await git(wt, 'ls-files', '--stage', '--debug'))
      .split('\n')
      .filter((line) => !/^\s*(ctime|mtime|dev):/.test(line))
      .join('\n'),
    head: await git(wt, 'rev-parse', 'HEAD'),
  };
}

const downForceAndRestore = async (f: Fixture, task: string) => {
  const down = await f.cli(['down', task, '--clean', '--force']);
  expect(down.exitCode, down.stderr).toBe(0);
  const restore = await f.cli(['restore', task]);
  expect(restore.exitCode, restore.stderr).toBe(0);
  return restore;
};

describe('class 1: uncommitted bytes come back exactly', () => {
  it(
    'a Latin-1 file, a binary, a symlink, an exec bit and an ignored file survive down --force and restore',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture({ files: { 'latin.txt': 'caf\n', '.gitignore': '*.log\n' } });
      await upTask(f, 'b', 1);
      const wt = f.worktree('b', 1);
      await writeFile(join(wt, 'latin.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a, 0xff, 0xfe]));
      await writeFile(join(wt, 'new\nline.bin'), Buffer.from([0, 1, 2, 0x80, 0xff]));
      await writeFile(join(wt, 'notes.log'), Buffer.from([0xe9, 0xe8]));
      const { symlink, chmod } = await import('node:fs/promises');
      await symlink('latin.txt', join(wt, 'link'));
      await writeFile(join(wt, 'run.sh'), '#!/bin/sh\n');
      await chmod(join(wt, 'run.sh'), 0o755);
      const before = await worktreeBytes(wt);
      await downForceAndRestore(f, 'b');
      expect(await worktreeBytes(wt)).toEqual(before);
    },
  );
});

describe('class 2: a worktree in the middle of a conflicted merge', () => {
  it('comes back still merging, with the same conflict stages and files', LIMIT, async ({ fixture }) => {
    const f = await fixture();
    await upTask(f, 'm', 1, { FAKE_AGENT_EDIT: 'shared' });
    const wt = f.worktree('m', 1);
    await git(wt, 'switch', '-q', '-c', 'side', 'main');
    await writeFile(join(wt, 'shared.txt'), 'side edit\n');
    await git(wt, 'commit', '-qam', 'side');
    await git(wt, 'switch', '-q', 'm-1');
    await git(wt, 'branch', '-q', '-f', 'side-keep', 'side');
    await run('git', ['merge', 'side'], { cwd: wt });
    await git(wt, 'switch', '-q', '--detach', 'side').catch(() => undefined); // refused mid-merge: stays
    const before = await worktreeBytes(wt);
    expect(before.status).toContain('u UU');
    await downForceAndRestore(f, 'm');
    expect(await worktreeBytes(wt)).toEqual(before);
    expect(existsSync(join(f.commonDir, 'worktrees', 'm-1', 'MERGE_HEAD'))).toBe(true);
    const abort = await run('git', ['merge', '--abort'], { cwd: wt });
    expect(abort.exitCode, abort.stderr).toBe(0);
  });
});

/** Task k with two candidates, untracked work in each of `inWorktrees`; → branch k-1's tip. */
async function taskWithWork(f: Fixture, inWorktrees: number[]): Promise<string> {
  await upTask(f, 'k', 2);
  for (const n of inWorktrees) await writeFile(join(f.worktree('k', n), `untracked-${n}.txt`), `work ${n}\n`);
  return git(f.repo, 'rev-parse', 'refs/heads/k-1');
}

/** `command` of task k, killed at its `point`th crash point (PARALLEL_TEST_CRASH_AFTER). */
async function killedAt(f: Fixture, point: number, command: string[]): Promise<void> {
  const killed = await f.cli(command, { PARALLEL_TEST_CRASH_AFTER: String(point) });
  expect(killed.exitCode).not.toBe(0);
}

const DOWN_FORCE = ['down', 'k', '--clean', '--force'];
const expectWork = (f: Fixture, n: number) =>
  expect(readFileSync(join(f.worktree('k', n), `untracked-${n}.txt`), 'utf8')).toBe(`work ${n}\n`);

describe('class 3: down --clean --force killed half-way, then run again', () => {
  it(
    'restore brings back every candidate from every run, with its untracked files',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture();
      await taskWithWork(f, [1, 2]);
      // Every snapshot first, then #1 removed (worktree and branch); killed before #2's removal.
      await killedAt(f, 4, DOWN_FORCE);
      expect(existsSync(f.worktree('k', 1))).toBe(false);
      const restore = await downForceAndRestore(f, 'k');
      expect(restore.stderr).toContain('Restored 2 candidate(s)');
      for (const n of [1, 2]) {
        expectWork(f, n);
        expect(readFileSync(join(f.worktree('k', n), `candidate-${n}.txt`), 'utf8')).toContain('was here');
      }
    },
  );

  // Kill points of #1: 2 its worktree moved aside, 3 its branch deleted (neither recorded yet),
  // 4 all done and recorded, but not the one prune at the end.
  it.for([2, 3, 4])(
    'restore right after a run killed at point %i brings back the candidate it was removing',
    LIMIT,
    async (point, { fixture }) => {
      const f = await fixture();
      const tip = await taskWithWork(f, [1]);
      await killedAt(f, point, DOWN_FORCE);
      expect(existsSync(f.worktree('k', 1))).toBe(false);
      const restore = await f.cli(['restore', 'k']);
      expect(restore.exitCode, restore.stderr).toBe(0);
      expectWork(f, 1);
      expect(await git(f.repo, 'rev-parse', 'refs/heads/k-1')).toBe(tip);
      const status = await f.cli(['status', 'k', '--json']);
      expect(JSON.parse(status.stdout).candidates.map((c: { index: number }) => c.index)).toEqual([1, 2]);
    },
  );

  it.for([2, 3])(
    'up after a run killed at point %i refuses to rebuild the candidate and names restore',
    LIMIT,
    async (point, { fixture }) => {
      const f = await fixture();
      await taskWithWork(f, [1]);
      await killedAt(f, point, DOWN_FORCE);
      const up = await f.cli(['up', 'k', '--mux', 'none', '--no-attach']);
      expect(up.exitCode).not.toBe(0);
      expect(up.stderr).toContain('`parallel restore k` brings it back');
      expect(existsSync(f.worktree('k', 1))).toBe(false);
      expect((await f.cli(['restore', 'k'])).exitCode).toBe(0);
      const again = await f.cli(['up', 'k', '--mux', 'none', '--no-attach']);
      expect(again.exitCode, again.stderr).toBe(0);
      expectWork(f, 1);
    },
  );

  it(
    'a restore killed after registering a worktree, before writing its files, is finished by the next restore',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture();
      await taskWithWork(f, [1, 2]);
      expect((await f.cli(DOWN_FORCE)).exitCode).toBe(0);
      await killedAt(f, 2, ['restore', 'k']);
      // #1 is restored and recorded; #2's worktree is registered but has none of its files yet.
      expect(existsSync(join(f.worktree('k', 2), 'untracked-2.txt'))).toBe(false);
      const again = await f.cli(['restore', 'k']);
      expect(again.exitCode, again.stderr).toBe(0);
      for (const n of [1, 2]) expectWork(f, n);
      expect(await git(f.repo, 'status', '--porcelain', '--untracked-files=no')).toBe('');
      expect(await git(f.worktree('k', 2), 'status', '--porcelain', '--untracked-files=no')).toBe('');
    },
  );

  it(
    'a run killed after deleting a branch, before recording it, leaves that snapshot to restore',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture();
      const tip = await taskWithWork(f, [1]);
      // Killed after #1's worktree was moved aside and its branch deleted, before the state write.
      await killedAt(f, 3, DOWN_FORCE);
      expect(await git(f.repo, 'branch', '--list', 'k-1')).toBe('');
      await downForceAndRestore(f, 'k');
      expect(await git(f.repo, 'rev-parse', 'refs/heads/k-1')).toBe(tip);
      expectWork(f, 1);
    },
  );
});

describe('class 9: half-done and damaged tasks stay visible', () => {
  it(
    'a failing post-checkout hook leaves a task that status sees and down --clean removes',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture();
      const hooks = join(f.repo, '.git', 'hooks');
      await mkdir(hooks, { recursive: true });
      await writeFile(join(hooks, 'post-checkout'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
      const up = await f.cli(['up', 'h', '--agents', '2', '--mux', 'none', '--no-attach', '--prompt', 'p']);
      expect(up.exitCode).not.toBe(0);
      const status = await f.cli(['status', 'h', '--json']);
      expect(status.exitCode, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout).candidates).toHaveLength(2);
      await rm(join(hooks, 'post-checkout'));
      const down = await f.cli(['down', 'h', '--clean']);
      expect(down.exitCode, down.stderr).toBe(0);
      expect(await git(f.repo, 'branch', '--list', 'h-*')).toBe('');
    },
  );

  it(
    'a corrupt state.json: status and down say so (not "no task"), and down stops its agents',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture();
      await upTask(f, 'c', 1, { FAKE_AGENT_STAY: '1' }, [], false);
      const runDir = join(f.commonDir, 'parallel', 'c', 'run');
      const { waitFor } = await import('./support/task-fixture.js');
      const pid = await waitFor(async () => {
        const record = await readFile(join(f.agentLog, 'starts.log'), 'utf8').catch(() => '');
        return record ? Number(await readFile(join(runDir, '1.pid'), 'utf8').catch(() => '0')) : 0;
      }, 'the agent to start');
      expect(pid).toBeGreaterThan(0);
      await writeFile(join(f.commonDir, 'parallel', 'c', 'state.json'), '{ corrupt');
      const status = await f.cli(['status', 'c']);
      expect(status.exitCode).not.toBe(0);
      expect(status.stderr).toContain('is unreadable');
      const down = await f.cli(['down', 'c']);
      expect(down.exitCode).not.toBe(0);
      expect(down.stderr).toContain('is unreadable');
      expect(down.stderr).toMatch(/Stopped \d+ process/);
      const { findProcesses } = await import('../src/proc/marked.js');
      const { taskId } = await import('../src/plan/plan.js');
      expect(findProcesses({ env: { PARALLEL_TASK_ID: taskId(f.commonDir, 'c') } })).toEqual([]);
      // The launcher too (it exports the marker only to its children).
      const { isRunning } = await import('../src/proc/stat.js');
      const launcherAlive = isRunning(pid);
      if (launcherAlive) process.kill(pid, 'SIGKILL');
      expect(launcherAlive).toBe(false);
    },
  );

  it(
    'up racing down --clean: whichever wins, a finished up has its state and launchers',
    LIMIT,
    async ({ fixture }) => {
      const f = await fixture();
      await upTask(f, 'r', 1, { FAKE_AGENT_EDIT: 'none' });
      const [down, up] = await Promise.all([
        f.cli(['down', 'r', '--clean']),
        f.cli(['up', 'r', '--agents', '1', '--mux', 'none', '--no-attach', '--prompt', 'p'], {
          FAKE_AGENT_EDIT: 'none',
        }),
      ]);
      expect(down.exitCode === 0 || down.stderr.includes('no task'), down.stderr).toBe(true);
      if (up.exitCode === 0) {
        const dir = join(f.commonDir, 'parallel', 'r');
        const state = existsSync(join(dir, 'state.json'));
        const launcher = existsSync(join(dir, 'launch', '1.sh'));
        // Either the up ran after the down (both there) or before it (the down then removed both).
        expect(state).toBe(launcher);
      }
      await f.cli(['down', 'r']);
    },
  );
});

describe('class 10: down stops processes that left the process group', () => {
  it('a setsid child of the agent is stopped before the snapshot is taken', LIMIT, async ({ fixture }) => {
    const f = await fixture();
    const script = join(f.tmp, 'agent.sh');
    await writeFile(
      script,
      `#!/bin/sh\nsetsid sh -c 'while true; do date +%s%N >> "$PWD/ticks.log"; sleep 0.05; done' </dev/null >/dev/null 2>&1 &\nsleep 1000\n`,
      { mode: 0o755 },
    );
    await writeFile(
      join(f.repo, 'parallel.config.json'),
      JSON.stringify({ agents: [{ name: 'bg', command: script, prompt: 'none' }], multiplexer: 'none' }),
    );
    await git(f.repo, 'commit', '-qam', 'bg agent');
    const up = await f.cli(['up', 's', '--no-attach']);
    expect(up.exitCode, up.stderr).toBe(0);
    const wt = f.worktree('s', 1);
    const { waitFor } = await import('./support/task-fixture.js');
    await waitFor(() => existsSync(join(wt, 'ticks.log')), 'the setsid child to write');
    const down = await f.cli(['down', 's', '--clean', '--force']);
    expect(down.exitCode, down.stderr).toBe(0);
    const { findProcesses } = await import('../src/proc/marked.js');
    const { taskId } = await import('../src/plan/plan.js');
    expect(findProcesses({ env: { PARALLEL_TASK_ID: taskId(f.commonDir, 's') } })).toEqual([]);
    expect(existsSync(wt)).toBe(false); // nothing wrote into it after the snapshot
    const restore = await f.cli(['restore', 's']);
    expect(restore.exitCode, restore.stderr).toBe(0);
    expect(readFileSync(join(wt, 'ticks.log'), 'utf8').length).toBeGreaterThan(0);
  });
});

describe('class 12b: intent-to-add files', () => {
  it('come back from restore still intent-to-add', LIMIT, async ({ fixture }) => {
    const f = await fixture();
    await upTask(f, 'n', 1);
    const wt = f.worktree('n', 1);
    await writeFile(join(wt, 'planned.txt'), 'soon\n');
    await git(wt, 'add', '-N', 'planned.txt');
    const before = await worktreeBytes(wt);
    expect(before.status).toContain('.A N...');
    await downForceAndRestore(f, 'n');
    expect(await worktreeBytes(wt)).toEqual(before);
  });
});
