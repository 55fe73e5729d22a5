// Pane-level rules of Zellij's KDL layout parser (pane / floating pane / pane-template
// consumers), re-implemented from REFERENCE §2 and a reading of kdl_layout_parser.rs.
import { boolStrict, LayoutError, strStrict } from './kdl-access.mjs';
import {
  addCommandExtras,
  childrenBlockCount,
  clone,
  floating,
  insertChildrenLayout,
  mergeRun,
  tiled,
} from './layout-model.mjs';
import { ValueParser } from './layout-values.mjs';

export { isReserved, isTabProp } from './layout-values.mjs';

/** @typedef {import('./kdl-access.mjs').KdlNode} KdlNode */
/** @typedef {import('./layout-model.mjs').Run} Run */
/** @typedef {import('./layout-model.mjs').Tiled} Tiled */
/** @typedef {import('./layout-model.mjs').Floating} Floating */
/** @typedef {{ type: 'pane' | 'either', layout: Tiled, node: KdlNode } | { type: 'floating', layout: Floating, node: KdlNode }} PaneTemplate */

export class PaneParser extends ValueParser {
  /** @param {KdlNode} node */
  hasNestedPanes(node) {
    return node.children.some(
      (c) => c.name === 'pane' || c.name === 'children' || c.name === 'tab' || this.paneTemplates.has(c.name),
    );
  }

  /** @param {KdlNode} node */
  assertNoMixedChildrenAndProperties(node) {
    const offending = [];
    if (boolStrict(node, 'borderless') !== undefined) offending.push('borderless');
    const hasCwd = this.parsePath(node, 'cwd') !== undefined;
    const run = this.parseRunBlock(node, false);
    if (run && run.type !== 'cwd') offending.push('command/edit/plugin');
    if (hasCwd) offending.push('cwd');
    if (offending.length > 0 && this.hasNestedPanes(node)) {
      throw new LayoutError(`Cannot have both properties (${offending.join(', ')}) and nested children`);
    }
  }

  /** @param {KdlNode[]} children @param {boolean} isPartOfStack */
  assertNoGrandchildrenInStack(children, isPartOfStack) {
    if (!isPartOfStack) return;
    if (children.some((c) => c.name === 'pane' || this.paneTemplates.has(c.name))) {
      throw new LayoutError('Stacked panes cannot have children');
    }
  }

  /** @param {KdlNode} node @param {boolean} isPartOfStack @returns {Tiled} */
  parsePaneNode(node, isPartOfStack) {
    this.assertValidPaneProps(node);
    const stacked = boolStrict(node, 'stacked') ?? false;
    const expanded = boolStrict(node, 'expanded') ?? false;
    const borderless = boolStrict(node, 'borderless') ?? null;
    const focus = boolStrict(node, 'focus') ?? null;
    const name = strStrict(node, 'name') ?? null;
    boolStrict(node, 'exclude_from_sync');
    strStrict(node, 'contents_file');
    const size = this.parseSplitSize(node);
    const run = this.parseRunBlock(node, false);
    const split = this.parseSplitDirection(node);
    let ext = null;
    /** @type {Tiled[]} */
    let children = [];
    if (node.children.length > 0) {
      this.assertNoGrandchildrenInStack(node.children, isPartOfStack);
      ({ ext, children } = this.parseChildPaneNodesForPane(node.children, stacked));
    }
    if (stacked && ext === null && children.length === 0) {
      throw new LayoutError(
        'A stacked pane must have children nodes or possibly a "children" node if in a swap_layout',
      );
    }
    if (stacked && split === 'vertical') throw new LayoutError('Stacked panes cannot be vertical');
    if (expanded && !isPartOfStack) throw new LayoutError('An expanded pane must be part of a stack');
    strStrict(node, 'default_fg');
    strStrict(node, 'default_bg');
    this.assertNoMixedChildrenAndProperties(node);
    return tiled({ name, run, children, ext, stacked, expanded, borderless, focus, size, split });
  }

  /** @param {KdlNode} node @returns {Floating} */
  parseFloatingPaneNode(node) {
    this.assertValidFloatingProps(node);
    const height = this.parsePercentOrFixed(node, 'height', false);
    const width = this.parsePercentOrFixed(node, 'width', false);
    const x = this.parsePercentOrFixed(node, 'x', true);
    const y = this.parsePercentOrFixed(node, 'y', true);
    const pinned = boolStrict(node, 'pinned') ?? null;
    boolStrict(node, 'borderless');
    const run = this.parseRunBlock(node, false);
    const focus = boolStrict(node, 'focus') ?? null;
    const name = strStrict(node, 'name') ?? null;
    for (const k of ['contents_file', 'default_fg', 'default_bg']) strStrict(node, k);
    this.assertNoMixedChildrenAndProperties(node);
    return floating({ name, run, focus, x, y, width, height, pinned });
  }

  /** @param {KdlNode[]} children @param {boolean} isPartOfStack */
  parseChildPaneNodesForPane(children, isPartOfStack) {
    /** @type {number | null} */
    let ext = null;
    /** @type {Tiled[]} */
    const nodes = [];
    children.forEach((c, i) => {
      const tpl = this.paneTemplates.get(c.name);
      if (c.name === 'pane') nodes.push(this.parsePaneNode(c, isPartOfStack));
      else if (c.name === 'children') {
        assertBareChildren(c);
        ext = i;
      } else if (tpl) nodes.push(this.parsePaneNodeWithTemplate(c, tpl, false));
      else if (!this.isPaneProp(c.name)) throw new LayoutError(`Unknown pane property: ${c.name}`);
    });
    return { ext, children: nodes };
  }

  /** @param {Run | null} run @param {Run | null} tplRun @param {Record<string, unknown>} extras */
  assertNoBareAttributesWithTemplate(run, tplRun, extras) {
    if (run || tplRun) return;
    for (const [k, v] of Object.entries(extras)) {
      if (v !== undefined) {
        throw new LayoutError(
          `${k} can only be specified if a command was specified either in the pane_template or in the pane`,
        );
      }
    }
  }

  /** Shared by tiled and floating template consumers. @param {KdlNode} node */
  consumerBasics(node) {
    const focus = boolStrict(node, 'focus');
    const name = strStrict(node, 'name');
    const args = this.parseArgs(node);
    const closeOnExit = boolStrict(node, 'close_on_exit');
    const startSuspended = boolStrict(node, 'start_suspended');
    return { focus, name, args, closeOnExit, startSuspended };
  }

  /**
   * @param {KdlNode} node @param {PaneTemplate} tpl @param {boolean} markExternalChildren
   * @returns {Tiled}
   */
  parsePaneNodeWithTemplate(node, tpl, markExternalChildren) {
    if (tpl.type === 'floating') {
      throw new LayoutError(
        `pane_template ${strStrict(tpl.node, 'name') ?? ''}, is a floating pane template (derived from its properties) and cannot be applied to a tiled pane`,
      );
    }
    const layout = clone(tpl.layout);
    const borderless = boolStrict(node, 'borderless');
    const { focus, name, args, closeOnExit, startSuspended } = this.consumerBasics(node);
    const stacked = boolStrict(node, 'stacked');
    const expanded = boolStrict(node, 'expanded');
    const size = this.parseSplitSize(node);
    const run = this.parseRunBlock(node, true);
    boolStrict(node, 'exclude_from_sync');
    const ext = markExternalChildren ? externalChildrenIndex(node) : null;
    this.assertNoBareAttributesWithTemplate(run, layout.run, {
      args,
      close_on_exit: closeOnExit,
      start_suspended: startSuspended,
    });
    this.insertChildrenToPaneTemplate(node, layout);
    layout.run = mergeRun(layout.run, run);
    addCommandExtras(layout.run, args, closeOnExit, startSuspended);
    if (borderless !== undefined) layout.borderless = borderless;
    if (focus !== undefined) layout.focus = focus;
    if (name !== undefined) layout.name = name;
    if (size !== null) layout.size = size;
    if (layout.ext !== null) layout.children.splice(layout.ext, 0, tiled({ stacked: stacked ?? false }));
    if (stacked !== undefined) layout.stacked = stacked;
    if (expanded !== undefined) layout.expanded = expanded;
    layout.ext = ext;
    return layout;
  }

  /** @param {KdlNode} node @param {Tiled} layout */
  insertChildrenToPaneTemplate(node, layout) {
    const stacked = boolStrict(node, 'stacked') ?? layout.stacked;
    const expanded = boolStrict(node, 'expanded') ?? layout.stacked;
    const split = this.parseSplitDirection(node);
    if (node.children.length === 0) return;
    const { ext, children } = this.parseChildPaneNodesForPane(node.children, stacked);
    if (children.length === 0) return;
    assertOneChildrenBlock(layout);
    if (!insertChildrenLayout(layout, tiled({ split, children, ext, stacked, expanded }))) {
      throw new LayoutError('This template does not have children');
    }
  }

  /** @param {KdlNode} node @param {PaneTemplate} tpl @returns {Floating} */
  parseFloatingPaneNodeWithTemplate(node, tpl) {
    if (tpl.type === 'pane') {
      throw new LayoutError(
        `pane_template ${strStrict(tpl.node, 'name') ?? ''}, is a non-floating pane template (derived from its properties) and cannot be applied to a floating pane`,
      );
    }
    const { focus, name, args, closeOnExit, startSuspended } = this.consumerBasics(node);
    const run = this.parseRunBlock(node, true);
    const base = tpl.layout;
    this.assertNoBareAttributesWithTemplate(run, base.run, {
      args,
      close_on_exit: closeOnExit,
      start_suspended: startSuspended,
    });
    const pane =
      base.kind === 'floating'
        ? clone(base)
        : floating({ name: base.name, run: clone(base.run), focus: base.focus });
    pane.run = mergeRun(pane.run, run);
    addCommandExtras(pane.run, args, closeOnExit, startSuspended);
    if (focus !== undefined) pane.focus = focus;
    if (name !== undefined) pane.name = name;
    for (const [k, zero] of /** @type {const} */ ([
      ['height', false],
      ['width', false],
      ['x', true],
      ['y', true],
    ])) {
      const v = this.parsePercentOrFixed(node, k, zero);
      if (v !== null) pane[k] = v;
    }
    const pinned = boolStrict(node, 'pinned');
    if (pinned !== undefined) pane.pinned = pinned;
    return pane;
  }
}

/** A `children` placeholder must not have child nodes. @param {KdlNode} c */
export function assertBareChildren(c) {
  if (c.children.length > 0) {
    throw new LayoutError(`Invalid \`children\` properties: ${c.children.map((g) => g.name).join(', ')}`);
  }
}

/** @param {KdlNode} node */
function externalChildrenIndex(node) {
  const i = node.children.findIndex((c) => c.name === 'children');
  if (i === -1) return null;
  assertBareChildren(node.children[i]);
  return i;
}

/** @param {Tiled} layout */
export function assertOneChildrenBlock(layout) {
  const n = childrenBlockCount(layout);
  if (n !== 1) {
    throw new LayoutError(
      `This template has ${n} children blocks, only 1 is allowed when used to insert child panes`,
    );
  }
}
