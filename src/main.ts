import { isUserError } from './errors.js';
import { info, pc } from './output.js';

/** Parses argv, runs one command, turns errors into one paragraph and an exit code. */
export async function main(argv: string[]): Promise<number> {
  // `parallel … | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const verbose = argv.includes('--verbose');
  const args = argv.filter((a) => a !== '--verbose');
  try {
    if (!(await runWithoutParser(args))) {
      const { buildProgram, commandNames } = await import('./program.js');
      const program = buildProgram();
      // `git parallel add-auth …` is `parallel up add-auth …`.
      const commands = commandNames(program);
      if (args[0] !== undefined && !args[0].startsWith('-') && !commands.includes(args[0])) {
        await (await import('./cli/typo.js')).refuseCommandTypo(args[0], commands);
        args.unshift('up');
      }
      await program.parseAsync(args, { from: 'user' });
    }
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return report(error, verbose);
  }
}

/**
 * `ls [--json]` and `status [task] [--json]` are what people (and prompts, editors) run most,
 * and all they take is one optional word and one flag: they start without loading the option
 * parser. Anything else about them (help, unknown options, extra words) goes to the parser.
 */
async function runWithoutParser(args: string[]): Promise<boolean> {
  const [command, ...rest] = args;
  const words = rest.filter((a) => a !== '--json' && !(command === 'ls' && a === '--names'));
  if (words.some((a) => a.startsWith('-'))) return false;
  const json = rest.includes('--json');
  if (command === 'ls' && words.length === 0) {
    await (await import('./commands/ls.js')).ls({ json, names: rest.includes('--names') });
    return true;
  }
  if (command === 'status' && words.length <= 1) {
    await (await import('./commands/status.js')).status(words[0], { json });
    return true;
  }
  return false;
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
