import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { git } from './run.js';

export interface Repo {
  /** The main worktree (where parallel.config.ts lives). */
  root: string;
  name: string;
  /** The shared .git directory, the same from every worktree. */
  commonDir: string;
  /** Top of the worktree the command ran in. */
  cwdTop: string;
}

export async function findRepo(cwd: string): Promise<Repo> {
  const result = await git(cwd, [
    'rev-parse',
    '--path-format=absolute',
    '--show-toplevel',
    '--git-common-dir',
  ]);
  if (result.exitCode !== 0) {
    throw new UserError(
      `${cwd} is not inside a git repository. git-parallel creates one worktree per agent, so run it inside a repository (or create one with \`git init && git commit --allow-empty -m init\`).`,
    );
  }
  let [cwdTop, commonDir, extra] = result.stdout.replace(/\n$/, '').split('\n');
  if (extra !== undefined) {
    // A path with a newline in it: ask for each path on its own, so no line split can misplace it.
    const one = async (flag: string) =>
      (await git(cwd, ['rev-parse', '--path-format=absolute', flag])).stdout.replace(/\n$/, '');
    [cwdTop, commonDir] = [await one('--show-toplevel'), await one('--git-common-dir')];
  }
  if (!cwdTop || !commonDir) {
    throw new UserError(
      `${cwd} is inside a bare repository or a .git directory; run git-parallel from a working tree.`,
    );
  }
  const root = basename(commonDir) === '.git' ? dirname(commonDir) : cwdTop;
  return { root, name: basename(root), commonDir: resolve(commonDir), cwdTop };
}

export interface BaseCommit {
  ref: string;
  commit: string;
  /** The branch the base ref names or HEAD is on, if any: where `pick` brings a candidate. */
  branch?: string;
}

export async function resolveBase(repo: Repo, ref: string): Promise<BaseCommit> {
  // One git call when all is well; the ones below only to say exactly what is wrong.
  if (!ref.startsWith('-')) {
    const all = await git(repo.root, [
      'rev-parse',
      'HEAD^{commit}',
      `${ref}^{commit}`,
      '--symbolic-full-name',
      ref,
    ]);
    const [head, commit, full = ''] = all.stdout.trim().split('\n');
    if (all.exitCode === 0 && head && commit) {
      const branch = full.startsWith('refs/heads/') ? full.slice('refs/heads/'.length) : undefined;
      return { ref, commit, branch };
    }
  }
  const head = await git(repo.root, ['rev-parse', '--verify', '-q', 'HEAD']);
  if (head.exitCode !== 0) {
    throw new UserError(
      `The repository at ${repo.root} has no commits yet, so there is no base commit for the candidates. Make a first commit (\`git commit --allow-empty -m init\`) and run again.`,
    );
  }
  const result = await git(repo.root, ['rev-parse', '--verify', '-q', '--end-of-options', `${ref}^{commit}`]);
  if (result.exitCode !== 0) {
    throw new UserError(
      `The base ref "${ref}" does not exist in ${repo.root}. Pass an existing branch, tag or commit with --base (or worktrees.base in the config); \`git branch -a\` lists branches.`,
    );
  }
  const commit = result.stdout.trim();
  const symbolic = await git(repo.root, ['rev-parse', '--verify', '-q', '--symbolic-full-name', ref]);
  const full = symbolic.stdout.trim();
  const branch = full.startsWith('refs/heads/') ? full.slice('refs/heads/'.length) : undefined;
  return { ref, commit, branch };
}
