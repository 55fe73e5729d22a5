import { collectComparison, evalProblems } from '../compare/collect.js';
import { renderCompare } from '../compare/table.js';
import { loadRecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { out, pc, printJsonOutput } from '../output.js';

export interface CompareOptions {
  json?: boolean;
  /** commander's --no-eval sets eval: false. */
  eval?: boolean;
  jobs?: number;
}

/** One row per candidate; `--json` prints {@link CompareJson}. Timed-out or missing evals exit 1 after printing. */
export async function compare(task: string, options: CompareOptions = {}): Promise<void> {
  const rt = await loadRecordedTask(task);
  const progress = progressLine(rt.config.eval.length > 0 && options.eval !== false);
  const { json } = await collectComparison(rt, {
    evals: options.eval !== false,
    jobs: options.jobs,
    onProgress: progress?.update,
  });
  progress?.end();
  if (options.json) printJsonOutput(json);
  else out(renderCompare(json, pc));
  const problems = evalProblems(json);
  if (problems.length) {
    throw new UserError(`Some evals gave no verdict: ${problems.join('; ')}.`);
  }
}

/** "evals 3/6" on a TTY stderr, erased when done; nothing otherwise. */
export function progressLine(enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return undefined;
  process.stderr.write('running evals…');
  return {
    update: (done: number, total: number) =>
      process.stderr.write(`\r\u001b[2Krunning evals ${done}/${total}`),
    end: () => process.stderr.write('\r\u001b[2K'),
  };
}
