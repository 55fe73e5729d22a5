// Output formats of the fake zellij: list-panes (JSON / table), dump-layout (KDL), session
// listings (humantime durations), Rust `{:?}` string quoting.
import { effectiveCwd, paneProcessState } from './procs.mjs';

/** @typedef {import('./state.mjs').SessionRecord} SessionRecord */
/** @typedef {import('./state.mjs').PaneRecord} PaneRecord */

/** Rust `format!("{:?}", s)` for a str. @param {string} s */
export function rustDebug(s) {
  let out = '"';
  for (const ch of s) {
    const c = /** @type {number} */ (ch.codePointAt(0));
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\0') out += '\\0';
    else if (c < 0x20 || c === 0x7f) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/** humantime::format_duration of whole seconds (eg. `1h 2m 3s`, `0s`). @param {number} secs */
export function humanDuration(secs) {
  const units = /** @type {const} */ ([
    [31_557_600, 'year', true],
    [2_630_016, 'month', true],
    [86_400, 'day', true],
    [3600, 'h', false],
    [60, 'm', false],
    [1, 's', false],
  ]);
  const parts = [];
  let rest = Math.max(0, Math.floor(secs));
  for (const [size, unit, plural] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n}${unit}${plural && n > 1 ? 's' : ''}`);
  }
  return parts.length > 0 ? parts.join(' ') : '0s';
}

/** `list-sessions` lines. @param {SessionRecord[]} sessions @param {{ noFormatting: boolean, short: boolean, reverse: boolean }} o */
export function sessionLines(sessions, o) {
  const current = process.env.ZELLIJ_SESSION_NAME ?? '';
  const sorted = [...sessions].sort((a, b) =>
    o.reverse ? b.createdAt - a.createdAt : a.createdAt - b.createdAt,
  );
  return sorted.map((s) => {
    if (o.short) return s.name;
    const age = humanDuration((Date.now() - s.createdAt) / 1000);
    const dead = s.status === 'exited';
    if (o.noFormatting) {
      const suffix = current === s.name ? '(current)' : dead ? '(EXITED - attach to resurrect)' : '';
      return `${s.name} [Created ${age} ago] ${suffix}`;
    }
    const suffix =
      current === s.name ? '(current)' : dead ? '(\x1b[31;1mEXITED\x1b[m - attach to resurrect)' : '';
    return `\x1b[32;1m${s.name}\x1b[m [Created \x1b[35;1m${age}\x1b[m ago] ${suffix}`;
  });
}

/** @param {PaneRecord} p */
const commandLine = (p) => (p.command ? [p.command, ...p.args].join(' ') : null);

/** @param {string} dir @param {SessionRecord} s @param {boolean} all */
export function paneEntries(dir, s, all) {
  const visible = visiblePanes(dir, s).filter((p) => all || p.selectable);
  const tabPos = new Map(s.tabs.map((t) => [t.id, t]));
  const sorted = [...visible].sort((a, b) => {
    const ta = tabPos.get(a.tabId)?.position ?? 0;
    const tb = tabPos.get(b.tabId)?.position ?? 0;
    return ta - tb || Number(b.kind === 'plugin') - Number(a.kind === 'plugin') || a.id - b.id;
  });
  return sorted.map((p) => {
    const tab = tabPos.get(p.tabId);
    const st = paneProcessState(dir, s, p);
    const terminal = p.kind === 'terminal';
    const shellTitle = `Pane #${s.panes.filter((q) => q.tabId === p.tabId && q.kind === 'terminal').indexOf(p) + 1}`;
    const title = p.name ?? (terminal ? (commandLine(p) ?? p.edit ?? shellTitle) : (p.pluginUrl ?? ''));
    /** @type {Record<string, unknown>} */
    const entry = {
      id: p.id,
      is_plugin: !terminal,
      is_focused: s.focusedPane === p.id && terminal,
      is_fullscreen: false,
      is_floating: p.floating,
      is_suppressed: false,
      title,
      exited: st.exited,
      exit_status: st.exitStatus,
      is_held: terminal && p.command !== null && !st.running,
      pane_x: 0,
      pane_content_x: 0,
      pane_y: 0,
      pane_content_y: 0,
      pane_rows: 0,
      pane_content_rows: 0,
      pane_columns: 0,
      pane_content_columns: 0,
      cursor_coordinates_in_pane: null,
      terminal_command: commandLine(p),
      plugin_url: p.pluginUrl,
      is_selectable: p.selectable,
      index_in_pane_group: {},
      default_fg: null,
      default_bg: null,
      tab_id: p.tabId,
      tab_position: tab?.position ?? 0,
      tab_name: tab?.name ?? '',
    };
    if (terminal && (st.running || !p.command)) {
      entry.pane_command = p.command ? commandLine(p) : (s.env.SHELL ?? '/bin/sh');
    }
    if (terminal && (st.running || !p.command)) entry.pane_cwd = effectiveCwd(p.cwd, s.serverCwd);
    return entry;
  });
}

/** Hide panes whose command exited with close_on_exit (Zellij closes them). */
export function visiblePanes(/** @type {string} */ dir, /** @type {SessionRecord} */ s) {
  return s.panes.filter((p) => !(p.closeOnExit && paneProcessState(dir, s, p).exited));
}

/** @param {Record<string, unknown>[]} entries */
export function paneTable(entries) {
  return [
    'PANE_ID  TYPE  TITLE',
    ...entries.map(
      (e) =>
        `${e.is_plugin ? 'plugin' : 'terminal'}_${e.id}  ${e.is_plugin ? 'plugin' : 'terminal'}  ${e.title}`,
    ),
  ];
}

/** KDL v1 string literal. @param {string} s */
export const kdlString = (s) => JSON.stringify(s).replace(/\\u([0-9a-f]{4})/g, (_, h) => `\\u{${h}}`);

/** @param {PaneRecord} p @param {string} indent */
function dumpPane(p, indent) {
  if (p.kind === 'plugin') {
    return [
      `${indent}pane size=1 borderless=true {`,
      `${indent}    plugin location=${kdlString(p.pluginUrl ?? '')}`,
      `${indent}}`,
    ];
  }
  let head = `${indent}pane`;
  if (p.command) head += ` command=${kdlString(p.command)}`;
  if (p.edit) head += ` edit=${kdlString(p.edit)}`;
  head += ` cwd=${kdlString(p.cwd)}`;
  if (p.name) head += ` name=${kdlString(p.name)}`;
  const body = [];
  if (p.command && p.args.length > 0) body.push(`${indent}    args ${p.args.map(kdlString).join(' ')}`);
  if (p.command && p.closeOnExit) body.push(`${indent}    close_on_exit true`);
  if (p.command) body.push(`${indent}    start_suspended true`);
  return body.length > 0 ? [`${head} {`, ...body, `${indent}}`] : [head];
}

/** `action dump-layout` (simplified serializer: pane tree flattened, no sizes). @param {SessionRecord} s */
export function dumpLayout(s) {
  const lines = ['layout {'];
  for (const t of [...s.tabs].sort((a, b) => a.position - b.position)) {
    const focused = s.panes.find((p) => p.id === s.focusedPane && p.kind === 'terminal')?.tabId === t.id;
    lines.push(`    tab name=${kdlString(t.name)}${focused ? ' focus=true' : ''} {`);
    const panes = s.panes.filter((p) => p.tabId === t.id);
    for (const p of panes.filter((q) => !q.floating)) lines.push(...dumpPane(p, '        '));
    const floats = panes.filter((q) => q.floating);
    if (floats.length > 0) {
      lines.push('        floating_panes {');
      for (const p of floats) lines.push(...dumpPane(p, '            '));
      lines.push('        }');
    }
    lines.push('    }');
  }
  lines.push('    new_tab_template {', '        pane', '    }', '}');
  return lines.join('\n');
}
