// Turning a resolved layout into session/pane records, resurrection and killing.
import path from 'node:path';
import { leaves } from './layout-model.mjs';
import { killPanes, spawnPane } from './procs.mjs';
import { removePaneFiles, removeSession, writeSession } from './state.mjs';

/** @typedef {import('./state.mjs').SessionRecord} SessionRecord */
/** @typedef {import('./state.mjs').PaneRecord} PaneRecord */
/** @typedef {import('./layout-doc.mjs').Tab} Tab */
/** @typedef {import('./layout-model.mjs').Run} Run */

const UNSELECTABLE = new Set(['tab-bar', 'status-bar', 'compact-bar']);
const BUILTIN_PLUGINS = new Set([
  'tab-bar',
  'status-bar',
  'compact-bar',
  'strider',
  'session-manager',
  'welcome-screen',
  'filepicker',
  'configuration',
  'plugin-manager',
  'about',
  'share',
  'multiple-select',
  'layout-manager',
  'link',
]);

/** Resolve a plugin location the way the default config's `plugins {}` aliases do. @param {string} loc */
function pluginUrl(loc) {
  return BUILTIN_PLUGINS.has(loc) ? `zellij:${loc}` : loc;
}

/**
 * @param {SessionRecord} s @param {number} tabId @param {Run | null} run
 * @param {{ name: string | null, floating: boolean, focus: boolean | null }} meta
 * @returns {PaneRecord}
 */
function paneFromRun(s, tabId, run, meta) {
  const base = {
    tabId,
    floating: meta.floating,
    name: meta.name,
    command: null,
    args: [],
    edit: null,
    cwd: s.serverCwd,
    closeOnExit: false,
    suspended: false,
    pid: null,
    pluginUrl: null,
    selectable: true,
    runs: 0,
  };
  const cwd = (/** @type {string | null} */ c) => (c === null ? s.serverCwd : path.resolve(s.serverCwd, c));
  if (run?.type === 'plugin') {
    const url = pluginUrl(run.location);
    const short = url.replace(/^zellij:/, '');
    return {
      ...base,
      id: s.nextPluginId++,
      kind: 'plugin',
      pluginUrl: url,
      selectable: !UNSELECTABLE.has(short),
    };
  }
  const pane = /** @type {PaneRecord} */ ({ ...base, id: s.nextTerminalId++, kind: 'terminal' });
  if (run?.type === 'command') {
    Object.assign(pane, {
      command: run.command,
      args: [...run.args],
      cwd: cwd(run.cwd),
      closeOnExit: !run.holdOnClose,
      suspended: run.holdOnStart,
    });
  } else if (run?.type === 'edit') Object.assign(pane, { edit: run.file, cwd: cwd(run.cwd) });
  else if (run?.type === 'cwd') pane.cwd = cwd(run.cwd);
  if (meta.focus && s.focusedPane === null) s.focusedPane = pane.id;
  return pane;
}

/**
 * Add the tabs of a resolved layout to a session (ids in layout order: tiled, then floating).
 * @param {SessionRecord} s @param {Tab[]} tabs @param {string | null} [firstName]
 */
export function addTabs(s, tabs, firstName = null) {
  const added = [];
  for (const [i, tab] of tabs.entries()) {
    const id = s.nextTabId++;
    const position = s.tabs.length;
    const name = (i === 0 ? firstName : null) ?? tab.name ?? `Tab #${position + 1}`;
    s.tabs.push({ id, position, name });
    added.push(id);
    for (const leaf of leaves(tab.layout)) {
      s.panes.push(paneFromRun(s, id, leaf.run, { name: leaf.name, floating: false, focus: leaf.focus }));
    }
    for (const f of tab.floats) {
      s.panes.push(paneFromRun(s, id, f.run, { name: f.name, floating: true, focus: f.focus }));
    }
  }
  if (s.focusedPane === null) s.focusedPane = s.panes.find((p) => p.kind === 'terminal')?.id ?? null;
  return added;
}

/**
 * @param {string} name @param {{ env: NodeJS.ProcessEnv, cwd: string, serialized: boolean }} o
 * @returns {SessionRecord}
 */
export function newSession(name, o) {
  return {
    name,
    createdAt: Date.now(),
    status: 'live',
    serialized: o.serialized,
    serverCwd: o.cwd,
    env: /** @type {Record<string, string>} */ ({ ...o.env, ZELLIJ_SESSION_NAME: name }),
    tabs: [],
    panes: [],
    nextTerminalId: 0,
    nextPluginId: 0,
    nextTabId: 0,
    focusedPane: null,
  };
}

/** Spawn every command pane that is not suspended. @param {string} dir @param {SessionRecord} s */
export function startPanes(dir, s) {
  for (const p of s.panes) if (p.kind === 'terminal' && p.command && !p.suspended) spawnPane(dir, s, p);
}

/**
 * Resurrect an exited session from its cached layout: same tabs/panes, new ids, every
 * command pane suspended (`start_suspended true`) unless forceRun.
 * @param {string} dir @param {SessionRecord} old
 * @param {{ env: NodeJS.ProcessEnv, cwd: string, forceRun: boolean }} o
 */
export function resurrectSession(dir, old, o) {
  removePaneFiles(dir, old.name);
  const s = newSession(old.name, { env: o.env, cwd: o.cwd, serialized: true });
  /** @type {Map<number, number>} */
  const tabIds = new Map();
  for (const t of old.tabs) {
    tabIds.set(t.id, s.nextTabId);
    s.tabs.push({ id: s.nextTabId++, position: s.tabs.length, name: t.name });
  }
  for (const p of old.panes) {
    const id = p.kind === 'plugin' ? s.nextPluginId++ : s.nextTerminalId++;
    const suspended = p.kind === 'terminal' && p.command !== null && !o.forceRun;
    s.panes.push({ ...p, id, tabId: tabIds.get(p.tabId) ?? 0, pid: null, runs: 0, suspended });
  }
  s.focusedPane = s.panes.find((p) => p.kind === 'terminal')?.id ?? null;
  startPanes(dir, s);
  writeSession(dir, s);
  return s;
}

/** kill-session: kill every pane process; EXITED if serialized, else gone. @param {string} dir @param {SessionRecord} s */
export function killSession(dir, s) {
  killPanes(s.panes);
  if (s.serialized) {
    s.status = 'exited';
    writeSession(dir, s);
  } else removeSession(dir, s.name);
}

const ADJECTIVES = [
  'amber',
  'brave',
  'calm',
  'dapper',
  'eager',
  'fuzzy',
  'gentle',
  'humble',
  'jolly',
  'keen',
];
const NOUNS = [
  'otter',
  'falcon',
  'maple',
  'comet',
  'badger',
  'harbor',
  'pebble',
  'willow',
  'quartz',
  'ember',
];
export function randomSessionName() {
  const pick = (/** @type {string[]} */ a) => a[Math.floor(Math.random() * a.length)];
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}`;
}
