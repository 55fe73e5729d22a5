// Value access helpers for kdljs 0.2.0 nodes, modelled on how Zellij's layout parser reads
// KDL (kdl-rs 4.x): a "property or child value" is `node key=value` or the first argument of
// the first child node named `key`. Also: shell expansion (shellexpand::full semantics) and
// Rust `PathBuf::join` semantics. Written for the git-parallel test double; no Zellij code.
import { createRequire } from 'node:module';
import os from 'node:os';

/** kdljs (chevrotain) is slow to load; load it on first use. @type {typeof import('kdljs').parse | undefined} */
let kdlParse;

/** An error Zellij's layout parser would report (first error wins, like Zellij). */
export class LayoutError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'LayoutError';
  }
}

/** shellexpand's LookupError: an unset variable. */
export class ShellExpandError extends Error {
  /** @param {string} varName */
  constructor(varName) {
    super(`error looking key '${varName}' up: environment variable not found`);
    this.name = 'ShellExpandError';
    this.varName = varName;
  }
}

/** @typedef {string | number | boolean | null} KdlValue */
/** @typedef {{ name: string, values: KdlValue[], properties: Record<string, KdlValue>, children: KdlNode[] }} KdlNode */

/**
 * Parse text as KDL v1 with kdljs 0.2.0 (a v1 parser: `#true`, bare identifiers as values and
 * `#"raw"#` strings are syntax errors, like in kdl-rs 4.5 which Zellij uses).
 * @param {string} text
 * @returns {{ ok: boolean, doc: KdlNode[] | null, errors: string[] }}
 */
export function parseLayoutV1(text) {
  // The same `parse` that kdljs exports, without loading its query engine (faster CLI start).
  kdlParse ??= /** @type {typeof import('kdljs')} */ (
    createRequire(import.meta.url)('kdljs/src/parser/kdl.js')
  ).parse;
  const result = kdlParse(text);
  if (result.errors.length === 0 && result.output) {
    return { ok: true, doc: /** @type {KdlNode[]} */ (result.output), errors: [] };
  }
  const errors = result.errors.map((e) => {
    const err = /** @type {any} */ (e);
    const tok = Number.isFinite(err.token?.startLine) ? err.token : err.previousToken;
    const where = Number.isFinite(tok?.startLine)
      ? `line ${tok.startLine}, column ${tok.startColumn}`
      : 'end of input';
    const found = Number.isFinite(err.token?.startLine)
      ? `unexpected '${err.token.image}'`
      : 'unexpected end of input';
    return `Failed to parse KDL (v1) at ${where}: ${found} (${String(err.message).split('\n')[0]})`;
  });
  return { ok: false, doc: null, errors };
}

/** @param {KdlValue} v kdl-rs `KdlValue` Display */
export function kdlDisplay(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** @param {KdlNode} node @param {string} key */
export function hasProp(node, key) {
  return Object.hasOwn(node.properties, key);
}

/** @param {KdlNode} node @param {string} key */
export function child(node, key) {
  return node.children.find((c) => c.name === key);
}

/**
 * @param {KdlNode} node @param {string} key
 * @returns {{ value: KdlValue } | { bare: KdlNode } | undefined}
 */
function lookup(node, key) {
  if (hasProp(node, key)) return { value: node.properties[key] };
  const c = child(node, key);
  if (!c) return undefined;
  return c.values.length > 0 ? { value: c.values[0] } : { bare: c };
}

/**
 * Loose getters (kdl_get_*_property_or_child_value!): wrong types are ignored.
 * @param {KdlNode} node @param {string} key @param {(v: KdlValue) => boolean} test
 */
function loose(node, key, test) {
  if (hasProp(node, key) && test(node.properties[key])) return node.properties[key];
  const c = child(node, key);
  if (c && c.values.length > 0 && test(c.values[0])) return c.values[0];
  return undefined;
}
const isStr = (/** @type {KdlValue} */ v) => typeof v === 'string';
const isBool = (/** @type {KdlValue} */ v) => typeof v === 'boolean';
const isInt = (/** @type {KdlValue} */ v) => typeof v === 'number' && Number.isInteger(v);

/** @returns {string | undefined} */
export const strLoose = (/** @type {KdlNode} */ n, /** @type {string} */ k) =>
  /** @type {string | undefined} */ (loose(n, k, isStr));
/** @returns {boolean | undefined} */
export const boolLoose = (/** @type {KdlNode} */ n, /** @type {string} */ k) =>
  /** @type {boolean | undefined} */ (loose(n, k, isBool));
/** @returns {number | undefined} */
export const intLoose = (/** @type {KdlNode} */ n, /** @type {string} */ k) =>
  /** @type {number | undefined} */ (loose(n, k, isInt));

/** Does `key` have a value (property or first child argument), whatever its type? */
export const hasValue = (/** @type {KdlNode} */ n, /** @type {string} */ k) => {
  const r = lookup(n, k);
  return r !== undefined && 'value' in r;
};

/**
 * Strict string getter (…_with_error!): a wrong type or a bare child node is an error.
 * @param {KdlNode} node @param {string} key @returns {string | undefined}
 */
export function strStrict(node, key) {
  const r = lookup(node, key);
  if (!r) return undefined;
  if ('bare' in r) throw new LayoutError(`${key} must have a value, eg. '${key} "foo"'`);
  if (typeof r.value !== 'string') {
    throw new LayoutError(`${key} should be a string, found ${kdlDisplay(r.value)} - not a string`);
  }
  return r.value;
}

/** @param {KdlNode} node @param {string} key @returns {boolean | undefined} */
export function boolStrict(node, key) {
  const r = lookup(node, key);
  if (!r) return undefined;
  if ('bare' in r) throw new LayoutError(`${key} must have a value, eg. '${key} true'`);
  if (typeof r.value !== 'boolean') {
    throw new LayoutError(`${key} should be either true or false, found ${kdlDisplay(r.value)}`);
  }
  return r.value;
}

/** @param {string} c */
const isVarChar = (c) => /^[\p{L}\p{N}_]$/u.test(c);

/**
 * shellexpand::full: `$VAR`, `${VAR}`, `${VAR:-default}`, `$$` → `$`; then `~` / `~/…` at the
 * start → home (only if the original input started with `~`). Unset variables throw.
 * @param {string} input
 * @param {Record<string, string | undefined>} [env]
 * @returns {string}
 */
export function shellExpand(input, env = process.env) {
  const lookupVar = (/** @type {string} */ name) => (Object.hasOwn(env, name) ? env[name] : undefined);
  let out = '';
  let rest = input;
  let changed = false;
  for (let i = rest.indexOf('$'); i !== -1; i = rest.indexOf('$')) {
    changed = true;
    out += rest.slice(0, i);
    rest = rest.slice(i);
    const next = [...rest.slice(1, 3)][0];
    if (next === '{') {
      const close = rest.indexOf('}');
      if (close === -1) {
        out += rest.slice(0, 2);
        rest = rest.slice(2);
        continue;
      }
      const split = rest.slice(0, close).indexOf(':-');
      const hasDefault = split !== -1 && split !== 2;
      const name = rest.slice(2, hasDefault ? split : close);
      const value = lookupVar(name);
      if (value !== undefined) out += value;
      else if (hasDefault) out += rest.slice(split + 2, close);
      else throw new ShellExpandError(name);
      rest = rest.slice(close + 1);
    } else if (next !== undefined && isVarChar(next)) {
      let end = 1;
      for (const c of rest.slice(1)) {
        if (!isVarChar(c)) break;
        end += c.length;
      }
      const name = rest.slice(1, end);
      const value = lookupVar(name);
      if (value === undefined) throw new ShellExpandError(name);
      out += value;
      rest = rest.slice(end);
    } else {
      out += '$';
      rest = rest.slice(next === '$' ? 2 : 1);
    }
  }
  out += rest;
  if (changed && !input.startsWith('~') && out.startsWith('~')) return out;
  if (out.startsWith('~') && (out.length === 1 || out[1] === '/')) {
    const home = lookupVar('HOME') ?? os.homedir();
    if (home) return home + out.slice(1);
  }
  return out;
}

/**
 * Rust `PathBuf::join`: an absolute right side wins, otherwise append with one separator.
 * No normalisation (`/tmp` + `./foo` = `/tmp/./foo`), like Zellij.
 * @param {string} base @param {string} rel
 */
export function joinPath(base, rel) {
  if (rel.startsWith('/')) return rel;
  if (base === '') return rel;
  return base.endsWith('/') ? base + rel : `${base}/${rel}`;
}
