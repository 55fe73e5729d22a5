// Pane processes of the fake zellij: really spawned, detached (own process group), stdout and
// stderr to a per-pane log, stdin from a per-pane FIFO (so typed text reaches the process and
// stdin never hits EOF, like a pty), exit status recorded by a small sh wrapper.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { isAlive, paneFile, sleepSync } from './state.mjs';

/** @typedef {import('./state.mjs').PaneRecord} PaneRecord */
/** @typedef {import('./state.mjs').SessionRecord} SessionRecord */

const WRAPPER = 'st=$0; "$@"; s=$?; printf "%s\\n" "$s" > "$st.tmp"; mv -f "$st.tmp" "$st"';

export const statusFile = (/** @type {string} */ dir, /** @type {string} */ s, /** @type {number} */ id) =>
  paneFile(dir, s, `pane-${id}.status`);
export const logFile = (/** @type {string} */ dir, /** @type {string} */ s, /** @type {number} */ id) =>
  paneFile(dir, s, `pane-${id}.log`);
export const fifoFile = (/** @type {string} */ dir, /** @type {string} */ s, /** @type {number} */ id) =>
  paneFile(dir, s, `pane-${id}.stdin`);

/** The cwd a pane process really starts in: the server's cwd if the pane's does not exist. */
export function effectiveCwd(/** @type {string} */ cwd, /** @type {string} */ serverCwd) {
  try {
    if (fs.statSync(cwd).isDirectory()) return cwd;
  } catch {}
  return serverCwd;
}

/**
 * Start the command of a terminal pane (args are passed verbatim, never expanded).
 * @param {string} dir @param {SessionRecord} session @param {PaneRecord} pane
 */
export function spawnPane(dir, session, pane) {
  if (!pane.command) return;
  const status = statusFile(dir, session.name, pane.id);
  fs.rmSync(status, { force: true });
  const fifo = fifoFile(dir, session.name, pane.id);
  let stdin = /** @type {number | 'ignore'} */ ('ignore');
  try {
    if (!fs.existsSync(fifo)) execFileSync('mkfifo', [fifo]);
    stdin = fs.openSync(fifo, fs.constants.O_RDWR);
  } catch {}
  const out = fs.openSync(logFile(dir, session.name, pane.id), 'a');
  const env = {
    ...session.env,
    ZELLIJ: '0',
    ZELLIJ_SESSION_NAME: session.name,
    ZELLIJ_PANE_ID: String(pane.id),
  };
  const child = spawn('/bin/sh', ['-c', WRAPPER, status, pane.command, ...pane.args], {
    cwd: effectiveCwd(pane.cwd, session.serverCwd),
    env,
    detached: true,
    stdio: [stdin, out, out],
  });
  child.on('error', () => {});
  child.unref();
  fs.closeSync(out);
  if (typeof stdin === 'number') fs.closeSync(stdin);
  pane.pid = child.pid ?? null;
  pane.suspended = false;
  pane.runs += 1;
}

/**
 * What list-panes reports about a pane's process.
 * @param {string} dir @param {SessionRecord} session @param {PaneRecord} pane
 */
export function paneProcessState(dir, session, pane) {
  if (pane.kind !== 'terminal' || !pane.command) return { running: false, exited: false, exitStatus: null };
  if (pane.suspended || pane.pid === null) return { running: false, exited: false, exitStatus: null };
  try {
    const code = Number(fs.readFileSync(statusFile(dir, session.name, pane.id), 'utf8').trim());
    return { running: false, exited: true, exitStatus: Number.isFinite(code) ? code : null };
  } catch {}
  if (isAlive(pane.pid)) return { running: true, exited: false, exitStatus: null };
  return { running: false, exited: true, exitStatus: null };
}

/** SIGHUP the pane's process group (like a closing pty), SIGKILL what survives. @param {PaneRecord[]} panes */
export function killPanes(panes) {
  const pids = panes.map((p) => p.pid).filter((p) => p !== null && p > 0);
  const signal = (/** @type {number} */ pid, /** @type {NodeJS.Signals} */ sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {}
    }
  };
  for (const pid of pids) signal(pid, 'SIGHUP');
  const deadline = Date.now() + 500;
  while (pids.some((p) => groupAlive(p)) && Date.now() < deadline) sleepSync(10);
  for (const pid of pids) if (groupAlive(pid)) signal(pid, 'SIGKILL');
  for (const p of panes) p.pid = null;
}

/** @param {number} pgid */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return isAlive(pgid);
  }
}

/** Deliver typed bytes to a running pane's stdin (best effort, never blocks). */
export function feedPane(
  /** @type {string} */ dir,
  /** @type {string} */ session,
  /** @type {number} */ id,
  /** @type {Buffer} */ data,
) {
  try {
    const fd = fs.openSync(fifoFile(dir, session, id), fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    try {
      fs.writeSync(fd, data);
    } finally {
      fs.closeSync(fd);
    }
  } catch {}
}
