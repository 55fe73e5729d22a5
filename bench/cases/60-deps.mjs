// Per-worktree dependencies: link a node_modules against `npm ci`.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { WORKTREES } from '../lib/context.mjs';
import { NPM_PACKAGES, npmProject, sampleNodeModules } from '../lib/deps.mjs';
import { onTmpfs, WORK } from '../lib/fixture.mjs';
import { timeCommand, timeFn } from '../lib/measure.mjs';

export const id = 'deps';
export const title = 'per-worktree dependencies: link a node_modules against `npm ci`';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function depsCase(ctx) {
  const { linkTree } = await createJiti(import.meta.url).import(join(ROOT, 'src', 'deps', 'link.ts'));
  const cached = sampleNodeModules();
  // Like the worktrees: on tmpfs when there is one (with its own copy of the sample, so that
  // hard links stay on one file system), else in the fixtures' directory, deleted at the end.
  const scratch = onTmpfs(dirname(WORKTREES))
    ? `${WORKTREES}-deps`
    : join(WORK, 'trash', `deps-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  const sample = { ...cached, modules: join(scratch, 'sample', 'node_modules') };
  cpSync(cached.modules, sample.modules, { recursive: true, verbatimSymlinks: true });
  const npmCi = (dir) =>
    timeCommand('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir }).ms;
  const npmDir = npmProject(join(scratch, 'npm'));
  npmCi(npmDir); // warms ~/.npm: the comparison is with a cached install, not the network
  const npmModules = join(npmDir, 'node_modules');
  const npmFiles = countFiles(npmModules);
  // The linked trees must work: every package of the lock resolves from a "worktree".
  for (const method of ['auto', 'symlink']) {
    const worktree = join(scratch, `check-${method}`);
    await linkTree(npmModules, join(worktree, 'node_modules'), { method });
    const code =
      "for (const p of ['commander','p-limit','picocolors','proper-lockfile','write-file-atomic']) await import(p)";
    timeCommand(process.execPath, ['--input-type=module', '-e', code], { cwd: worktree });
  }
  const samples = { ci: [], auto: [], symlink: [], autoNpm: [], symlinkNpm: [], copy: [] };
  const methods = {};
  for (let run = 0; run < ctx.runs; run++) {
    samples.ci.push(npmCi(npmProject(join(scratch, `npm-${run}`))));
    const worktree = join(scratch, `wt-${run}`);
    for (const method of ['auto', 'symlink']) {
      samples[method].push(
        await timeFn(async () => {
          methods[method] = await linkTree(sample.modules, join(worktree, method, 'node_modules'), {
            method,
          });
        }),
      );
      samples[`${method}Npm`].push(
        await timeFn(() => linkTree(npmModules, join(worktree, `${method}-npm`, 'node_modules'), { method })),
      );
    }
    samples.copy.push(timeCommand('cp', ['-R', sample.modules, join(worktree, 'copy')]).ms);
  }
  rmSync(scratch, { recursive: true, force: true });
  const ci = ctx.record(`npm ci (${npmFiles} files in ${NPM_PACKAGES} packages, cached)`, samples.ci);
  const auto = ctx.record(`link sample node_modules (${sample.files} files), default`, samples.auto, {
    note: methods.auto,
  });
  const store = ctx.record(`link sample node_modules (${sample.files} files), store`, samples.symlink, {
    note: methods.symlink,
  });
  ctx.record(`link npm ci's node_modules (${npmFiles} files), default`, samples.autoNpm, {
    note: methods.auto,
  });
  ctx.record(`link npm ci's node_modules (${npmFiles} files), store`, samples.symlinkNpm, {
    note: methods.symlink,
  });
  ctx.record('cp -R sample node_modules (reference)', samples.copy);
  for (const [label, row] of [
    [`npm ci / link (${methods.auto}, default)`, auto],
    [`npm ci / link (${methods.symlink} store)`, store],
  ])
    ctx.check({ name: label, value: ci.median / row.median, limit: 10, unit: '×', atLeast: true });
}

function countFiles(dir) {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) if (entry.isFile()) n++;
  return n;
}
