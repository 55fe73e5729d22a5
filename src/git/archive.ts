import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CleanFacts } from '../engine/clean-plan.js';
import { readTail } from '../logs/tail.js';
import { archiveDir } from '../plan/paths.js';
import { writeFileAtomic } from '../task/state.js';
import { isAncestor } from './diff.js';
import type { BaseCommit } from './repo.js';
import { git, gitOk } from './run.js';

/** `<git-common-dir>/parallel/archive/<task>-<timestamp>/manifest.json`, written last. */
export interface ArchiveManifest {
  version: 1;
  task: string;
  createdAt: string;
  repoRoot: string;
  base: BaseCommit;
  /** `branches.bundle` (verified with `git bundle verify`), or null when no commit needed one. */
  bundle: string | null;
  candidates: ArchivedCandidate[];
}

export interface ArchivedCandidate {
  index: number;
  label: string;
  branch: string;
  worktree: string;
  /** Branch tip when archived (null: the branch was already gone). */
  commit: string | null;
  /** The worktree's own HEAD when it was not on the branch (kept in the bundle under `ref`). */
  detachedHead: { commit: string; ref: string } | null;
  /** Patch files (relative to the archive dir): index vs HEAD, and worktree vs index. */
  staged: string | null;
  unstaged: string | null;
  /** Untracked paths, copied under `<n>/untracked/`. */
  untracked: string[];
  /** The candidate's entry in state.json, so restore records it again. */
  record: Record<string, unknown>;
  /** On another machine: its host, the ref (in the bundle) of its branch's commits, and its saved files as a commit on its HEAD. */
  host?: string;
  ref?: string;
  wip?: { commit: string; ref: string } | null;
}

export const MANIFEST = 'manifest.json';

/**
 * Saves every branch (git bundle) and every uncommitted and untracked file, plus the task's
 * state files, then verifies the bundle. Throws before anything is removed if any step fails.
 */
export async function createArchive(input: {
  commonDir: string;
  repoRoot: string;
  task: string;
  base: BaseCommit;
  stateDir: string;
  candidates: { facts: CleanFacts; record: Record<string, unknown> }[];
}): Promise<{ dir: string; manifest: ArchiveManifest }> {
  const { repoRoot, base } = input;
  const dir = await freshDir(archiveDir(input.commonDir), `${input.task}-${timestamp()}`);
  const archived: ArchivedCandidate[] = [];
  for (const { facts: f, record } of input.candidates) {
    const sub = join(dir, String(f.index));
    await mkdir(sub, { recursive: true });
    let staged: string | null = null;
    let unstaged: string | null = null;
    let detachedHead: ArchivedCandidate['detachedHead'] = null;
    if (f.worktreeExists) {
      staged = await savePatch(f.worktree, ['diff', '--cached', '--binary', '--full-index'], sub, 'staged');
      unstaged = await savePatch(f.worktree, ['diff', '--binary', '--full-index'], sub, 'unstaged');
      for (const path of f.untracked) {
        await cp(join(f.worktree, path), join(sub, 'untracked', path), {
          recursive: true,
          verbatimSymlinks: true,
          preserveTimestamps: true,
        });
      }
      if (f.worktreeHead && (f.worktreeBranch !== f.branch || f.worktreeHead !== f.head)) {
        detachedHead = { commit: f.worktreeHead, ref: `refs/parallel-archive/${input.task}/${f.index}` };
      }
    }
    archived.push({
      ...(f.host ? { host: f.host, ref: f.ref, wip: f.wip ?? null } : {}),
      index: f.index,
      label: f.label,
      branch: f.branch,
      worktree: f.worktree,
      commit: f.head,
      detachedHead,
      staged: staged && `${f.index}/${staged}`,
      unstaged: unstaged && `${f.index}/${unstaged}`,
      untracked: f.untracked,
      record,
    });
  }
  const bundle = await createBundle(repoRoot, base.commit, archived, join(dir, 'branches.bundle'));
  await cp(input.stateDir, join(dir, 'state'), {
    recursive: true,
    filter: (src) => !/[/\\](lock|run|logs)$/.test(src),
  }).catch(() => undefined);
  await archiveLogTails(join(input.stateDir, 'logs'), join(dir, 'state', 'logs'));
  const manifest: ArchiveManifest = {
    version: 1,
    task: input.task,
    createdAt: new Date().toISOString(),
    repoRoot,
    base,
    bundle: bundle ? 'branches.bundle' : null,
    candidates: archived,
  };
  await verifyArchive(repoRoot, dir, manifest);
  await writeFileAtomic(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest };
}

async function savePatch(worktree: string, args: string[], dir: string, name: string) {
  const patch = await gitOk(worktree, [...args, '--no-ext-diff', '--no-color']);
  if (!patch) return null;
  await writeFile(join(dir, `${name}.patch`), patch);
  return `${name}.patch`;
}

/**
 * One bundle with every archived branch (and detached worktree HEAD). It is thin (the base
 * commit is a prerequisite) when a ref that stays, such as the base branch, still holds the
 * base commit; otherwise it carries the whole history.
 */
async function createBundle(
  root: string,
  baseCommit: string,
  archived: ArchivedCandidate[],
  file: string,
): Promise<boolean> {
  const refs: string[] = [];
  for (const c of archived) {
    if (c.commit) refs.push(branchRef(c));
    if (c.wip) refs.push(c.wip.ref);
    if (c.detachedHead) {
      await gitOk(root, ['update-ref', c.detachedHead.ref, c.detachedHead.commit]);
      refs.push(c.detachedHead.ref);
    }
  }
  if (!refs.length) return false;
  const leaving = new Set(refs);
  const holders = (await gitOk(root, ['for-each-ref', '--contains', baseCommit, '--format=%(refname)']))
    .split('\n')
    .filter((r) => r && !leaving.has(r) && !r.startsWith('refs/parallel-archive/'));
  const thin = holders.length > 0;
  // A ref already inside the base adds nothing to a thin bundle; git refuses it, so skip it.
  const needed: string[] = [];
  for (const ref of refs) if (!thin || !(await isAncestor(root, ref, baseCommit))) needed.push(ref);
  try {
    if (!needed.length) return false;
    await gitOk(root, ['bundle', 'create', '--quiet', file, ...needed, ...(thin ? [`^${baseCommit}`] : [])]);
    return true;
  } finally {
    for (const c of archived) if (c.detachedHead) await git(root, ['update-ref', '-d', c.detachedHead.ref]);
  }
}

/** `git bundle verify`, every branch tip recoverable, every saved file present. */
export async function verifyArchive(root: string, dir: string, manifest: ArchiveManifest): Promise<void> {
  const heads = new Map<string, string>();
  if (manifest.bundle) {
    const file = join(dir, manifest.bundle);
    const verify = await git(root, ['bundle', 'verify', '--quiet', file]);
    if (verify.exitCode !== 0) {
      throw new Error(`git bundle verify ${file} failed: ${verify.stderr.trim() || verify.stdout.trim()}`);
    }
    for (const line of (await gitOk(root, ['bundle', 'list-heads', file])).split('\n')) {
      const [commit, ref] = line.split(' ');
      if (commit && ref) heads.set(ref, commit);
    }
  }
  for (const c of manifest.candidates) {
    const wanted: [string, string][] = [];
    if (c.commit) wanted.push([branchRef(c), c.commit]);
    if (c.wip) wanted.push([c.wip.ref, c.wip.commit]);
    if (c.detachedHead) wanted.push([c.detachedHead.ref, c.detachedHead.commit]);
    for (const [ref, commit] of wanted) {
      const inBundle = heads.get(ref) === commit;
      if (!inBundle && !(await isAncestor(root, commit, manifest.base.commit))) {
        throw new Error(`the archive does not hold ${ref} at ${commit}`);
      }
    }
    for (const patch of [c.staged, c.unstaged]) if (patch) await stat(join(dir, patch));
    for (const path of c.untracked) await stat(join(dir, String(c.index), 'untracked', path));
  }
}

/** The ref that holds a candidate's commits here: its branch, or the fetched ref of a remote one. */
export const branchRef = (c: Pick<ArchivedCandidate, 'branch' | 'ref'>) => c.ref ?? `refs/heads/${c.branch}`;

/** The newest complete archive (one with a manifest) of a task, or undefined. */
export async function latestArchive(
  commonDir: string,
  task: string,
): Promise<{ dir: string; manifest: ArchiveManifest } | undefined> {
  const root = archiveDir(commonDir);
  const pattern = new RegExp(`^${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{8}-\\d{6}(-\\d+)?$`);
  const names = (await readdir(root).catch(() => [] as string[])).filter((n) => pattern.test(n)).sort();
  for (const name of names.reverse()) {
    const text = await readFile(join(root, name, MANIFEST), 'utf8').catch(() => undefined);
    if (!text) continue;
    const manifest = JSON.parse(text) as ArchiveManifest;
    if (manifest.version === 1 && manifest.task === task) return { dir: join(root, name), manifest };
  }
  return undefined;
}

const timestamp = () => new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

async function freshDir(parent: string, name: string): Promise<string> {
  await mkdir(parent, { recursive: true });
  for (let i = 0; ; i++) {
    const dir = join(parent, i ? `${name}-${i}` : name);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Logs can be huge: an archive keeps the end of each (its newest output), never a whole log. */
export const ARCHIVED_LOG_BYTES = 1024 * 1024;

/** Copies the tail of each `.log` in `from` into `to` (made only when there is one). */
export async function archiveLogTails(from: string, to: string): Promise<void> {
  const names = await readdir(from).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.log'))) {
    const tail = await readTail(join(from, name), ARCHIVED_LOG_BYTES);
    if (!tail) continue;
    await mkdir(to, { recursive: true });
    await writeFile(
      join(to, name),
      tail.cut ? `[git-parallel: only the last part of this log was archived]\n${tail.text}` : tail.text,
    );
  }
}
