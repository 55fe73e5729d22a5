// Property values of Zellij layout nodes (sizes, split direction, args, command/edit/cwd,
// plugin blocks) and the property-name tables, re-implemented from REFERENCE §2.
import {
  boolStrict,
  child,
  hasValue,
  intLoose,
  joinPath,
  LayoutError,
  shellExpand,
  strLoose,
  strStrict,
} from './kdl-access.mjs';

/** @typedef {import('./kdl-access.mjs').KdlNode} KdlNode */
/** @typedef {import('./layout-model.mjs').Run} Run */
/** @typedef {import('./layout-panes.mjs').PaneTemplate} PaneTemplate */

const RESERVED = new Set(
  'pane layout pane_template tab_template default_tab_template new_tab_template command edit plugin children tab args close_on_exit start_suspended borderless focus name size cwd split_direction swap_tiled_layout swap_floating_layout hide_floating_panes contents_file'.split(
    ' ',
  ),
);
const PANE_PROPS = new Set(
  'borderless focus name size plugin command edit cwd args close_on_exit start_suspended split_direction pane children stacked expanded exclude_from_sync contents_file default_fg default_bg'.split(
    ' ',
  ),
);
const FLOATING_PROPS = new Set(
  'borderless focus name plugin command edit cwd args close_on_exit start_suspended x y width height pinned contents_file default_fg default_bg'.split(
    ' ',
  ),
);
const TAB_PROPS = new Set(
  'focus name split_direction cwd floating_panes children max_panes min_panes exact_panes hide_floating_panes'.split(
    ' ',
  ),
);
export const isReserved = (/** @type {string} */ w) => RESERVED.has(w);
export const isTabProp = (/** @type {string} */ w) => TAB_PROPS.has(w);
const PLUGIN_RESERVED = new Set(['location', '_allow_exec_host_cmd', 'path']);
const SIZE_HINT = 'should be a fixed number (eg. 1) or a quoted percent (eg. "50%")';

export class ValueParser {
  /** @param {{ env?: Record<string, string | undefined>, globalCwd?: string | null }} [opts] */
  constructor(opts = {}) {
    this.env = opts.env ?? process.env;
    /** @type {string | null} */
    this.globalCwd = opts.globalCwd ?? null;
    /** @type {Map<string, PaneTemplate>} */
    this.paneTemplates = new Map();
  }

  /** @param {KdlNode} node @param {string} key @returns {string | undefined} */
  parsePath(node, key) {
    const s = strStrict(node, key);
    if (s === undefined) return undefined;
    try {
      return shellExpand(s, this.env);
    } catch (e) {
      throw new LayoutError(/** @type {Error} */ (e).message);
    }
  }

  /** @param {string | null | undefined} tabCwd */
  cwdPrefix(tabCwd) {
    if (this.globalCwd !== null && tabCwd != null) return joinPath(this.globalCwd, tabCwd);
    return tabCwd ?? this.globalCwd;
  }

  isPaneProp(/** @type {string} */ k) {
    return PANE_PROPS.has(k);
  }
  isFloatingProp(/** @type {string} */ k) {
    return FLOATING_PROPS.has(k);
  }

  /** Entry names: property keys, and string arguments (kdl-rs treats those as names too). */
  assertEntries(
    /** @type {KdlNode} */ node,
    /** @type {(k: string) => boolean} */ ok,
    /** @type {string} */ what,
  ) {
    for (const v of node.values) {
      if (typeof v !== 'string') throw new LayoutError(`Unknown ${what}`);
      if (!ok(v)) throw new LayoutError(`Unknown ${what}: ${v}`);
    }
    for (const k of Object.keys(node.properties)) if (!ok(k)) throw new LayoutError(`Unknown ${what}: ${k}`);
  }
  assertValidPaneProps(/** @type {KdlNode} */ node) {
    this.assertEntries(node, (k) => PANE_PROPS.has(k), 'pane property');
  }
  assertValidFloatingProps(/** @type {KdlNode} */ node) {
    this.assertEntries(node, (k) => FLOATING_PROPS.has(k), 'floating pane property');
  }

  /** @param {KdlNode} node @returns {string | number | null} */
  parseSplitSize(node) {
    const s = strLoose(node, 'size');
    if (s !== undefined) {
      const pct = /^\+?(\d+)%$/.exec(s);
      if (pct && Number(pct[1]) > 0 && Number(pct[1]) <= 100) return `${Number(pct[1])}%`;
      if (!pct && /^\+?\d+$/.test(s)) return Number(s);
      throw new LayoutError(`size ${SIZE_HINT}`);
    }
    const i = intLoose(node, 'size');
    if (i !== undefined) {
      // Zellij only refuses 0 (a negative wraps around as usize); this double refuses both.
      if (i <= 0) throw new LayoutError('size should be greater than 0');
      return i;
    }
    if (hasValue(node, 'size')) throw new LayoutError(`size ${SIZE_HINT}`);
    if (child(node, 'size')) {
      throw new LayoutError(`size cannot be bare, it should have a value (eg. 'size 1', or 'size "50%"')`);
    }
    return null;
  }

  /** @param {KdlNode} node @param {string} key @param {boolean} canBeZero */
  parsePercentOrFixed(node, key, canBeZero) {
    const s = strLoose(node, key);
    if (s !== undefined) {
      const m = /^\+?(\d+)(%?)$/.exec(s);
      if (!m || (m[2] === '%' && Number(m[1]) > 100)) throw new LayoutError(`${key} ${SIZE_HINT}`);
      if (!canBeZero && Number(m[1]) === 0) throw new LayoutError(`${key} should be greater than 0`);
      return m[2] ? `${Number(m[1])}%` : Number(m[1]);
    }
    const i = intLoose(node, key);
    if (i !== undefined) {
      if (i < 0) throw new LayoutError(`${key} ${SIZE_HINT}`); // stricter than Zellij (usize wrap)
      if (i === 0 && !canBeZero) throw new LayoutError(`${key} should be greater than 0`);
      return i;
    }
    // Zellij quirk: the fallback type checks look at `size`, not at `key`.
    if (hasValue(node, 'size')) throw new LayoutError(`${key} ${SIZE_HINT}`);
    if (child(node, 'size')) {
      throw new LayoutError(`${key} cannot be bare, it should have a value (eg. 'size 1', or 'size "50%"')`);
    }
    return null;
  }

  /** @param {KdlNode} node @returns {'horizontal' | 'vertical'} */
  parseSplitDirection(node) {
    const s = strStrict(node, 'split_direction');
    if (s === undefined || s === 'horizontal' || s === 'Horizontal') return 'horizontal';
    if (s === 'vertical' || s === 'Vertical') return 'vertical';
    throw new LayoutError(`split_direction should be either "horizontal" or "vertical" found: ${s}`);
  }

  /** @param {KdlNode} node @returns {string[] | undefined} */
  parseArgs(node) {
    const a = child(node, 'args');
    if (!a) return undefined;
    const entries = [...a.values, ...Object.values(a.properties)];
    if (entries.length === 0) {
      throw new LayoutError(
        'args cannot be empty and should contain one or more command arguments (eg. args "-h" "-v")',
      );
    }
    for (const e of entries) if (typeof e !== 'string') throw new LayoutError('Not a string');
    return /** @type {string[]} */ (entries);
  }

  /** @param {KdlNode} node @param {boolean} isTemplate @returns {Run | null} */
  parsePaneCommand(node, isTemplate) {
    const command = this.parsePath(node, 'command');
    const edit = this.parsePath(node, 'edit');
    const cwd = this.parsePath(node, 'cwd');
    const args = this.parseArgs(node);
    const closeOnExit = boolStrict(node, 'close_on_exit');
    const startSuspended = boolStrict(node, 'start_suspended');
    if (!isTemplate && command === undefined) {
      for (const [k, v] of [
        ['close_on_exit', closeOnExit],
        ['start_suspended', startSuspended],
        ['args', args],
      ]) {
        if (v !== undefined) throw new LayoutError(`${k} can only be set if a command was specified`);
      }
    }
    if (command !== undefined && edit !== undefined) {
      throw new LayoutError('cannot have both a command and an edit instruction for the same pane');
    }
    if (command !== undefined) {
      return {
        type: 'command',
        command,
        args: args ?? [],
        cwd: cwd ?? null,
        holdOnClose: closeOnExit === undefined ? true : !closeOnExit,
        holdOnStart: startSuspended ?? false,
      };
    }
    if (edit !== undefined) {
      return cwd === undefined
        ? { type: 'edit', file: edit, cwd: null }
        : { type: 'edit', file: joinPath(cwd, edit), cwd };
    }
    return cwd === undefined ? null : { type: 'cwd', cwd };
  }

  /** @param {KdlNode} plugin @returns {Run} */
  parsePluginBlock(plugin) {
    boolStrict(plugin, '_allow_exec_host_cmd');
    const location = strStrict(plugin, 'location');
    if (location === undefined) throw new LayoutError('Plugins must have a location');
    for (const c of plugin.children) {
      if (PLUGIN_RESERVED.has(c.name)) continue;
      const first = c.values[0] ?? Object.values(c.properties)[0];
      const ok = ['string', 'number', 'boolean'].includes(typeof first) || c.children.length > 0;
      if (!ok) throw new LayoutError(`Failed to parse plugin block configuration: ${c.name}`);
    }
    return { type: 'plugin', location, cwd: this.cwdPrefix(strLoose(plugin, 'cwd')) };
  }

  /** parse_command_plugin_or_edit_block(_for_template) @param {KdlNode} node @param {boolean} isTemplate */
  parseRunBlock(node, isTemplate) {
    let run = this.parsePaneCommand(node, isTemplate);
    const plugin = child(node, 'plugin');
    if (plugin) {
      if (run && run.type !== 'cwd') {
        throw new LayoutError('Cannot have both a command/edit and a plugin block for a single pane');
      }
      run = this.parsePluginBlock(plugin);
    }
    return run;
  }
}
