import { git } from './run.js';

/** `git --version` as printed (`git version 2.39.5`); undefined when git cannot run. */
export async function gitVersionBanner(cwd: string): Promise<string | undefined> {
  const result = await git(cwd, ['--version']);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}
