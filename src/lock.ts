import { mkdir } from 'node:fs/promises';
import { UserError } from './errors.js';
import type { Plan } from './plan.js';

/**
 * One `up`/`down` of a task at a time. A second caller waits (up to ~15 s) and then says the
 * task is busy; a lock left by a killed process goes stale after 5 s.
 */
export async function lockTask(plan: Plan): Promise<() => Promise<void>> {
  const { lock } = await import('proper-lockfile');
  await mkdir(plan.paths.dir, { recursive: true });
  try {
    return await lock(plan.paths.dir, {
      lockfilePath: plan.paths.lockFile,
      realpath: false,
      stale: 5_000,
      update: 1_000,
      retries: { retries: 60, factor: 1, minTimeout: 250, maxTimeout: 250 },
      onCompromised: () => {},
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') {
      throw new UserError(
        `Task "${plan.task}" is busy: another git-parallel command holds ${plan.paths.lockFile}. Wait for it to finish and run again.`,
      );
    }
    throw error;
  }
}
