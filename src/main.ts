import { isUserError } from './errors.js';
import { info, pc } from './output.js';
import { buildProgram, COMMANDS } from './program.js';

/** Parses argv, runs one command, turns errors into one paragraph and an exit code. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  // `git parallel add-auth …` is `parallel up add-auth …`.
  if (args[0] !== undefined && !args[0].startsWith('-') && !COMMANDS.includes(args[0])) args.unshift('up');
  const program = buildProgram();
  try {
    await program.parseAsync(args, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return report(error, verbose);
  }
}

function report(error: unknown, verbose: boolean): number {
  const commander = error as { code?: string; exitCode?: number };
  if (typeof commander.code === 'string' && commander.code.startsWith('commander.')) {
    return commander.exitCode === 0 ? 0 : 2;
  }
  if (isUserError(error)) {
    info(`${pc.red('error:')} ${error.message}`);
    if (verbose && error.cause instanceof Error) info(error.cause.stack ?? String(error.cause));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  info(`${pc.red('error:')} ${message}`);
  info(
    verbose && error instanceof Error
      ? (error.stack ?? '')
      : pc.dim('(run again with --verbose for the stack trace)'),
  );
  return 1;
}
