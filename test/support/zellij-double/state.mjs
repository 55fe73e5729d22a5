// State of the fake zellij: one JSON file per session under $ZELLIJ_SOCKET_DIR (fallback
// $TMPDIR/zellij-<uid>), written atomically (temp + rename) under a mkdir lock.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * @typedef {{ id: number, kind: 'terminal' | 'plugin', tabId: number, floating: boolean,
 *   name: string | null, command: string | null, args: string[], edit: string | null,
 *   cwd: string, closeOnExit: boolean, suspended: boolean, pid: number | null,
 *   pluginUrl: string | null, selectable: boolean, runs: number }} PaneRecord
 * @typedef {{ id: number, position: number, name: string }} TabRecord
 * @typedef {{ name: string, createdAt: number, status: 'live' | 'exited', serialized: boolean,
 *   serverCwd: string, env: Record<string, string>, tabs: TabRecord[], panes: PaneRecord[],
 *   nextTerminalId: number, nextPluginId: number, nextTabId: number,
 *   focusedPane: number | null }} SessionRecord
 */

/** @param {NodeJS.ProcessEnv} env */
export function stateDir(env) {
  if (env.ZELLIJ_SOCKET_DIR) return env.ZELLIJ_SOCKET_DIR;
  return path.join(env.TMPDIR || os.tmpdir(), `zellij-${process.getuid?.() ?? 0}`);
}

/** The socket path Zellij would use (for the 108-byte limit). */
export const socketPath = (/** @type {string} */ dir, /** @type {string} */ name) =>
  path.join(dir, 'contract_version_1', name);
export const SOCK_MAX = 108;

const sessionFile = (/** @type {string} */ dir, /** @type {string} */ name) =>
  path.join(dir, `${name}.session.json`);
export const paneFile = (
  /** @type {string} */ dir,
  /** @type {string} */ session,
  /** @type {string} */ suffix,
) => path.join(dir, `${session}.${suffix}`);

/** @param {number} ms */
export function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** @param {number} pid */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/**
 * Run fn while holding `<dir>/.lock` (mkdir is atomic). A lock whose owner died is broken.
 * @template T @param {string} dir @param {() => T} fn @returns {T}
 */
export function withLock(dir, fn) {
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, '.lock');
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'owner'), String(process.pid));
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      let owner = 0;
      try {
        owner = Number(fs.readFileSync(path.join(lock, 'owner'), 'utf8'));
      } catch {}
      let age = 0;
      try {
        age = Date.now() - fs.statSync(lock).mtimeMs;
      } catch {}
      if ((owner > 0 && !isAlive(owner)) || age > 30_000) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`fake zellij: could not take ${lock}`);
      else sleepSync(5);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** @param {string} file @param {string} text */
export function writeAtomic(file, text) {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** @param {string} dir @returns {SessionRecord[]} oldest first */
export function readSessions(dir) {
  let names = [];
  try {
    names = fs.readdirSync(dir).filter((f) => f.endsWith('.session.json'));
  } catch {
    return [];
  }
  /** @type {SessionRecord[]} */
  const out = [];
  for (const f of names) {
    try {
      out.push(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    } catch {}
  }
  return out.sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
}

/** @param {string} dir @param {string} name @returns {SessionRecord | undefined} */
export function readSession(dir, name) {
  try {
    return JSON.parse(fs.readFileSync(sessionFile(dir, name), 'utf8'));
  } catch {
    return undefined;
  }
}

/** @param {string} dir @param {SessionRecord} s */
export function writeSession(dir, s) {
  writeAtomic(sessionFile(dir, s.name), `${JSON.stringify(s, null, 2)}\n`);
}

/** Remove the session record and its per-pane files. @param {string} dir @param {string} name */
export function removeSession(dir, name) {
  fs.rmSync(sessionFile(dir, name), { force: true });
  removePaneFiles(dir, name);
}

/** @param {string} dir @param {string} name */
export function removePaneFiles(dir, name) {
  let files = [];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const f of files) {
    if (f.startsWith(`${name}.pane-`) || f.startsWith(`${name}.typed.`))
      fs.rmSync(path.join(dir, f), { force: true });
  }
}

/** Append one JSON line per invocation to `<dir>/calls.log`. @param {string} dir @param {string[]} argv */
export function logCall(dir, argv) {
  fs.mkdirSync(dir, { recursive: true });
  const env = process.env;
  const line = {
    argv,
    cwd: process.cwd(),
    pid: process.pid,
    time: Date.now(),
    env: {
      ZELLIJ: env.ZELLIJ,
      ZELLIJ_SESSION_NAME: env.ZELLIJ_SESSION_NAME,
      ZELLIJ_PANE_ID: env.ZELLIJ_PANE_ID,
    },
  };
  fs.appendFileSync(path.join(dir, 'calls.log'), `${JSON.stringify(line)}\n`);
}
