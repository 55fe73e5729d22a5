import pc from 'picocolors';

export const out = (text: string): void =>
  void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const info = (text: string) => process.stderr.write(`${text}\n`);
export const warn = (text: string) => process.stderr.write(`${pc.yellow('warning:')} ${text}\n`);
export const printJson = (value: unknown): void => out(JSON.stringify(value, null, 2));
export { pc };

/** The format version every `--json` output carries; bumped only on an incompatible change. */
export const JSON_FORMAT = 1;

/** Prints a command's `--json` output: always an object, always with `version` first. */
export const printJsonOutput = (body: Record<string, unknown>): void =>
  printJson({ version: JSON_FORMAT, ...body });
