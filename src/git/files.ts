import { gitOk } from './run.js';

/**
 * Untracked and ignored paths of the main worktree that match the patterns (gitignore syntax),
 * as `git ls-files --others --ignored --directory` gives them: a matching directory once.
 */
export async function untrackedMatching(
  root: string,
  match: { excludeFrom?: string; patterns: string[] },
): Promise<string[]> {
  const args = ['ls-files', '-z', '--others', '--ignored', '--directory', '--no-empty-directory'];
  if (match.excludeFrom) args.push(`--exclude-from=${match.excludeFrom}`);
  for (const pattern of match.patterns) args.push(`--exclude=${pattern}`);
  const out = await gitOk(root, args);
  return out.split('\0').filter(Boolean);
}
