/**
 * The worktree pool through the built CLI: `up` takes a pooled checkout of an older base and
 * the result is the same as a fresh worktree (files, modes, symlinks, HEAD, the index entry by
 * entry); an entry with changes is never taken nor drained; `pool: { size }` refills behind `up`.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeAgent, makeRepo, type TestRepo } from './support/repo.js';
import { waitFor } from './support/wait.js';

let repo: TestRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

const AGENT = fakeAgent({ env: { FAKE_AGENT_EDIT: 'none' } });

/** A repository whose HEAD (main) differs from main~1 in every way a checkout can differ. */
async function twoCommits(pool?: { size: number }): Promise<TestRepo> {
  const r = await makeRepo({ config: { agents: [AGENT], multiplexer: 'none', ...(pool ? { pool } : {}) } });
  const write = (name: string, text: string) => writeFileSync(join(r.dir, name), text);
  for (let i = 0; i < 20; i++) write(`file${i}.txt`, `line ${i}\n`);
  write('run.sh', '#!/bin/sh\necho run\n');
  r.git(['update-index', '--add', '--chmod=+x', 'run.sh']);
  r.git(['add', '-A']);
  r.git(['commit', '-q', '-m', 'older base']);
  write('file1.txt', 'changed\n');
  write('added.txt', 'new\n');
  r.git(['rm', '-q', 'file2.txt']);
  r.git(['update-index', '--chmod=-x', 'run.sh']);
  r.git(['add', '-A']);
  r.git(['commit', '-q', '-m', 'newer base']);
  return r;
}

const cli = async (r: TestRepo, ...args: string[]) => {
  const result = await r.run(args);
  expect(result.code, `parallel ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result;
};
const up = (r: TestRepo, task: string) => cli(r, 'up', task, '--agents', '1', '--no-attach', '--prompt', 'p');
const readyEntries = async (r: TestRepo) =>
  JSON.parse((await cli(r, 'pool', 'status', '--json')).stdout).ready.length as number;

/** Every path under `dir` (but `.git`) with its type, mode and content or link target. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    if (name === '.git') continue;
    const path = join(dir, name);
    const stat = lstatSync(path);
    const what = stat.isSymbolicLink()
      ? `link ${readlinkSync(path)}`
      : stat.isDirectory()
        ? 'dir'
        : `file ${readFileSync(path, 'base64')}`;
    out[relative(dir, path)] = `${(stat.mode & 0o777).toString(8)} ${what}`;
  }
  return out;
}

/**
 * The index file without what only says when and where a file was written: each entry's ctime,
 * mtime, device, inode and size, and the trailing checksum over them. Those differ between any
 * two checkouts (and git zeroes the size of an entry written in the same second as the index,
 * "racily clean", which depends on timing); everything else (header, entry count, mode, uid, gid,
 * object id, flags, path, and the extensions such as the cache tree) is compared byte for byte.
 */
function indexWithoutStat(file: string): Buffer {
  const index = Buffer.from(readFileSync(file));
  expect(index.subarray(0, 4).toString()).toBe('DIRC');
  const version = index.readUInt32BE(4);
  expect(version, 'index version (v4 compresses paths and is not parsed here)').toBeLessThan(4);
  const count = index.readUInt32BE(8);
  let at = 12;
  for (let i = 0; i < count; i++) {
    index.fill(0, at, at + 24); // ctime, mtime, dev, ino
    index.fill(0, at + 36, at + 40); // size
    const flags = index.readUInt16BE(at + 60);
    const fixed = 62 + (flags & 0x4000 ? 2 : 0);
    const pathLength = index.indexOf(0, at + fixed) - (at + fixed);
    at += Math.ceil((fixed + pathLength + 1) / 8) * 8;
  }
  return index.subarray(0, index.length - 20);
}

const gitFile = (r: TestRepo, worktree: string, name: string) =>
  r.git(['rev-parse', '--path-format=absolute', '--git-path', name], worktree).trim();

describe('worktree pool', { timeout: 240_000 }, () => {
  it('up takes a pooled checkout of an older base; it matches a fresh worktree file for file and in its index', async () => {
    repo = await twoCommits();
    const r = repo;
    await cli(r, 'pool', 'fill', '--size', '2', '--base', 'main~1');
    expect(await readyEntries(r)).toBe(2);
    await up(r, 'pooled');
    expect(await readyEntries(r), 'one entry taken').toBe(1);
    await cli(r, 'pool', 'drain');
    expect(await readyEntries(r)).toBe(0);
    await up(r, 'fresh');

    const pooled = r.worktree('pooled', 1);
    const fresh = r.worktree('fresh', 1);
    expect(tree(pooled)).toEqual(tree(fresh));
    expect(readFileSync(join(pooled, '.git'), 'utf8')).toBe(
      readFileSync(join(fresh, '.git'), 'utf8').replace('fresh-1', 'pooled-1'),
    );
    expect(r.git(['rev-parse', 'HEAD'], pooled)).toBe(r.git(['rev-parse', 'main']));
    expect(r.git(['symbolic-ref', 'HEAD'], pooled).trim()).toBe('refs/heads/pooled-1');
    expect(r.git(['status', '--porcelain', '--untracked-files=all', '--ignored'], pooled)).toBe('');
    expect(r.git(['ls-files', '-s', '--debug'], pooled).replace(/\s+(ctime|mtime|dev|size):.*$/gm, '')).toBe(
      r.git(['ls-files', '-s', '--debug'], fresh).replace(/\s+(ctime|mtime|dev|size):.*$/gm, ''),
    );
    expect(
      indexWithoutStat(gitFile(r, pooled, 'index')).equals(indexWithoutStat(gitFile(r, fresh, 'index'))),
    ).toBe(true);
  });

  it('an entry with changes is neither taken nor drained', async () => {
    repo = await twoCommits();
    const r = repo;
    await cli(r, 'pool', 'fill', '--size', '1');
    const { ready } = JSON.parse((await cli(r, 'pool', 'status', '--json')).stdout);
    const entry = ready[0].path as string;
    writeFileSync(join(entry, 'notes.txt'), 'someone wrote here\n');
    await up(r, 't');
    expect(existsSync(join(r.worktree('t', 1), 'notes.txt')), 'the fresh worktree has no stray file').toBe(
      false,
    );
    expect(JSON.parse((await cli(r, 'pool', 'status', '--json')).stdout).ready[0].path).toBe(entry);
    expect(readFileSync(join(entry, 'notes.txt'), 'utf8')).toBe('someone wrote here\n');
    const drain = await r.run(['pool', 'drain']);
    expect(drain.code).toBe(1);
    expect(drain.stderr).toContain(entry);
    expect(readFileSync(join(entry, 'notes.txt'), 'utf8')).toBe('someone wrote here\n');
  });

  it('with pool.size in the config, up refills the pool in the background', async () => {
    repo = await twoCommits({ size: 2 });
    const r = repo;
    await up(r, 't');
    // No timing: wait until the background fill has made both entries and let go of its lock.
    await waitFor(async () => (await readyEntries(r)) === 2 && !lockHeld(r), {
      timeout: 60_000,
      message: 'the pool refilled',
    });
    await cli(r, 'up', 'u', '--agents', '2', '--no-attach', '--prompt', 'p');
    expect(r.git(['rev-parse', '--git-dir'], r.worktree('u', 2))).toContain('/worktrees/u-2');
    await waitFor(async () => (await readyEntries(r)) === 2 && !lockHeld(r), {
      timeout: 60_000,
      message: 'the pool refilled again',
    });
  });
});

function lockHeld(r: TestRepo): boolean {
  try {
    readFileSync(join(r.parent, 'repo-worktrees', '.pool', '.lock'));
    return true;
  } catch {
    return false;
  }
}
