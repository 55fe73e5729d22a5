/**
 * A minimal KDL **v1** writer. Zellij parses layouts with kdl-rs 4 (KDL 1.0), where
 * booleans are bare `true`/`false` and `#true` is a syntax error, so we emit v1 by hand
 * (and check the output with a real v1 parser in the tests).
 */
export type KdlValue = string | number | boolean;

export interface KdlNode {
  name: string;
  args?: KdlValue[];
  props?: Record<string, KdlValue | undefined>;
  children?: KdlNode[];
}

export const node = (
  name: string,
  props?: KdlNode['props'],
  children?: KdlNode[],
  args?: KdlValue[],
): KdlNode => ({ name, props, children, args });

export function formatKdl(nodes: KdlNode[], indent = ''): string {
  return nodes.map((n) => formatNode(n, indent)).join('');
}

function formatNode(n: KdlNode, indent: string): string {
  let line = indent + identifier(n.name);
  for (const arg of n.args ?? []) line += ` ${value(arg)}`;
  for (const [key, val] of Object.entries(n.props ?? {})) {
    if (val !== undefined) line += ` ${identifier(key)}=${value(val)}`;
  }
  if (n.children?.length) {
    return `${line} {\n${formatKdl(n.children, `${indent}    `)}${indent}}\n`;
  }
  return `${line}\n`;
}

function value(v: KdlValue): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  return quote(v);
}

export function quote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += char;
  }
  return `${out}"`;
}

const BARE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
function identifier(name: string): string {
  return BARE.test(name) && !['true', 'false', 'null'].includes(name) ? name : quote(name);
}
