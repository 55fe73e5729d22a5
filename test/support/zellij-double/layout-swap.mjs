// Swap layouts (`swap_tiled_layout` / `swap_floating_layout`, in a layout or a NAME.swap.kdl
// file): validated with the same rules as tabs; the double does not keep them.
import { intLoose, LayoutError, strLoose } from './kdl-access.mjs';
import { isReserved } from './layout-values.mjs';

/** @typedef {import('./kdl-access.mjs').KdlNode} KdlNode */
/** @typedef {import('./layout-doc.mjs').LayoutParser} LayoutParser */

/** At most one of max_panes / min_panes / exact_panes, as integers. @param {KdlNode} node */
function parseConstraint(node) {
  let count = 0;
  for (const k of ['max_panes', 'min_panes', 'exact_panes']) {
    const s = strLoose(node, k);
    if (s !== undefined) {
      throw new LayoutError(`${k} should be a fixed number (eg. 1) and not a quoted string ("${s}")`);
    }
    if (intLoose(node, k) !== undefined) count += 1;
  }
  if (count > 1) throw new LayoutError("cannot have more than one constraint (eg. max_panes + min_panes)'");
}

/** @param {LayoutParser} p @param {KdlNode[]} nodes */
export function populateSwapLayouts(p, nodes) {
  for (const n of nodes.filter((x) => x.name === 'swap_tiled_layout')) {
    for (const l of n.children) {
      const tpl = p.tabTemplates.get(l.name);
      if (l.name !== 'tab' && !tpl) throw new LayoutError(`Unknown layout node: '${l.name}'`);
      parseConstraint(l);
      const template = l.name === 'tab' ? p.defaultTab : tpl;
      if (template) p.parseTabNodeWithTemplate(l, template, true);
      else {
        p.assertValidTabProps(l);
        p.parseSplitDirection(l);
        if (l.children.length > 0) p.parseChildPaneNodesForTab(l.children, true, []);
      }
    }
  }
  for (const n of nodes.filter((x) => x.name === 'swap_floating_layout')) {
    for (const l of n.children) {
      const tpl = p.tabTemplates.get(l.name);
      if (l.name !== 'floating_panes' && !tpl) throw new LayoutError(`Unknown layout node: '${l.name}'`);
      parseConstraint(l);
      if (tpl) p.parseTabNodeWithTemplate(l, tpl, false);
      else {
        p.assertValidTabProps(l);
        p.populateFloatingPanes(l, []);
      }
    }
  }
}

/** parse_external_swap_layouts: a `NAME.swap.kdl` file. @param {LayoutParser} p @param {KdlNode[]} doc */
export function parseSwapDocument(p, doc) {
  const allowed = ['swap_floating_layout', 'swap_tiled_layout', 'tab_template', 'pane_template'];
  for (const n of doc) {
    if (allowed.includes(n.name)) continue;
    if (n.name === 'layout') throw new LayoutError('Swap layouts should not have their own layout node');
    if (isReserved(n.name))
      throw new LayoutError(`Swap layouts should not contain bare nodes of type: ${n.name}`);
  }
  p.populatePaneTemplates(doc);
  p.populateTabTemplates(doc);
  populateSwapLayouts(p, doc);
}
