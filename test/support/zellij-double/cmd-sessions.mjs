// `zellij attach` (-b / -c / interactive) and the interactive start without a subcommand.
import { clapError, err, errExit, exit, hasTty, out, panic, parseArgs, rawModePanic } from './io.mjs';
import { layoutSource, loadLayout } from './layout-source.mjs';
import { rustDebug, sessionLines } from './render.mjs';
import { addTabs, newSession, randomSessionName, resurrectSession, startPanes } from './sessions.mjs';
import { readSession, readSessions, SOCK_MAX, socketPath, withLock, writeSession } from './state.mjs';

/** @typedef {import('./state.mjs').SessionRecord} SessionRecord */
/** @typedef {import('./layout-source.mjs').LayoutSource} LayoutSource */
/** @typedef {{ dir: string, session?: string, layout?: LayoutSource }} Ctx */

const serializeByDefault = () => process.env.FAKE_ZELLIJ_NO_SERIALIZE !== '1';
const live = (/** @type {string} */ dir) => readSessions(dir).filter((s) => s.status === 'live');

/** validate_session_name @param {string} name */
export function validateName(name) {
  if (name.trim() === '') err('Session name cannot be empty. Please provide a specific session name.');
  else if (name === '.' || name === '..') err(`Invalid session name: "${name}".`);
  else if (name.includes('/')) err("Session name cannot contain '/'.");
  else return;
  exit(1);
}

/** check_ipc_pipe_length @param {string} dir @param {string} name */
function checkSocketLength(dir, name) {
  const sock = socketPath(dir, name);
  const len = Buffer.byteLength(sock);
  if (len < SOCK_MAX) return;
  err(
    `Error: the IPC socket path is too long (${len} bytes, max ${SOCK_MAX - 1}):\n  ${sock}\n\nThis is usually caused by a long $TMPDIR path.\nTo fix this, set a shorter socket directory, eg.:\n  ZELLIJ_SOCKET_DIR=/tmp/zellij zellij`,
  );
  exit(1);
}

/** assert_session_ne (interactive create) @param {string} dir @param {string} name */
function assertSessionNe(dir, name) {
  validateName(name);
  const s = readSession(dir, name);
  if (!s) return;
  if (s.status === 'live') {
    out(
      `Session with name ${rustDebug(name)} already exists. Use attach command to connect to it or specify a different name.`,
    );
  } else {
    out(
      `Session with name ${rustDebug(name)} already exists, but is dead. Use the attach command to resurrect it or, the delete-session command to kill it or specify a different name.`,
    );
  }
  exit(1);
}

/** Create a live session from a layout and start its command panes. @param {Ctx} ctx @param {string} name */
function createSession(ctx, name, /** @type {import('./layout-doc.mjs').Tab[]} */ tabs) {
  checkSocketLength(ctx.dir, name);
  withLock(ctx.dir, () => {
    const s = newSession(name, { env: process.env, cwd: process.cwd(), serialized: serializeByDefault() });
    addTabs(s, tabs);
    startPanes(ctx.dir, s);
    writeSession(ctx.dir, s);
  });
}

/** @param {Ctx} ctx @param {string} name @param {boolean} forceRun */
function resurrect(ctx, name, forceRun) {
  withLock(ctx.dir, () => {
    const old = readSession(ctx.dir, name);
    if (old && old.status === 'exited')
      resurrectSession(ctx.dir, old, { env: process.env, cwd: process.cwd(), forceRun });
  });
}

/** `zellij attach …` and the no-subcommand interactive start. @param {Ctx} ctx @param {string[]} argv */
export function attach(ctx, argv) {
  const usage = 'zellij attach [OPTIONS] [SESSION_NAME] [COMMAND]';
  const { opts, positionals, tail } = parseArgs(argv, {
    flags: {
      '-c': 'create',
      '--create': 'create',
      '-b': 'bg',
      '--create-background': 'bg',
      '-f': 'force',
      '--force-run-commands': 'force',
    },
    values: { '--index': 'index' },
    positionals: 1,
    stopAt: ['options'],
    usage,
  });
  let layout = ctx.layout ?? null;
  if (tail) {
    const o = parseArgs(tail.slice(1), {
      values: optionValues(),
      flags: { '--disable-mouse-mode': 'x', '--no-pane-frames': 'x' },
      usage,
    });
    if (!layout && typeof o.opts.defaultLayout === 'string')
      layout = layoutSource(o.opts.defaultLayout, true);
  }
  const tabs = loadLayout(layout);
  const name = positionals[0];
  if (name?.startsWith('http://') || name?.startsWith('https://'))
    return clapError('remote attach is not modelled by the test double');
  if (opts.index !== undefined) return clapError('--index is not modelled by the test double', usage);
  const create = Boolean(opts.create || opts.bg);
  const existing = name === undefined ? undefined : readSession(ctx.dir, name);
  /** @type {{ kind: 'new' | 'resurrect' | 'attach', name: string }} */
  let plan;
  if (name !== undefined && existing?.status === 'exited') plan = { kind: 'resurrect', name };
  else if (name !== undefined && create) {
    if (existing?.status !== 'live') assertSessionNe(ctx.dir, name);
    plan = { kind: existing?.status === 'live' ? 'attach' : 'new', name };
  } else if (name !== undefined) plan = { kind: 'attach', name: matchSessionName(ctx.dir, name) };
  else {
    const sessions = live(ctx.dir);
    if (sessions.length === 0 && create) plan = { kind: 'new', name: randomSessionName() };
    else if (sessions.length === 0) return errExit(1, 'No active zellij sessions found.');
    else if (sessions.length === 1) plan = { kind: 'attach', name: sessions[0].name };
    else {
      out(
        'Please specify the session to attach to, either by using the full name or a unique prefix.\nThe following sessions are active:',
      );
      for (const l of sessionLines(sessions, { noFormatting: true, short: false, reverse: true })) out(l);
      return exit(1);
    }
  }
  if (process.env.ZELLIJ_SESSION_NAME === plan.name) {
    return panic(
      `You are trying to attach to the current session (${rustDebug(plan.name)}). This is not supported.`,
      'src/commands.rs:789:25',
    );
  }
  if (opts.bg && plan.kind === 'attach') return errExit(1, 'Session already exists');
  if (plan.kind === 'new') createSession(ctx, plan.name, tabs);
  if (plan.kind === 'resurrect') resurrect(ctx, plan.name, Boolean(opts.force));
  if (opts.bg) return exit(0);
  return interactive(plan.name);
}

/** The interactive client: needs a terminal (crossterm raw mode) after the server is up. @param {string} name */
function interactive(name) {
  if (!hasTty()) return rawModePanic();
  out(`[fake zellij] attached to session ${name} (detached again: the double has no UI)`);
  return exit(0);
}

/** `zellij [-s NAME] [-l/-n LAYOUT]` with no subcommand: always a new session. @param {Ctx} ctx */
export function startInteractive(ctx) {
  const tabs = loadLayout(ctx.layout ?? null);
  const name = ctx.session ?? randomSessionName();
  assertSessionNe(ctx.dir, name);
  createSession(ctx, name, tabs);
  return interactive(name);
}

/** match_session_name over live sessions: exact, else unique prefix. @param {string} dir @param {string} prefix */
function matchSessionName(dir, prefix) {
  const names = live(dir).map((s) => s.name);
  if (names.includes(prefix)) return prefix;
  const hits = names.filter((n) => n.startsWith(prefix));
  if (hits.length === 1) return hits[0];
  if (hits.length > 1) {
    out(`Ambiguous selection: multiple sessions names start with '${prefix}':`);
    for (const h of hits) out(h);
    return exit(1);
  }
  err(`No session with the name '${prefix}' found!`);
  return exit(1);
}

/** `options` flags (all take a value except two); only --default-layout matters here. */
function optionValues() {
  /** @type {Record<string, string>} */
  const v = { '--default-layout': 'defaultLayout' };
  for (const k of 'default-cwd default-shell default-mode theme layout-dir theme-dir simplified-ui pane-frames mirror-session on-force-close scroll-buffer-size copy-command copy-clipboard copy-on-select scrollback-editor session-name attach-to-session auto-layout session-serialization serialize-pane-viewport scrollback-lines-to-serialize styled-underlines serialization-interval disable-session-metadata support-kitty-keyboard-protocol web-server web-sharing stacked-resize show-startup-tips show-release-notes post-command-discovery-hook'.split(
    ' ',
  )) {
    v[`--${k}`] = k;
  }
  return v;
}
