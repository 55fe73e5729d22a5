import { UserError } from '../errors.js';
import { which } from '../mux/which.js';
import { type Captured, runCaptured } from '../proc/run.js';

function gh(cwd: string, args: string[]): Promise<Captured> {
  return runCaptured('gh', args, { cwd, env: { ...process.env, GH_PROMPT_DISABLED: '1', NO_COLOR: '1' } });
}

/** Refuses before anything is pushed when the GitHub CLI is missing or not logged in. */
export async function assertGhReady(cwd: string): Promise<void> {
  if (!which('gh')) {
    throw new UserError(
      'The GitHub CLI `gh` is not on PATH, and --pr opens the pull request with it. Install it (https://cli.github.com), run `gh auth login`, and ship again; or ship without --pr to only push the branch. Nothing was pushed.',
    );
  }
  const status = await gh(cwd, ['auth', 'status']);
  if (status.exitCode !== 0) {
    throw new UserError(
      `The GitHub CLI is not logged in (\`gh auth status\`: ${firstLine(status.stderr || status.stdout)}). Run \`gh auth login\`, then ship again. Nothing was pushed.`,
    );
  }
}

export interface PrRequest {
  cwd: string;
  title: string;
  bodyFile: string;
  head: string;
  base?: string;
  draft?: boolean;
}

/** `gh pr create` with the body from a file; resolves with what gh printed (the pull request's URL). */
export async function createPullRequest(req: PrRequest): Promise<string> {
  const args = ['pr', 'create', '--title', req.title, '--body-file', req.bodyFile, '--head', req.head];
  if (req.base) args.push('--base', req.base);
  if (req.draft) args.push('--draft');
  const result = await gh(req.cwd, args);
  if (result.exitCode !== 0) {
    throw new UserError(
      `The branch ${req.head} was pushed, but \`gh pr create\` failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim() || 'no message'}. Fix that and open the pull request with \`gh pr create --head ${req.head}${req.base ? ` --base ${req.base}` : ''} --body-file ${req.bodyFile}\`.`,
    );
  }
  return result.stdout.trim();
}

const firstLine = (text: string) => text.trim().split('\n', 1)[0] || 'no message';
