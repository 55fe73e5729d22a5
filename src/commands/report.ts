import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectComparison, evalProblems } from '../compare/collect.js';
import { loadRecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { which } from '../mux/which.js';
import { info, out } from '../output.js';
import { collectDiffs, loadDiff2Html } from '../report/collect.js';
import { renderReport } from '../report/html.js';
import { writeFileAtomic } from '../task/state.js';
import { progressLine } from './compare.js';

export interface ReportOptions {
  out?: string;
  open?: boolean;
  eval?: boolean;
}

/** Writes one self-contained HTML page (default `<state dir>/report.html`) and prints its path. */
export async function report(task: string, options: ReportOptions = {}): Promise<void> {
  const rt = await loadRecordedTask(task);
  const runEvals = options.eval !== false;
  const progress = progressLine(runEvals && rt.config.eval.length > 0);
  const { json } = await collectComparison(rt, { evals: runEvals, onProgress: progress?.update });
  progress?.end();
  const [diffs, d2h] = await Promise.all([collectDiffs(rt.repo.root, json), loadDiff2Html()]);
  const html = renderReport({ json, diffs, ...d2h, generatedAt: new Date().toISOString() });
  const file = options.out ? resolve(options.out) : join(rt.plan.paths.dir, 'report.html');
  try {
    await writeFileAtomic(file, html);
  } catch (error) {
    throw new UserError(
      `Cannot write the report to ${file}: ${(error as NodeJS.ErrnoException).code ?? error}. Pass a writable path with --out.`,
      { cause: error },
    );
  }
  out(file);
  if (options.open) openInBrowser(file);
  const problems = evalProblems(json);
  if (problems.length) throw new UserError(`Some evals gave no verdict: ${problems.join('; ')}.`);
}

function openInBrowser(file: string): void {
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  if (!which(opener)) {
    info(`No \`${opener}\` here to open a browser; open ${pathToFileURL(file).href} in one.`);
    return;
  }
  const child = spawn(opener, [file], { detached: true, stdio: 'ignore' });
  child.on('error', () => info(`\`${opener}\` failed; open ${pathToFileURL(file).href} in a browser.`));
  child.unref();
}
