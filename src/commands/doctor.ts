import type { Check } from '../doctor/check.js';
import { runDoctor } from '../doctor/run.js';
import { out, pc, printJsonOutput } from '../output.js';

const MARK: Record<Check['level'], string> = {
  ok: pc.green('✔'),
  info: pc.cyan('·'),
  warning: pc.yellow('!'),
  blocker: pc.red('✖'),
};

/** Checks what git-parallel needs; exit 1 when something blocks `up`. */
export async function doctor(options: { json?: boolean }): Promise<void> {
  const result = await runDoctor(process.cwd(), process.argv[1]);
  if (result.blockers > 0) process.exitCode = 1;
  if (options.json) return printJsonOutput({ ...result });
  const lines = result.checks.map((c) => {
    const need =
      c.level !== 'ok' && c.need && !c.message.includes(c.need) ? pc.dim(` (need ≥ ${c.need})`) : '';
    const fix = c.fix && c.level !== 'ok' ? `\n    ${pc.dim('fix:')} ${c.fix}` : '';
    return `${MARK[c.level]} ${c.message}${need}${fix}`;
  });
  const summary =
    result.blockers > 0
      ? pc.red(
          `${result.blockers} blocker(s), ${result.warnings} warning(s): \`parallel up\` cannot run until the blockers are fixed.`,
        )
      : result.warnings > 0
        ? `No blockers, ${result.warnings} warning(s).`
        : 'All good.';
  out([...lines, '', summary].join('\n'));
}
