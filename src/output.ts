import pc from 'picocolors';

export const out = (text: string): void =>
  void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const info = (text: string) => process.stderr.write(`${text}\n`);
export const warn = (text: string) => process.stderr.write(`${pc.yellow('warning:')} ${text}\n`);
export { pc };

/** The format version every `--json` output carries; bumped only on an incompatible change. */
export const JSON_FORMAT = 1;

/**
 * Every `--json` output goes through these: an object with `version` first (schemas/*.json in the
 * package describe each command's). `jsonLine`: one line, for outputs that stream (watch).
 */
export const jsonOutput = <T extends object>(body: T): { version: number } & T => ({
  version: JSON_FORMAT,
  ...body,
});
export const printJsonOutput = (body: object): void => out(JSON.stringify(jsonOutput(body), null, 2));
export const jsonLine = (body: object): string => JSON.stringify(jsonOutput(body));
