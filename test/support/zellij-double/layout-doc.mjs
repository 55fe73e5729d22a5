// Document-level rules of Zellij's KDL layout parser: the `layout` node, pane/tab templates
// (toposorted), tabs, floating panes and swap layouts. Produces the tabs a new session gets.
import { boolLoose, LayoutError, strLoose, strStrict } from './kdl-access.mjs';
import { addCwdToFloating, addCwdToLayout, clone, insertChildrenLayout, tiled } from './layout-model.mjs';
import { assertOneChildrenBlock, isReserved, isTabProp, PaneParser } from './layout-panes.mjs';
import { parseSwapDocument, populateSwapLayouts } from './layout-swap.mjs';
import { checkTemplateName, paneTemplateOrder, parsePaneTemplateNode } from './layout-templates.mjs';

/** @typedef {import('./kdl-access.mjs').KdlNode} KdlNode */
/** @typedef {import('./layout-model.mjs').Tiled} Tiled */
/** @typedef {import('./layout-model.mjs').Floating} Floating */
/** @typedef {{ layout: Tiled, floats: Floating[], node: KdlNode }} TabTemplate */
/** @typedef {{ name: string | null, focus: boolean, layout: Tiled, floats: Floating[] }} Tab */

const LAYOUT_PROP_ERRORS = {
  name: `The 'name' property on the layout node is treated as a tab name and cannot be used when there are explicit tab nodes. To name individual tabs, use: tab name="my-tab" { ... }`,
  split_direction: `The 'split_direction' property on the layout node is treated as a tab property and cannot be used when there are explicit tab nodes. To set split direction, place it on individual tab nodes: tab split_direction="vertical" { ... }`,
  hide_floating_panes: `The 'hide_floating_panes' property on the layout node is treated as a tab property and cannot be used when there are explicit tab nodes. To hide floating panes, place it on individual tab nodes: tab hide_floating_panes=true { ... }`,
};
const MIXED = 'Cannot have both tabs and panes in the same node';

export class LayoutParser extends PaneParser {
  /** @param {{ env?: Record<string, string | undefined>, globalCwd?: string | null }} [opts] */
  constructor(opts) {
    super(opts);
    /** @type {Map<string, TabTemplate>} */
    this.tabTemplates = new Map();
    /** @type {TabTemplate | null} */
    this.defaultTab = null;
    /** @type {Tab | null} */
    this.newTab = null;
  }

  /** @param {KdlNode} node property names only (kdl_property_names!) */
  assertValidTabProps(node) {
    for (const k of Object.keys(node.properties)) {
      if (!isTabProp(k)) throw new LayoutError(`Invalid tab property '${k}'`);
    }
  }

  /** @param {KdlNode[]} nodes */
  /** Swap layouts are validated (not kept): the double never swaps. @param {KdlNode[]} nodes */
  populateSwapLayouts(nodes) {
    populateSwapLayouts(this, nodes);
  }

  /** parse_external_swap_layouts: a `NAME.swap.kdl` file. @param {KdlNode[]} doc */
  parseSwapDocument(doc) {
    parseSwapDocument(this, doc);
  }

  /** @param {KdlNode[]} nodes */
  populatePaneTemplates(nodes) {
    for (const name of paneTemplateOrder(nodes)) {
      for (const n of nodes) {
        if (n.name === 'pane_template' && strLoose(n, 'name') === name) parsePaneTemplateNode(this, n);
      }
    }
  }

  /** @param {KdlNode[]} nodes */
  populateTabTemplates(nodes) {
    for (const n of nodes) {
      if (n.name === 'tab_template') {
        const name = strStrict(n, 'name');
        if (name === undefined) throw new LayoutError('Tab templates must have a name');
        checkTemplateName(name);
        if (this.tabTemplates.has(name)) {
          throw new LayoutError(`Duplicate definition of the "${name}" tab_template`);
        }
        if (this.paneTemplates.has(name)) {
          throw new LayoutError(
            `There is already a pane_template with the name "${name}" - can't have a tab_template with the same name`,
          );
        }
        this.tabTemplates.set(name, { ...this.parseTabTemplateNode(n), node: n });
      } else if (n.name === 'default_tab_template') {
        this.defaultTab = { ...this.parseTabTemplateNode(n), node: n };
      } else if (n.name === 'new_tab_template') {
        this.newTab = this.parseTabNode(n);
      }
    }
  }

  /** @param {KdlNode} node */
  parseTabTemplateNode(node) {
    this.assertValidTabProps(node);
    const split = this.parseSplitDirection(node);
    /** @type {Tiled[]} */
    const children = [];
    /** @type {Floating[]} */
    const floats = [];
    let ext = null;
    for (const c of node.children) {
      const tpl = this.paneTemplates.get(c.name);
      if (c.name === 'pane') children.push(this.parsePaneNode(c, false));
      else if (c.name === 'children') {
        if (c.children.length > 0 || c.values.length > 0 || Object.keys(c.properties).length > 0) {
          throw new LayoutError(
            'The `children` node must be bare. All properties should be places on the node consuming this template.',
          );
        }
        ext = children.length;
      } else if (tpl) children.push(this.parsePaneNodeWithTemplate(c, tpl, false));
      else if (c.name === 'floating_panes') this.populateFloatingPanes(c, floats);
      else if (isTabProp(c.name)) {
        throw new LayoutError(
          `Tab property '${c.name}' must be placed on the tab_template title line and not in the child braces`,
        );
      } else throw new LayoutError(`Invalid tab_template property: ${c.name}`);
    }
    return { layout: tiled({ split, children, ext }), floats };
  }

  /** @param {KdlNode[]} children @param {boolean} mark @param {Floating[]} floats */
  parseChildPaneNodesForTab(children, mark, floats) {
    /** @type {Tiled[]} */
    const nodes = [];
    for (const c of children) {
      const tpl = this.paneTemplates.get(c.name);
      if (c.name === 'pane') nodes.push(this.parsePaneNode(c, false));
      else if (tpl) nodes.push(this.parsePaneNodeWithTemplate(c, tpl, mark));
      else if (c.name === 'floating_panes') this.populateFloatingPanes(c, floats);
      else if (isTabProp(c.name)) {
        throw new LayoutError(
          `Tab property '${c.name}' must be placed on the tab title line and not in the child braces`,
        );
      } else throw new LayoutError(`Invalid tab property: ${c.name}`);
    }
    if (nodes.length === 0) nodes.push(tiled());
    return nodes;
  }

  /** @param {KdlNode} node @returns {Tab} */
  parseTabNode(node) {
    this.assertValidTabProps(node);
    const name = strLoose(node, 'name') ?? null;
    const cwd = this.parsePath(node, 'cwd');
    const focus = boolLoose(node, 'focus') ?? false;
    const hideFloating = boolLoose(node, 'hide_floating_panes') ?? false;
    const split = this.parseSplitDirection(node);
    /** @type {Floating[]} */
    const floats = [];
    const children =
      node.children.length > 0 ? this.parseChildPaneNodesForTab(node.children, false, floats) : [];
    const layout = tiled({ split, children, hideFloating });
    this.applyCwdPrefix(this.cwdPrefix(cwd), layout, floats);
    return { name, focus, layout, floats };
  }

  /** @param {string | null} prefix @param {Tiled} layout @param {Floating[]} floats */
  applyCwdPrefix(prefix, layout, floats) {
    if (prefix === null) return;
    addCwdToLayout(layout, prefix);
    for (const f of floats) addCwdToFloating(f, prefix);
  }

  /** @param {KdlNode} node @param {TabTemplate} tpl @param {boolean} mark @returns {Tab} */
  parseTabNodeWithTemplate(node, tpl, mark) {
    const layout = clone(tpl.layout);
    const floats = clone(tpl.floats);
    const name = strLoose(node, 'name') ?? null;
    const cwd = this.parsePath(node, 'cwd');
    const focus = boolLoose(node, 'focus') ?? false;
    const split = this.parseSplitDirection(node);
    if (node.children.length > 0) {
      const children = this.parseChildPaneNodesForTab(node.children, mark, floats);
      assertOneChildrenBlock(layout);
      if (!insertChildrenLayout(layout, tiled({ split, children }))) {
        throw new LayoutError('This template does not have children');
      }
    } else if (layout.ext !== null) layout.children.splice(layout.ext, 0, tiled());
    this.applyCwdPrefix(this.cwdPrefix(cwd), layout, floats);
    layout.ext = null;
    return { name, focus, layout, floats };
  }

  /** @param {KdlNode} node @param {Floating[]} out */
  populateFloatingPanes(node, out) {
    for (const c of node.children) {
      const tpl = this.paneTemplates.get(c.name);
      if (c.name === 'pane') {
        const pane = this.parseFloatingPaneNode(c);
        if (this.globalCwd !== null) addCwdToFloating(pane, this.globalCwd);
        out.push(pane);
      } else if (tpl) out.push(this.parseFloatingPaneNodeWithTemplate(c, tpl));
      else throw new LayoutError(`floating_panes can only contain pane nodes, found: ${c.name}`);
    }
  }

  /** @param {KdlNode} c @param {{ tabs: Tab[], panes: Tiled[], floats: Floating[] }} acc */
  populateLayoutChild(c, acc) {
    const tabTpl = this.tabTemplates.get(c.name);
    const paneTpl = this.paneTemplates.get(c.name);
    if ((c.name === 'pane' || c.name === 'floating_panes') && acc.tabs.length > 0)
      throw new LayoutError(MIXED);
    if (c.name === 'pane') {
      const pane = this.parsePaneNode(c, false);
      if (this.globalCwd !== null) addCwdToLayout(pane, this.globalCwd);
      acc.panes.push(pane);
    } else if (c.name === 'floating_panes') this.populateFloatingPanes(c, acc.floats);
    else if (c.name === 'tab') {
      if (acc.panes.length > 0 || acc.floats.length > 0) throw new LayoutError(MIXED);
      acc.tabs.push(
        this.defaultTab ? this.parseTabNodeWithTemplate(c, this.defaultTab, false) : this.parseTabNode(c),
      );
    } else if (tabTpl) {
      if (acc.panes.length > 0) throw new LayoutError(MIXED);
      acc.tabs.push(this.parseTabNodeWithTemplate(c, tabTpl, false));
    } else if (paneTpl) {
      if (acc.tabs.length > 0) throw new LayoutError(MIXED);
      const pane = this.parsePaneNodeWithTemplate(c, paneTpl, false);
      const prefix = this.cwdPrefix(null);
      if (prefix !== null) addCwdToLayout(pane, prefix);
      acc.panes.push(pane);
    } else if (!isReserved(c.name)) throw new LayoutError(`Unknown layout node: '${c.name}'`);
  }

  /** The default tab template with its `children` slot filled by one plain pane. */
  defaultTemplate() {
    if (!this.defaultTab) return null;
    const layout = clone(this.defaultTab.layout);
    if (layout.ext !== null) layout.children.splice(layout.ext, 0, tiled());
    layout.ext = null;
    return layout;
  }

  /**
   * KdlLayoutParser::parse → the tabs a new session starts with.
   * @param {KdlNode[]} doc @returns {Tab[]}
   */
  parseDocument(doc) {
    const layouts = doc.filter((n) => n.name === 'layout');
    if (layouts.length === 0) throw new LayoutError('No layout found');
    if (doc.some((n) => n.name !== 'layout' && isReserved(n.name))) {
      throw new LayoutError('This node should be inside the main "layout" node');
    }
    if (layouts.length > 1) throw new LayoutError('Only one layout node per file allowed');
    const root = layouts[0];
    /** @type {{ tabs: Tab[], panes: Tiled[], floats: Floating[] }} */
    const acc = { tabs: [], panes: [], floats: [] };
    if (root.children.length > 0) {
      if (this.globalCwd === null) this.globalCwd = this.parsePath(root, 'cwd') ?? null;
      this.populatePaneTemplates(root.children);
      this.populateTabTemplates(root.children);
      this.populateSwapLayouts(root.children);
      for (const c of root.children) this.populateLayoutChild(c, acc);
    }
    if (acc.tabs.length > 0) {
      if (strLoose(root, 'name') !== undefined) throw new LayoutError(LAYOUT_PROP_ERRORS.name);
      if (strStrict(root, 'split_direction') !== undefined)
        throw new LayoutError(LAYOUT_PROP_ERRORS.split_direction);
      if (boolLoose(root, 'hide_floating_panes') !== undefined) {
        throw new LayoutError(LAYOUT_PROP_ERRORS.hide_floating_panes);
      }
      if (acc.tabs.filter((t) => t.focus).length > 1) throw new LayoutError('Only one tab can be focused');
      return acc.tabs;
    }
    const name = strLoose(root, 'name') ?? null;
    const split = this.parseSplitDirection(root);
    const hideFloating = boolLoose(root, 'hide_floating_panes') ?? false;
    const prefix = this.cwdPrefix(this.parsePath(root, 'cwd'));
    if (acc.panes.length > 0) {
      const layout = tiled({ children: acc.panes, split, hideFloating });
      this.applyCwdPrefix(prefix, layout, acc.floats);
      return [{ name, focus: false, layout, floats: acc.floats }];
    }
    if (this.newTab) return [{ ...clone(this.newTab), name, focus: false }];
    const layout = this.defaultTemplate() ?? tiled();
    layout.split = split;
    layout.hideFloating = hideFloating;
    this.applyCwdPrefix(prefix, layout, acc.floats);
    return [{ name, focus: false, layout, floats: acc.floats }];
  }
}
