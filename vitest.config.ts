import { readFileSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
const FUZZ = 'test/fuzz-*.test.ts';

export default defineConfig({
  define: { __GIT_PARALLEL_VERSION__: JSON.stringify(version) },
  test: {
    setupFiles: ['test/support/setup-env.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on subprocesses (git, tmux, agents); two files at a time keep both cores busy.
    maxWorkers: 2,
    // The fault search runs last, alone: it is CPU-bound and has a time budget, so sharing the
    // machine with the rest of the suite would only cut the number of sequences it gets through.
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, FUZZ],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'fuzz', include: [FUZZ], sequence: { groupOrder: 1 } } },
    ],
  },
});
