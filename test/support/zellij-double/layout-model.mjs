// The in-memory model of a parsed layout (a small mirror of Zellij's TiledPaneLayout /
// FloatingPaneLayout / Run) plus the merge and cwd-composition rules the parser applies.
import { joinPath } from './kdl-access.mjs';

/**
 * @typedef {{ type: 'command', command: string, args: string[], cwd: string | null, holdOnClose: boolean, holdOnStart: boolean }
 *   | { type: 'edit', file: string, cwd: string | null }
 *   | { type: 'cwd', cwd: string }
 *   | { type: 'plugin', location: string, cwd: string | null }} Run
 * @typedef {{ kind: 'tiled', name: string | null, run: Run | null, children: Tiled[], ext: number | null,
 *   stacked: boolean, expanded: boolean, borderless: boolean | null, focus: boolean | null,
 *   size: string | number | null, split: 'horizontal' | 'vertical', hideFloating: boolean }} Tiled
 * @typedef {{ kind: 'floating', name: string | null, run: Run | null, focus: boolean | null,
 *   x: string | number | null, y: string | number | null, width: string | number | null,
 *   height: string | number | null, pinned: boolean | null }} Floating
 */

/** @param {Partial<Tiled>} [over] @returns {Tiled} */
export function tiled(over = {}) {
  return {
    kind: 'tiled',
    name: null,
    run: null,
    children: [],
    ext: null,
    stacked: false,
    expanded: false,
    borderless: null,
    focus: null,
    size: null,
    split: 'horizontal',
    hideFloating: false,
    ...over,
  };
}

/** @param {Partial<Floating>} [over] @returns {Floating} */
export function floating(over = {}) {
  return {
    kind: 'floating',
    name: null,
    run: null,
    focus: null,
    x: null,
    y: null,
    width: null,
    height: null,
    pinned: null,
    ...over,
  };
}

/** @template T @param {T} v @returns {T} */
export const clone = (v) => structuredClone(v);

/**
 * Run::merge (template run + consumer run).
 * @param {Run | null} base @param {Run | null} other @returns {Run | null}
 */
export function mergeRun(base, other) {
  if (base && other) {
    if (base.type === 'command' && other.type === 'command') {
      const merged = clone(other);
      if (merged.cwd === null && base.cwd !== null) merged.cwd = base.cwd;
      if (merged.args.length === 0 && base.args.length > 0) merged.args = [...base.args];
      return merged;
    }
    if (base.type === 'command' && other.type === 'cwd') return { ...clone(base), cwd: other.cwd };
    if (base.type === 'cwd' && other.type === 'command') {
      const merged = clone(other);
      if (merged.cwd === null) merged.cwd = base.cwd;
      return merged;
    }
    if (base.type === 'command' && other.type === 'edit') {
      if (base.cwd === null) return clone(other);
      return { type: 'edit', file: joinPath(base.cwd, other.file), cwd: joinPath(base.cwd, other.cwd ?? '') };
    }
    if (base.type === 'cwd' && other.type === 'edit') {
      const cwd = other.cwd ?? base.cwd;
      return { type: 'edit', file: joinPath(cwd, other.file), cwd };
    }
    return clone(other);
  }
  return clone(base ?? other ?? null);
}

/** Run::add_cwd @param {Run} run @param {string} cwd */
export function addCwdToRun(run, cwd) {
  if (run.type === 'command') run.cwd = run.cwd === null ? cwd : joinPath(cwd, run.cwd);
  else if (run.type === 'edit') {
    run.cwd = run.cwd === null ? cwd : joinPath(cwd, run.cwd);
    run.file = joinPath(cwd, run.file);
  } else if (run.type === 'cwd') run.cwd = joinPath(cwd, run.cwd);
  else if (run.cwd === null) run.cwd = cwd;
}

/** TiledPaneLayout::add_cwd_to_layout @param {Tiled} layout @param {string} cwd */
export function addCwdToLayout(layout, cwd) {
  if (layout.run) addCwdToRun(layout.run, cwd);
  else layout.run = { type: 'cwd', cwd };
  for (const c of layout.children) addCwdToLayout(c, cwd);
}

/** @param {Floating} pane @param {string} cwd */
export function addCwdToFloating(pane, cwd) {
  if (pane.run) addCwdToRun(pane.run, cwd);
  else pane.run = { type: 'cwd', cwd };
}

/** @param {Tiled} layout @returns {number} */
export function childrenBlockCount(layout) {
  return (layout.ext === null ? 0 : 1) + layout.children.reduce((n, c) => n + childrenBlockCount(c), 0);
}

/** TiledPaneLayout::insert_children_layout @param {Tiled} layout @param {Tiled} inserted */
export function insertChildrenLayout(layout, inserted) {
  if (layout.ext !== null) {
    layout.children.splice(layout.ext, 0, clone(inserted));
    layout.ext = null;
    return true;
  }
  return layout.children.some((c) => insertChildrenLayout(c, inserted));
}

/** Set args / close_on_exit / start_suspended on a command run (template consumers). */
export function addCommandExtras(
  /** @type {Run | null} */ run,
  /** @type {string[] | undefined} */ args,
  /** @type {boolean | undefined} */ closeOnExit,
  /** @type {boolean | undefined} */ startSuspended,
) {
  if (run?.type !== 'command') return;
  if (args && args.length > 0) run.args = [...args];
  if (closeOnExit !== undefined) run.holdOnClose = !closeOnExit;
  if (startSuspended !== undefined) run.holdOnStart = startSuspended;
}

/** The leaf panes of a tiled layout (a pane with children is only a container). */
export function leaves(/** @type {Tiled} */ layout) {
  /** @type {Tiled[]} */
  const out = [];
  const walk = (/** @type {Tiled} */ l) => {
    if (l.children.length === 0) out.push(l);
    else for (const c of l.children) walk(c);
  };
  walk(layout);
  return out;
}
