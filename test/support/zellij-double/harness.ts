// Helpers for tests that drive the fake zellij (test/fixtures/bin/zellij).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ZELLIJ_BIN_DIR = fileURLToPath(new URL('../../fixtures/bin/', import.meta.url));

export interface ZellijSandbox {
  /** $ZELLIJ_SOCKET_DIR of this sandbox (the double's state dir). */
  sockDir: string;
  /** Environment with the double first on PATH and ZELLIJ_* of any outer session removed. */
  env: NodeJS.ProcessEnv;
  run(args: string[], opts?: RunOptions): RunResult;
  /** Argv of every invocation, in order. */
  calls(): string[][];
  session(name: string): SessionState | undefined;
  /** Kill every pane process of every session and remove the sandbox. */
  cleanup(): void;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface PaneState {
  id: number;
  kind: 'terminal' | 'plugin';
  command: string | null;
  args: string[];
  cwd: string;
  suspended: boolean;
  pid: number | null;
  runs: number;
}

export interface SessionState {
  name: string;
  status: 'live' | 'exited';
  serialized: boolean;
  panes: PaneState[];
}

/** A short temp dir (the socket path limit is 108 bytes). */
export function makeZellijSandbox(): ZellijSandbox {
  const sockDir = fs.mkdtempSync('/tmp/zd-');
  const env: NodeJS.ProcessEnv = { ...process.env, ZELLIJ_SOCKET_DIR: sockDir };
  env.PATH = `${ZELLIJ_BIN_DIR}${path.delimiter}${process.env.PATH ?? ''}`;
  for (const k of [
    'ZELLIJ',
    'ZELLIJ_SESSION_NAME',
    'ZELLIJ_PANE_ID',
    'FAKE_ZELLIJ_HANG',
    'FAKE_ZELLIJ_NO_SERIALIZE',
  ])
    delete env[k];
  const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
  return {
    sockDir,
    env,
    run(args, opts = {}) {
      const r = spawnSync('zellij', args, {
        cwd: opts.cwd,
        env: { ...env, ...opts.env },
        encoding: 'utf8',
        timeout: opts.timeoutMs ?? 15_000,
        killSignal: 'SIGKILL',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    calls() {
      const file = path.join(sockDir, 'calls.log');
      if (!fs.existsSync(file)) return [];
      return fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).argv);
    },
    session(name) {
      const file = path.join(sockDir, `${name}.session.json`);
      return fs.existsSync(file) ? (readJson(file) as SessionState) : undefined;
    },
    cleanup() {
      for (const f of fs.existsSync(sockDir) ? fs.readdirSync(sockDir) : []) {
        if (!f.endsWith('.session.json')) continue;
        const s = readJson(path.join(sockDir, f)) as SessionState;
        for (const p of s.panes) if (p.pid) killGroup(p.pid);
      }
      fs.rmSync(sockDir, { recursive: true, force: true });
    },
  };
}

function killGroup(pid: number) {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {}
  }
}

/** Poll until `check` returns a truthy value; throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | null | false,
  timeoutMs = 5000,
  what = 'condition',
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
