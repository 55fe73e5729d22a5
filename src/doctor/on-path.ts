import { realpathSync } from 'node:fs';
import { which } from '../mux/which.js';
import { runCaptured } from '../proc/run.js';
import type { Check } from './check.js';

export interface PathProbe {
  /** Where `parallel` is on PATH, and whether it is this very program. */
  parallel?: { path: string; self: boolean; banner?: string };
  /** Where `git-parallel` is on PATH (what `git parallel` runs). */
  gitParallel?: string;
}

const real = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

/** `self`: this program's entry file (process.argv[1]). */
export async function probePath(self: string | undefined): Promise<PathProbe> {
  const probe: PathProbe = { gitParallel: which('git-parallel') };
  const path = which('parallel');
  if (!path) return probe;
  if (self && real(path) === real(self)) return { ...probe, parallel: { path, self: true } };
  const run = await runCaptured(path, ['--version'], {
    cwd: process.cwd(),
    env: process.env,
    timeoutMs: 5_000,
  });
  const banner = (run.stdout || run.stderr).trim().split('\n')[0];
  return { ...probe, parallel: { path, self: false, banner } };
}

/** Pure. `version`: this program's version, which another copy of it prints for --version. */
export function judgePath(probe: PathProbe, version: string): Check[] {
  const checks: Check[] = [];
  const p = probe.parallel;
  const always = 'use `git parallel …` (always this tool)';
  if (!p) {
    checks.push({
      id: 'path.parallel',
      level: 'info',
      message: '`parallel` is not on PATH',
      fix: `${always}, or \`npm link\` / \`npm install -g git-parallel\``,
    });
  } else if (p.self) {
    checks.push({
      id: 'path.parallel',
      level: 'ok',
      message: '`parallel` on PATH is this tool',
      path: p.path,
    });
  } else if (p.banner && /GNU parallel/i.test(p.banner)) {
    checks.push({
      id: 'path.parallel',
      level: 'warning',
      message: `\`parallel\` on PATH is GNU parallel (${p.path}), not this tool`,
      path: p.path,
      fix: `${always}, or put this tool's bin directory before ${p.path.replace(/\/[^/]+$/, '')} on PATH`,
    });
  } else if (p.banner?.trim() === version || p.banner?.trim() === `v${version}`) {
    checks.push({
      id: 'path.parallel',
      level: 'info',
      message: `\`parallel\` on PATH is another copy of this tool (${p.path}, ${p.banner})`,
      path: p.path,
    });
  } else {
    checks.push({
      id: 'path.parallel',
      level: 'warning',
      message: `\`parallel\` on PATH is another program (${p.path}${p.banner ? `: "${p.banner}"` : ''})`,
      path: p.path,
      fix: always,
    });
  }
  checks.push(
    probe.gitParallel
      ? {
          id: 'path.git-parallel',
          level: 'ok',
          message: '`git parallel` works (git-parallel is on PATH)',
          path: probe.gitParallel,
        }
      : {
          id: 'path.git-parallel',
          level: 'warning',
          message: '`git-parallel` is not on PATH, so `git parallel` does not work',
          fix: '`npm link` in a clone of git-parallel, or `npm install -g git-parallel`',
        },
  );
  return checks;
}
