import { spawnGroup } from '../proc/spawn.js';

/**
 * Starts `parallel pool fill` detached from this process (its own session, no stdio), so
 * `up` returns at once and the pool refills behind it. Needs the CLI's own path (argv[1]).
 */
export function refillInBackground(cwd: string, base: string): void {
  const cli = process.argv[1];
  if (!cli) return;
  const child = spawnGroup(process.execPath, [cli, 'pool', 'fill', '--base', base], { cwd, stdio: 'ignore' });
  child.on('error', () => undefined);
  child.unref();
}
