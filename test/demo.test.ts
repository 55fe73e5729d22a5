/**
 * `npm run demo` (scripts/demo.mjs, on the built CLI) leaves nothing running: its tmux session
 * is stopped at the end, and it prints the one command that removes the rest.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { killProcessesUnder, ROOT } from './support/repo.js';

const scratch = mkdtempSync(join(tmpdir(), 'gp-demo-'));
afterAll(() => {
  killProcessesUnder(scratch);
  rmSync(scratch, { recursive: true, force: true });
});

it('the demo under tmux stops its session and prints the one command that removes everything', async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: scratch,
    TMUX_TMPDIR: join(scratch, 'tmux'),
    DEMO_MUX: 'tmux',
  };
  for (const key of Object.keys(env)) if (/^(TMUX$|TMUX_PANE|ZELLIJ|PARALLEL_)/.test(key)) delete env[key];
  mkdirSync(env.TMUX_TMPDIR!);
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/demo.mjs')], {
    env,
    timeout: 120_000,
  });
  expect(stdout).toMatch(/\$ parallel down greet/);
  // No tmux server is left on the demo's socket directory.
  expect(() => execFileSync('tmux', ['ls'], { env, stdio: 'pipe' })).toThrow(/no server running/);
  const [demo] = readdirSync(scratch).filter((name) => name.startsWith('git-parallel-demo-'));
  const command = stdout.trim().split('\n').at(-1)!.trim();
  expect(command).toBe(`rm -rf '${join(scratch, demo!)}'`);
  execFileSync('sh', ['-c', command]);
  expect(existsSync(join(scratch, demo!))).toBe(false);
}, 180_000);
