import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type IgnoredFile, ignoredWork, splitZ, under } from './ignored.js';
import { lastHead } from './reflog.js';
import { git, gitBytes, gitOk } from './run.js';

/**
 * A worktree's whole uncommitted state as one commit under `refs/parallel/<task>/archive/`,
 * made with a private object stream (`git fast-import`): the worktree, the user's index and
 * the branch are never touched. Tree of the commit:
 *   files/      every file as it is on disk: tracked (changed or not), untracked, and ignored
 *               files that are work (not untouched copies of the main worktree's), with their
 *               modes and symlinks, bytes exactly as read (no filters, no encoding)
 *   index       the worktree's index file, byte for byte (staged changes, intent-to-add,
 *               conflict stages)
 *   git/        merge, cherry-pick, revert and rebase state of the worktree
 *   info.json   what the candidate was (see SnapshotInfo)
 * Parents: the branch tip, the worktree HEAD and MERGE_HEAD & co, so every commit they name
 * stays reachable through the snapshot ref alone.
 */
export interface SnapshotInfo {
  version: 1;
  task: string;
  index: number;
  branch: string;
  worktree: string;
  createdAt: string;
  /** Tip of the candidate branch (null: it was gone). */
  branchTip: string | null;
  /** The worktree: null when it was already gone. */
  tree: { head: string | null; symbolicHead: string | null } | null;
  /** The candidate's entry in state.json, so restore records it again. */
  record: Record<string, unknown>;
  /** The task's state.json (without candidates) and prompt, for a restore after the task is gone. */
  task_state?: Record<string, unknown>;
  prompt?: string;
}

export const ARCHIVE_NS = (task: string) => `refs/parallel/${task}/archive/`;
export const RESTORED_NS = (task: string) => `refs/parallel/${task}/restored/`;

/** Files in the worktree's git dir that make up an operation in progress. */
const STATE_FILES = ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'AUTO_MERGE', 'SQUASH_MSG', 'ORIG_HEAD'];
const STATE_HEADS = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD'];
const STATE_DIRS = ['rebase-merge', 'rebase-apply', 'sequencer'];

interface Entry {
  path: Buffer;
  mode: string;
  data: Buffer;
}

export interface TakeInput {
  root: string;
  task: string;
  index: number;
  branch: string;
  worktree: string;
  worktreeExists: boolean;
  branchTip: string | null;
  record: Record<string, unknown>;
  taskState?: Record<string, unknown>;
  prompt?: string;
  /** The worktree's ignored work, when the caller listed it after its agents stopped. */
  ignored?: IgnoredFile[];
}

/** Writes the snapshot, reads every byte back and compares; → the ref. Throws if anything differs. */
export async function takeSnapshot(input: TakeInput): Promise<string> {
  const { root } = input;
  const info: SnapshotInfo = {
    version: 1,
    task: input.task,
    index: input.index,
    branch: input.branch,
    worktree: input.worktree,
    createdAt: new Date().toISOString(),
    branchTip: input.branchTip,
    tree: null,
    record: input.record,
    task_state: input.taskState,
    prompt: input.prompt,
  };
  const parents = new Set<string>(input.branchTip ? [input.branchTip] : []);
  let files: Entry[] = [];
  let deleted: Buffer[] = [];
  let headTree: string | undefined;
  const meta: Entry[] = [];
  if (input.worktreeExists) {
    const wt = input.worktree;
    // Both only read: side by side.
    const [where, changed] = await Promise.all([
      worktreeHead(root, wt),
      changedFiles(wt, root, input.ignored),
    ]);
    const { gitDir, head, lost } = where;
    info.tree = { head: head ?? lost ?? null, symbolicHead: where.symbolicHead };
    headTree = where.headTree;
    if (head) parents.add(head);
    if (lost) parents.add(lost);
    ({ files, deleted } = changed);
    const indexFile = await readFile(join(gitDir, 'index')).catch(() => undefined);
    if (indexFile) meta.push({ path: Buffer.from('index'), mode: '100644', data: indexFile });
    for (const name of [...STATE_FILES, ...STATE_HEADS]) {
      const data = await readFile(join(gitDir, name)).catch(() => undefined);
      if (data) meta.push({ path: Buffer.from(`git/${name}`), mode: '100644', data });
      if (data && STATE_HEADS.includes(name)) {
        for (const id of data.toString('latin1').split(/\s+/)) if (await commitOf(root, id)) parents.add(id);
      }
    }
    for (const dir of STATE_DIRS) meta.push(...(await readTree(join(gitDir, dir), `git/${dir}`)));
  }
  meta.push({
    path: Buffer.from('info.json'),
    mode: '100644',
    data: Buffer.from(JSON.stringify(info, null, 2)),
  });
  const ref = `${ARCHIVE_NS(input.task)}${input.index}/${Date.now()}`;
  await gitBytes(root, ['fast-import', '--quiet', '--done'], {
    input: importStream(ref, [...parents], headTree, files, deleted, meta, input),
  });
  await verifySnapshot(root, ref, files, deleted, meta);
  return ref;
}

/** The worktree's git dir, HEAD commit and tree, and the branch HEAD names (null: detached). */
async function worktreeHead(root: string, wt: string) {
  // One git call when HEAD is a commit, as it nearly always is.
  const all = await git(wt, [
    'rev-parse',
    '--absolute-git-dir',
    'HEAD^{commit}',
    'HEAD^{tree}',
    '--symbolic-full-name',
    'HEAD',
  ]);
  const [gitDir = '', head = '', headTree = '', symbolic = ''] = all.stdout.split('\n');
  if (all.exitCode === 0 && symbolic) {
    return { gitDir, head, headTree, lost: undefined, symbolicHead: symbolic === 'HEAD' ? null : symbolic };
  }
  const dir = (await gitOk(wt, ['rev-parse', '--absolute-git-dir'])).trim();
  // Its branch deleted under it: the commit the worktree was on, from its own HEAD reflog (kept
  // as a parent; the files come from the index and disk, which status then lists in full).
  const lost = await lastHead(root, dir);
  const named = await git(wt, ['symbolic-ref', '-q', 'HEAD']);
  const symbolicHead = named.exitCode === 0 ? named.stdout.trim() : null;
  return { gitDir: dir, head: undefined, headTree: undefined, lost, symbolicHead };
}

/** Tracked files that differ from HEAD, untracked files and ignored work, read from disk. */
async function changedFiles(
  wt: string,
  root: string,
  listed?: IgnoredFile[],
): Promise<{ files: Entry[]; deleted: Buffer[] }> {
  const [status, ignored] = await Promise.all([
    gitBytes(wt, ['status', '--porcelain=v2', '-z', '--untracked-files=all', '--no-renames']),
    listed ?? ignoredWork(wt, root),
  ]);
  const paths: Buffer[] = [];
  for (const entry of splitZ(status)) {
    const kind = String.fromCharCode(entry[0]!);
    if (kind === '1') paths.push(field(entry, 8));
    else if (kind === 'u') paths.push(field(entry, 10));
    else if (kind === '?') paths.push(entry.subarray(2));
  }
  for (const f of ignored) paths.push(f.path);
  const files: Entry[] = [];
  const deleted: Buffer[] = [];
  for (const path of paths) {
    const entry = await readEntry(under(wt, path), path);
    if (entry === 'missing') deleted.push(path);
    else if (entry) files.push(entry);
  }
  return { files, deleted };
}

/** The rest of a porcelain v2 entry after `n` space-separated fields. */
function field(entry: Buffer, n: number): Buffer {
  let at = 0;
  for (let i = 0; i < n; i++) at = entry.indexOf(0x20, at) + 1;
  return entry.subarray(at);
}

async function readEntry(file: Buffer, path: Buffer): Promise<Entry | 'missing' | undefined> {
  const stat = await lstat(file).catch(() => undefined);
  if (!stat) return 'missing';
  if (stat.isSymbolicLink()) return { path, mode: '120000', data: await readlink(file, 'buffer') };
  if (!stat.isFile()) return undefined; // a directory (submodule) or a special file: not content
  return { path, mode: stat.mode & 0o100 ? '100755' : '100644', data: await readFile(file) };
}

async function readTree(dir: string, prefix: string): Promise<Entry[]> {
  const names = await readdir(dir).catch(() => undefined);
  if (!names) return [];
  const out: Entry[] = [];
  for (const name of names) {
    const entry = await readEntry(Buffer.from(join(dir, name)), Buffer.from(`${prefix}/${name}`));
    if (entry && entry !== 'missing') out.push(entry);
    else if (entry === undefined) out.push(...(await readTree(join(dir, name), `${prefix}/${name}`)));
  }
  return out;
}

function importStream(
  ref: string,
  parents: string[],
  headTree: string | undefined,
  files: Entry[],
  deleted: Buffer[],
  meta: Entry[],
  input: TakeInput,
): Buffer {
  const message = Buffer.from(`parallel: snapshot of candidate ${input.index} of task ${input.task}\n`);
  const chunks: Buffer[] = [
    Buffer.from(
      `commit ${ref}\ncommitter git-parallel <git-parallel@localhost> ${Math.floor(Date.now() / 1000)} +0000\n`,
    ),
    Buffer.from(`data ${message.length}\n`),
    message,
    Buffer.from(parents.map((p, i) => `${i === 0 ? 'from' : 'merge'} ${p}\n`).join('')),
    Buffer.from('deleteall\n'),
  ];
  if (headTree) chunks.push(Buffer.from(`M 040000 ${headTree} files\n`));
  for (const path of deleted)
    chunks.push(Buffer.from('D '), quote(Buffer.concat([Buffer.from('files/'), path])), NL);
  for (const e of files)
    chunks.push(...modify({ ...e, path: Buffer.concat([Buffer.from('files/'), e.path]) }));
  for (const e of meta) chunks.push(...modify(e));
  chunks.push(Buffer.from('\ndone\n'));
  return Buffer.concat(chunks);
}

const NL = Buffer.from('\n');
const modify = (e: Entry) => [
  Buffer.from(`M ${e.mode} inline `),
  quote(e.path),
  Buffer.from(`\ndata ${e.data.length}\n`),
  e.data,
  NL,
];

/** fast-import's C-style quoted path: any byte but `"`, `\` and controls as is, those escaped. */
export function quote(path: Buffer): Buffer {
  let out = '"';
  for (const byte of path) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return Buffer.from(`${out}"`, 'latin1');
}

/** Every written file read back from git and compared byte for byte; every deleted one absent. */
async function verifySnapshot(root: string, ref: string, files: Entry[], deleted: Buffer[], meta: Entry[]) {
  const tree = await readSnapshotTree(root, ref);
  const expect = [
    ...files.map((e) => ({ ...e, path: Buffer.concat([Buffer.from('files/'), e.path]) })),
    ...meta,
  ];
  const blobs = await readBlobs(
    root,
    expect.map((e) => tree.get(e.path.toString('latin1'))?.id ?? '0'.repeat(40)),
  );
  expect.forEach((e, i) => {
    const stored = tree.get(e.path.toString('latin1'));
    if (!stored || stored.mode !== e.mode || !blobs[i]?.equals(e.data)) {
      throw new Error(`the snapshot ${ref} does not hold ${e.path.toString()} exactly as it is on disk`);
    }
  });
  for (const path of deleted) {
    if (tree.has(`files/${path.toString('latin1')}`))
      throw new Error(`the snapshot ${ref} holds a deleted file`);
  }
}

/** Path (latin1 string of its bytes) → mode and blob id, for the whole snapshot commit. */
export async function readSnapshotTree(
  root: string,
  ref: string,
): Promise<Map<string, { mode: string; id: string }>> {
  const out = await gitBytes(root, ['ls-tree', '-r', '-z', '--full-tree', ref]);
  const map = new Map<string, { mode: string; id: string }>();
  for (const entry of splitZ(out)) {
    const tab = entry.indexOf(0x09);
    const [mode = '', , id = ''] = entry.subarray(0, tab).toString('latin1').split(' ');
    map.set(entry.subarray(tab + 1).toString('latin1'), { mode, id });
  }
  return map;
}

/** Blob contents by id, in order (`git cat-file --batch`); undefined for a missing object. */
export async function readBlobs(root: string, ids: string[]): Promise<(Buffer | undefined)[]> {
  if (!ids.length) return [];
  const out = await gitBytes(root, ['cat-file', '--batch'], { input: Buffer.from(`${ids.join('\n')}\n`) });
  const blobs: (Buffer | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    const end = out.indexOf(0x0a, at);
    const header = out.subarray(at, end).toString('latin1').split(' ');
    if (header[1] === 'missing' || header.length < 3) {
      blobs.push(undefined);
      at = end + 1;
      continue;
    }
    const size = Number(header[2]);
    blobs.push(out.subarray(end + 1, end + 1 + size));
    at = end + 1 + size + 1;
  }
  return blobs;
}

async function commitOf(cwd: string, rev: string): Promise<string | undefined> {
  if (!rev) return undefined;
  const result = await git(cwd, ['rev-parse', '--verify', '-q', '--end-of-options', `${rev}^{commit}`]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * A copy of the task's snapshots (with the commits they need) as one verified `git bundle`
 * outside the object store: `git fetch <file> 'refs/parallel/*:refs/parallel/*'` brings them
 * back even into a fresh clone. Thin (the base commit as prerequisite) when a branch that stays
 * holds the base.
 */
export async function bundleSnapshots(
  root: string,
  task: string,
  file: string,
  base: string,
  baseBranch?: string,
) {
  const [listed, inBase] = await Promise.all([
    gitOk(root, ['for-each-ref', '--format=%(refname)', ARCHIVE_NS(task)]),
    baseBranch ? git(root, ['merge-base', '--is-ancestor', base, `refs/heads/${baseBranch}`]) : undefined,
  ]);
  const refs = listed.split('\n').filter(Boolean);
  if (!refs.length) return false;
  const keeps = inBase?.exitCode === 0;
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(file, '..'), { recursive: true });
  await gitOk(root, ['bundle', 'create', '--quiet', file, ...refs, ...(keeps ? [`^${base}`] : [])]);
  const verify = await git(root, ['bundle', 'verify', '--quiet', file]);
  if (verify.exitCode !== 0) throw new Error(`git bundle verify ${file} failed: ${verify.stderr.trim()}`);
  return true;
}
