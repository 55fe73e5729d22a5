import { test as base } from 'vitest';
import { makeRepo, type RepoOptions, type TestRepo } from './repo.js';

/**
 * `test` with a `newRepo` factory: each repository it makes is removed after the test, passed or
 * failed, so tests need no try/finally of their own.
 */
export const test = base.extend<{ newRepo: (options?: RepoOptions) => Promise<TestRepo> }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  newRepo: async ({}, use) => {
    const made: TestRepo[] = [];
    await use(async (options) => {
      const repo = await makeRepo(options);
      made.push(repo);
      return repo;
    });
    await Promise.all(made.map((r) => r.cleanup()));
  },
});
