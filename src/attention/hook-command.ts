import { realpathSync } from 'node:fs';

/**
 * The argv prefix that runs `parallel hook` with this very installation: node and the CLI file
 * by absolute path, so agents reach it whatever their PATH (and without GNU parallel in the way).
 */
export function hookCommand(): string[] | undefined {
  const script = process.argv[1];
  if (!script) return undefined;
  try {
    return [process.execPath, realpathSync(script), 'hook'];
  } catch {
    return undefined;
  }
}
