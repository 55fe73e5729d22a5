// Zellij layout rule checker for tests (KDL v1 via kdljs 0.2.0). It re-implements the rules of
// Zellij's layout parser (see /work/shared/zellij/REFERENCE.md §2) so a generated layout can be
// checked without Zellij: `checkLayout(text)` returns Zellij's error messages, [] = accepted.
// Zellij stops at its first error, so at most one semantic error is reported.
import { LayoutError, parseLayoutV1, ShellExpandError, shellExpand } from './zellij-double/kdl-access.mjs';
import { LayoutParser } from './zellij-double/layout-doc.mjs';
import { leaves } from './zellij-double/layout-model.mjs';

export { LayoutError, leaves, parseLayoutV1, ShellExpandError, shellExpand };

/**
 * @typedef {{ env?: Record<string, string | undefined>, kind?: 'auto' | 'layout' | 'swap',
 *   globalCwd?: string | null, strict?: boolean, baseLayout?: string }} CheckOptions
 * @typedef {import('./zellij-double/kdl-access.mjs').KdlNode} KdlNode
 */

const SWAP_ROOTS = new Set(['swap_tiled_layout', 'swap_floating_layout']);

/** @param {KdlNode[]} doc @param {CheckOptions['kind']} kind */
function isSwapFile(doc, kind) {
  if (kind === 'swap') return true;
  if (kind === 'layout') return false;
  return !doc.some((n) => n.name === 'layout') && doc.some((n) => SWAP_ROOTS.has(n.name));
}

/**
 * Things Zellij silently ignores but a generator almost certainly did not mean (strict mode).
 * @param {KdlNode[]} doc @returns {string[]}
 */
function strictFindings(doc) {
  /** @type {string[]} */
  const out = [];
  const walk = (/** @type {KdlNode} */ n) => {
    for (const k of ['args', 'plugin']) {
      if ((n.name === 'pane' || n.name === 'pane_template') && Object.hasOwn(n.properties, k)) {
        out.push(`'${k}' must be a child node (eg. ${k} "…"); Zellij ignores ${k}=… on the node line`);
      }
    }
    n.children.forEach(walk);
  };
  doc.forEach(walk);
  return out;
}

/**
 * Parse and apply Zellij's layout rules. Returns the tabs a new session would start with.
 * Throws LayoutError (rule violation, unset env var) or an Error listing KDL syntax errors.
 * @param {string} text @param {CheckOptions} [options]
 */
export function resolveLayout(text, options = {}) {
  const parsed = parseLayoutV1(text);
  if (!parsed.ok || !parsed.doc) throw new LayoutError(parsed.errors.join('\n'));
  const parser = new LayoutParser({ env: options.env, globalCwd: options.globalCwd ?? null });
  if (isSwapFile(parsed.doc, options.kind)) {
    if (options.baseLayout !== undefined) {
      const base = parseLayoutV1(options.baseLayout);
      if (!base.ok || !base.doc) throw new LayoutError(base.errors.join('\n'));
      parser.parseDocument(base.doc);
    }
    parser.parseSwapDocument(parsed.doc);
    return { tabs: [], doc: parsed.doc };
  }
  return { tabs: parser.parseDocument(parsed.doc), doc: parsed.doc };
}

/**
 * Zellij's verdict on a layout: [] when Zellij would accept it, else its error message(s).
 * `kind: 'auto'` (default) treats a file with swap layouts and no `layout` node as a
 * `NAME.swap.kdl` file. `strict: true` also reports things Zellij silently ignores.
 * @param {string} text @param {CheckOptions} [options] @returns {string[]}
 */
export function checkLayout(text, options = {}) {
  const parsed = parseLayoutV1(text);
  if (!parsed.ok) return parsed.errors;
  try {
    const { doc } = resolveLayout(text, options);
    return options.strict ? strictFindings(doc) : [];
  } catch (e) {
    if (e instanceof LayoutError) return [e.message];
    throw e;
  }
}
