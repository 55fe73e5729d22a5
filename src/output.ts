import pc from 'picocolors';

export const out = (text: string): void =>
  void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
export const info = (text: string) => process.stderr.write(`${text}\n`);
export const warn = (text: string) => process.stderr.write(`${pc.yellow('warning:')} ${text}\n`);
export const printJson = (value: unknown): void => out(JSON.stringify(value, null, 2));
export { pc };
