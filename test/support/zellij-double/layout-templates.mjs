// pane_template rules: legal names, dependency order (cycles are errors), and whether a
// template is a tiled, floating or "either" template (derived from its properties).
import { boolStrict, LayoutError, strLoose, strStrict } from './kdl-access.mjs';
import { floating, tiled } from './layout-model.mjs';
import { isReserved } from './layout-panes.mjs';

/** @typedef {import('./kdl-access.mjs').KdlNode} KdlNode */
/** @typedef {import('./layout-panes.mjs').PaneParser} PaneParser */

/** assert_legal_node_name + assert_legal_template_name @param {string} name */
export function checkTemplateName(name) {
  if (/\s/u.test(name)) throw new LayoutError(`Node names (${name}) cannot contain whitespace.`);
  if (isReserved(name)) throw new LayoutError(`Node name '${name}' is a reserved word.`);
  if (name === '') throw new LayoutError('Template names cannot be empty');
  if (name.includes('(') || name.includes(')'))
    throw new LayoutError('Template names cannot contain parantheses');
  if (/^\p{N}/u.test(name)) throw new LayoutError('Template names cannot start with numbers');
}

/** Template names a node (transitively) refers to. @param {KdlNode} node @param {Set<string>} out */
function collectDependencies(node, out) {
  for (const c of node.children) {
    if (c.name === 'pane') collectDependencies(c, out);
    else if (!isReserved(c.name)) {
      out.add(c.name);
      collectDependencies(c, out);
    }
  }
}

/**
 * Pane template names in an order where every template comes after the templates it uses.
 * @param {KdlNode[]} nodes @returns {string[]}
 */
export function paneTemplateOrder(nodes) {
  /** @type {Map<string, Set<string>>} */
  const deps = new Map();
  for (const n of nodes) {
    if (n.name !== 'pane_template') continue;
    const name = strLoose(n, 'name');
    if (name === undefined) throw new LayoutError('Pane templates must have a name');
    /** @type {Set<string>} */
    const uses = new Set();
    collectDependencies(n, uses);
    if (deps.has(name)) throw new LayoutError(`Duplicate definition of the "${name}" pane_template`);
    deps.set(name, uses);
  }
  for (const uses of deps.values()) for (const u of [...uses]) if (!deps.has(u)) uses.delete(u);
  const order = [];
  while (deps.size > 0) {
    const ready = [...deps].filter(([, uses]) => uses.size === 0).map(([name]) => name);
    if (ready.length === 0) throw new LayoutError('Circular dependency detected between pane templates.');
    for (const name of ready) {
      deps.delete(name);
      for (const uses of deps.values()) uses.delete(name);
      order.push(name);
    }
  }
  return order;
}

/** Which kind of properties a pane_template has. @param {PaneParser} p @param {KdlNode} node */
function templateTraits(p, node) {
  const pane = [];
  if (boolStrict(node, 'borderless') !== undefined) pane.push('borderless');
  if (boolStrict(node, 'stacked') !== undefined) pane.push('stacked');
  if (boolStrict(node, 'expanded') !== undefined) pane.push('expanded');
  if (p.parseSplitSize(node) !== null) pane.push('split_size');
  if (strStrict(node, 'split_direction') !== undefined) pane.push('split_direction');
  if (node.children.some((c) => c.name === 'pane' || c.name === 'children' || p.paneTemplates.has(c.name))) {
    pane.push('child nodes');
  }
  const float = [];
  if (p.parsePercentOrFixed(node, 'height', false) !== null) float.push('height');
  if (p.parsePercentOrFixed(node, 'width', false) !== null) float.push('width');
  if (p.parsePercentOrFixed(node, 'x', true) !== null) float.push('x');
  if (p.parsePercentOrFixed(node, 'y', true) !== null) float.push('y');
  if (boolStrict(node, 'pinned') !== undefined) float.push('pinned');
  return { pane, float };
}

/**
 * parse_pane_template_node: registers the template on the parser.
 * @param {PaneParser} p @param {KdlNode} node
 */
export function parsePaneTemplateNode(p, node) {
  const name = strLoose(node, 'name');
  if (name === undefined) throw new LayoutError('Pane templates must have a name');
  checkTemplateName(name);
  const focus = boolStrict(node, 'focus') ?? null;
  const run = p.parseRunBlock(node, false);
  const { pane, float } = templateTraits(p, node);
  if (pane.length > 0 && float.length > 0) {
    throw new LayoutError(
      `A pane_template cannot have both pane (${pane.join(', ')}) and floating pane (${float.join(', ')}) properties`,
    );
  }
  if (pane.length === 0 && float.length === 0) {
    // Zellij quirk: the "neutral" check reads `pinned` as a string, so `pinned=true` errors here.
    strStrict(node, 'pinned');
    p.assertEntries(node, (k) => p.isPaneProp(k) && p.isFloatingProp(k), 'pane property');
    p.paneTemplates.set(name, { type: 'either', layout: tiled({ focus, run }), node });
  } else if (float.length > 0) {
    p.assertValidFloatingProps(node);
    const [height, width] = [
      p.parsePercentOrFixed(node, 'height', false),
      p.parsePercentOrFixed(node, 'width', false),
    ];
    const [x, y] = [p.parsePercentOrFixed(node, 'x', true), p.parsePercentOrFixed(node, 'y', true)];
    const pinned = boolStrict(node, 'pinned') ?? null;
    p.paneTemplates.set(name, {
      type: 'floating',
      layout: floating({ focus, run, height, width, x, y, pinned }),
      node,
    });
  } else {
    p.assertValidPaneProps(node);
    const stacked = boolStrict(node, 'stacked') ?? false;
    const expanded = boolStrict(node, 'expanded') ?? false;
    const borderless = boolStrict(node, 'borderless') ?? null;
    const size = p.parseSplitSize(node);
    const split = p.parseSplitDirection(node);
    const { ext, children } =
      node.children.length > 0
        ? p.parseChildPaneNodesForPane(node.children, stacked)
        : { ext: null, children: [] };
    p.assertNoMixedChildrenAndProperties(node);
    p.paneTemplates.set(name, {
      type: 'pane',
      layout: tiled({ focus, run, children, ext, stacked, expanded, borderless, size, split }),
      node,
    });
  }
}
