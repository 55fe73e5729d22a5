import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { CompareJson } from '../compare/types.js';
import { diffText, uncommittedDiff } from '../git/diff.js';
import type { CandidateDiffs } from './html.js';

/** A diff larger than this is cut (diff2html and browsers slow down on huge pages). */
export const MAX_DIFF_BYTES = 2 * 1024 * 1024;
const LOG_TAIL_BYTES = 4 * 1024;

/** Reads each candidate's committed and uncommitted diffs and its eval log tails. */
export async function collectDiffs(repoRoot: string, json: CompareJson): Promise<CandidateDiffs[]> {
  return Promise.all(
    json.candidates.map(async (c) => {
      const committed =
        c.head && c.head !== json.base.commit ? await diffText(repoRoot, json.base.commit, c.head) : '';
      const uncommitted = c.worktreeExists && c.uncommitted.length ? await uncommittedDiff(c.worktree) : '';
      const [a, cutA] = cut(committed);
      const [b, cutB] = cut(uncommitted);
      const tails: Record<string, string> = {};
      for (const e of c.evals) {
        if (e.log) tails[e.name] = tail(await readFile(e.log, 'utf8').catch(() => ''));
      }
      return { index: c.index, committed: a, uncommitted: b, truncated: cutA || cutB, logTails: tails };
    }),
  );
}

/** Cuts at a file boundary below the limit so diff2html still parses what is left. */
function cut(diff: string): [string, boolean] {
  if (diff.length <= MAX_DIFF_BYTES) return [diff, false];
  const at = diff.lastIndexOf('\ndiff --git ', MAX_DIFF_BYTES);
  return [at > 0 ? diff.slice(0, at + 1) : '', true];
}

const tail = (text: string) =>
  text.length <= LOG_TAIL_BYTES ? text : `…\n${text.slice(text.length - LOG_TAIL_BYTES)}`;

/** diff2html's renderer and stylesheet, loaded only when a report is written. */
export async function loadDiff2Html(): Promise<{ css: string; diffToHtml: (diff: string) => string }> {
  const { html } = await import('diff2html');
  const require = createRequire(import.meta.url);
  const css = await readFile(require.resolve('diff2html/bundles/css/diff2html.min.css'), 'utf8');
  return {
    css,
    diffToHtml: (diff) =>
      html(diff, {
        outputFormat: 'side-by-side',
        drawFileList: false,
        matching: 'lines',
      }),
  };
}
