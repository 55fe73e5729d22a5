import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { UserError } from '../errors.js';
import { findRepo, type Repo, resolveBase } from '../git/repo.js';
import { info, out, pc, printJsonOutput } from '../output.js';
import { tasksDir } from '../plan/paths.js';
import { poolDir } from '../plan/plan.js';
import { drainPool, fillPool, type Pool, poolEntries } from '../pool/pool.js';

async function context(): Promise<{ repo: Repo; config: ResolvedConfig; pool: Pool }> {
  const repo = await findRepo(process.cwd());
  const { config } = await loadConfig(process.cwd(), repo.root, tasksDir(repo.commonDir));
  return { repo, config, pool: { root: repo.root, dir: poolDir(config, repo) } };
}

export async function poolFill(options: { size?: number; base?: string }): Promise<void> {
  const { repo, config, pool } = await context();
  const size = options.size ?? config.pool.size;
  if (size < 1) {
    throw new UserError(
      'How many ready worktrees should the pool keep? Pass --size N (e.g. `parallel pool fill --size 4`) or set `pool: { size: 4 }` in the config.',
      { exitCode: 2 },
    );
  }
  const base = await resolveBase(repo, options.base ?? config.worktrees.base);
  const made = await fillPool(pool, size, base.commit);
  info(
    `${pc.green('✔')} Pool ${pool.dir}: ${made} new worktree(s) at ${base.commit.slice(0, 12)}, ${size} wanted.`,
  );
}

export async function poolStatus(options: { json?: boolean }): Promise<void> {
  const { config, pool } = await context();
  const { ready, filling } = await poolEntries(pool);
  if (options.json) {
    return printJsonOutput({
      dir: pool.dir,
      size: config.pool.size,
      ready,
      filling: filling.map((e) => e.path),
    });
  }
  const lines = [
    `Pool ${pool.dir}: ${ready.length} ready, ${filling.length} being made, size ${config.pool.size} in the config.`,
    ...ready.map((e) => `  ${e.path}  ${e.head?.slice(0, 12) ?? ''}`),
  ];
  out(lines.join('\n'));
}

export async function poolDrain(options: { json?: boolean }): Promise<void> {
  const { pool } = await context();
  const { removed, kept } = await drainPool(pool);
  if (options.json) return printJsonOutput({ removed, kept });
  info(`${pc.green('✔')} Removed ${removed.length} pool worktree(s).`);
  if (kept.length) {
    throw new UserError(
      `Kept ${kept.length} pool worktree(s) that hold changes: ${kept.join(', ')}. Look at them, then remove each with \`git worktree remove --force <path>\`.`,
    );
  }
}
