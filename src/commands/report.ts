import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { collectComparison, evalProblems } from '../compare/collect.js';
import { loadRecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { which } from '../mux/which.js';
import { info, out } from '../output.js';
import { spawnGroup } from '../proc/spawn.js';
import { DEFAULT_CAPS, type ReportCaps } from '../report/rows.js';
import { writeReport } from '../report/write.js';
import { progressLine } from './compare.js';

export interface ReportOptions {
  out?: string;
  open?: boolean;
  eval?: boolean;
  jobs?: number;
  maxFileBytes?: number;
  maxReportBytes?: number;
  maxFiles?: number;
}

/** Writes one self-contained HTML page (default `<state dir>/report.html`) and prints its path. */
export async function report(task: string, options: ReportOptions = {}): Promise<void> {
  const rt = await loadRecordedTask(task);
  const runEvals = options.eval !== false;
  const progress = progressLine(runEvals && rt.config.eval.length > 0);
  const { json } = await collectComparison(rt, {
    evals: runEvals,
    jobs: options.jobs,
    onProgress: progress?.update,
  });
  progress?.end();
  const caps: ReportCaps = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_CAPS.maxFileBytes,
    maxReportBytes: options.maxReportBytes ?? DEFAULT_CAPS.maxReportBytes,
    maxFiles: options.maxFiles ?? DEFAULT_CAPS.maxFiles,
  };
  const file = options.out ? resolve(options.out) : join(rt.plan.paths.dir, 'report.html');
  try {
    await writeReport(file, {
      repoRoot: rt.repo.root,
      json,
      promptFile: rt.plan.paths.promptFile,
      caps,
      generatedAt: new Date().toISOString(),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!code) throw error;
    throw new UserError(`Cannot write the report to ${file}: ${code}. Pass a writable path with --out.`, {
      cause: error,
    });
  }
  out(file);
  if (options.open) openInBrowser(file);
  const problems = evalProblems(json);
  if (problems.length) throw new UserError(`Some evals gave no verdict: ${problems.join('; ')}.`);
}

function openInBrowser(file: string): void {
  const url = pathToFileURL(file).href;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    info(
      `Not opening a browser: there is no display here (DISPLAY and WAYLAND_DISPLAY are unset). Open ${url} in a browser on a machine with one.`,
    );
    return;
  }
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  if (!which(opener)) {
    info(`Not opening a browser: no \`${opener}\` on PATH. Open ${url} in a browser.`);
    return;
  }
  const child = spawnGroup(opener, [file], { stdio: 'ignore' });
  child.on('error', () => info(`\`${opener}\` failed; open ${url} in a browser.`));
  child.unref();
}
