// `zellij [--session NAME] action …` (and `zellij run`) for the fake zellij.
import fs from 'node:fs';
import path from 'node:path';
import { newPane, parseActionArgs } from './action-args.mjs';
import { clapError, err, errExit, exit, hangForever, out } from './io.mjs';
import { layoutSource, loadLayout } from './layout-source.mjs';
import { feedPane, killPanes, paneProcessState, spawnPane } from './procs.mjs';
import { dumpLayout, paneEntries, paneTable, sessionLines } from './render.mjs';
import { addTabs } from './sessions.mjs';
import { paneFile, readSession, readSessions, withLock, writeSession } from './state.mjs';

/** @typedef {import('./state.mjs').SessionRecord} SessionRecord */
/** @typedef {import('./state.mjs').PaneRecord} PaneRecord */
/** @typedef {{ dir: string, session?: string }} Ctx */

const MODELLED = new Set([
  'new-pane',
  'list-panes',
  'close-pane',
  'write-chars',
  'write',
  'paste',
  'send-keys',
  'dump-layout',
  'save-session',
  'rename-pane',
  'new-tab',
]);
const KNOWN = new Set([
  ...MODELLED,
  'list-tabs',
  'list-clients',
  'close-tab',
  'rename-tab',
  'go-to-tab',
  'dump-screen',
  'rename-session',
  'focus-next-pane',
  'resize',
  'toggle-floating-panes',
  'current-tab-info',
  'query-tab-names',
  'override-layout',
  'detach',
  'quit',
]);
const KEYS = /** @type {Record<string, string>} */ ({
  Enter: '\n',
  Tab: '\t',
  Esc: '\x1b',
  Space: ' ',
  Backspace: '\x7f',
  'Ctrl c': '\x03',
  'Ctrl d': '\x04',
  'Ctrl z': '\x1a',
  'Ctrl l': '\x0c',
});

/** send_action_to_session: which live session an action goes to. @param {Ctx} ctx */
function targetSession(ctx) {
  const sessions = readSessions(ctx.dir).filter((s) => s.status === 'live');
  const wanted = ctx.session;
  const notFound = () => {
    err(`Session '${wanted}' not found. The following sessions are active:`);
    for (const l of sessionLines(sessions, { noFormatting: true, short: false, reverse: true })) err(l);
    return exit(1);
  };
  if (sessions.length === 0) return errExit(1, 'There is no active session!');
  if (sessions.length === 1)
    return wanted === undefined || wanted === sessions[0].name ? sessions[0].name : notFound();
  if (wanted !== undefined) return sessions.some((s) => s.name === wanted) ? wanted : notFound();
  if (process.env.ZELLIJ_SESSION_NAME) return process.env.ZELLIJ_SESSION_NAME;
  err('Please specify the session name to send actions to. The following sessions are active:');
  for (const l of sessionLines(sessions, { noFormatting: true, short: false, reverse: true })) err(l);
  return exit(1);
}

/** @param {string} text @returns {{ kind: 'terminal' | 'plugin', id: number }} */
function parsePaneId(text) {
  const m = /^(?:(terminal|plugin)_)?(\d+)$/.exec(text);
  if (!m) {
    err(
      `Malformed pane id: ${text}, expecting either a bare integer (eg. 1), a terminal pane id (eg. terminal_1) or a plugin pane id (eg. plugin_1)`,
    );
    return exit(2);
  }
  return { kind: m[1] === 'plugin' ? 'plugin' : 'terminal', id: Number(m[2]) };
}

/** The pane an action targets: --pane-id, else the caller's $ZELLIJ_PANE_ID, else the focused pane. */
function findPane(/** @type {SessionRecord} */ s, /** @type {string | undefined} */ idText) {
  const own = process.env.ZELLIJ_SESSION_NAME === s.name ? process.env.ZELLIJ_PANE_ID : undefined;
  const ref =
    idText !== undefined
      ? parsePaneId(idText)
      : own
        ? parsePaneId(own)
        : { kind: 'terminal', id: s.focusedPane ?? -1 };
  const pane = s.panes.find((p) => p.kind === ref.kind && p.id === ref.id);
  if (!pane) {
    err(`Pane with id ${ref.kind === 'plugin' ? 'Plugin' : 'Terminal'}(${ref.id}) not found`);
    return exit(2);
  }
  return pane;
}

/** Record typed input, deliver it to the process; Enter (re)runs a held command pane. */
function typeInto(
  /** @type {Ctx} */ ctx,
  /** @type {SessionRecord} */ s,
  /** @type {PaneRecord} */ pane,
  /** @type {Buffer} */ data,
) {
  if (pane.kind !== 'terminal') return;
  fs.appendFileSync(paneFile(ctx.dir, s.name, `typed.terminal_${pane.id}`), data);
  const st = paneProcessState(ctx.dir, s, pane);
  if (pane.command && !st.running && /[\r\n]/.test(data.toString('latin1'))) spawnPane(ctx.dir, s, pane);
  else if (st.running) feedPane(ctx.dir, s.name, pane.id, data);
}

/** @param {Ctx} ctx @param {string[]} argv @param {{ run?: boolean }} [o] */
export async function action(ctx, argv, o = {}) {
  const [name, ...args] = o.run ? ['new-pane', ...argv] : argv;
  if (name === undefined)
    return clapError(
      "'zellij action' requires a subcommand but one was not provided",
      'zellij action <COMMAND>',
    );
  if (!KNOWN.has(name)) return clapError(`unrecognized subcommand '${name}'`, 'zellij action <COMMAND>');
  if (!MODELLED.has(name)) return errExit(2, `zellij (test double): action '${name}' is not modelled`);
  const p = parseActionArgs(name, args);
  const sessionName = targetSession(ctx);
  const result = withLock(ctx.dir, () => {
    const s = readSession(ctx.dir, sessionName);
    if (s?.status !== 'live') return 'hang';
    runAction(ctx, s, name, p, Boolean(o.run));
    writeSession(ctx.dir, s);
    return 'ok';
  });
  if (result === 'hang') return hangForever();
  return exit(0);
}

/**
 * @param {Ctx} ctx @param {SessionRecord} s @param {string} name
 * @param {ReturnType<typeof import('./io.mjs').parseArgs>} p @param {boolean} isRun
 */
function runAction(ctx, s, name, p, isRun) {
  const { opts, positionals, rest } = p;
  if (name === 'new-pane') return newPane(ctx, s, opts, rest, isRun);
  if (name === 'list-panes') {
    const entries = paneEntries(ctx.dir, s, Boolean(opts.all));
    return out(opts.json ? JSON.stringify(entries, null, 2) : paneTable(entries).join('\n'));
  }
  if (name === 'dump-layout') return out(dumpLayout(s));
  if (name === 'save-session') {
    s.serialized = true;
    return;
  }
  if (name === 'new-tab') {
    const cwd = path.resolve(typeof opts.cwd === 'string' ? opts.cwd : process.cwd());
    const src =
      typeof opts.layoutString === 'string'
        ? { kind: /** @type {const} */ ('string'), text: opts.layoutString }
        : typeof opts.layout === 'string'
          ? layoutSource(opts.layout, false)
          : { kind: /** @type {const} */ ('string'), text: 'layout { pane; }' };
    const [id] = addTabs(
      s,
      loadLayout(src, { globalCwd: cwd }),
      typeof opts.name === 'string' ? opts.name : null,
    );
    for (const pane of s.panes.filter((q) => q.tabId === id && q.command && !q.suspended))
      spawnPane(ctx.dir, s, pane);
    return out(String(id));
  }
  const pane = findPane(s, typeof opts.paneId === 'string' ? opts.paneId : undefined);
  if (name === 'close-pane') {
    killPanes([pane]);
    s.panes = s.panes.filter((q) => q !== pane);
    if (s.focusedPane === pane.id) s.focusedPane = s.panes.find((q) => q.kind === 'terminal')?.id ?? null;
  } else if (name === 'rename-pane') pane.name = positionals[0] ?? '';
  else if (name === 'write-chars' || name === 'paste')
    typeInto(ctx, s, pane, Buffer.from(positionals[0] ?? ''));
  else if (name === 'write') typeInto(ctx, s, pane, Buffer.from(positionals.map((b) => Number(b) & 0xff)));
  else if (name === 'send-keys')
    typeInto(
      ctx,
      s,
      pane,
      Buffer.from(positionals.map((k) => KEYS[k] ?? (k.length === 1 ? k : `<${k}>`)).join('')),
    );
}
