// Where the fake zellij gets a layout from (file path, layout name, built-in, KDL string) and
// how it reports layout errors (like Setup::from_cli_args: printed, exit 1).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LayoutError, resolveLayout } from '../zellij-layout-rules.mjs';
import { err, exit } from './io.mjs';

const BUILTIN = {
  default:
    'layout {\n    pane size=1 borderless=true {\n        plugin location="tab-bar"\n    }\n    pane\n    pane size=2 borderless=true {\n        plugin location="status-bar"\n    }\n}\n',
  compact:
    'layout {\n    pane\n    pane size=1 borderless=true {\n        plugin location="compact-bar"\n    }\n}\n',
  'disable-status-bar':
    'layout {\n    pane size=1 borderless=true {\n        plugin location="tab-bar"\n    }\n    pane\n}\n',
};
/** @type {Record<string, string>} */
const BUILTINS = { ...BUILTIN, classic: BUILTIN.default, strider: BUILTIN.default, welcome: BUILTIN.compact };

/** @typedef {{ kind: 'file', path: string } | { kind: 'string', text: string } | { kind: 'builtin', name: string }} LayoutSource */

function layoutDir() {
  const configDir = process.env.ZELLIJ_CONFIG_DIR ?? path.join(os.homedir(), '.config', 'zellij');
  return path.join(configDir, 'layouts');
}

/**
 * LayoutInfo::from_cli (`--layout`, `-n`): a path if it has a `/` or an extension (relative to
 * the CLI's cwd), else a name in the layout dir, else a built-in.
 * `options --default-layout` (fromConfig): relative paths resolve against the layout dir.
 * @param {string} value @param {boolean} fromConfig @returns {LayoutSource}
 */
export function layoutSource(value, fromConfig) {
  const isPath = value.includes('/') || path.extname(value) !== '';
  if (isPath) {
    return {
      kind: 'file',
      path: path.isAbsolute(value) ? value : path.resolve(fromConfig ? layoutDir() : process.cwd(), value),
    };
  }
  const inDir = path.join(layoutDir(), `${value}.kdl`);
  if (fs.existsSync(inDir)) return { kind: 'file', path: inDir };
  if (Object.hasOwn(BUILTINS, value)) return { kind: 'builtin', name: value };
  return { kind: 'file', path: inDir };
}

/**
 * Read + check a layout; on error print like Zellij and exit 1.
 * @param {LayoutSource | null} source @param {{ globalCwd?: string | null }} [o]
 */
export function loadLayout(source, o = {}) {
  const src = source ?? { kind: 'builtin', name: 'default' };
  let text;
  let label = 'N/A';
  if (src.kind === 'file') {
    label = src.path;
    try {
      text = fs.readFileSync(src.path, 'utf8');
    } catch (e) {
      const code = /** @type {NodeJS.ErrnoException} */ (e).code;
      const reason =
        code === 'ENOENT'
          ? 'No such file or directory (os error 2)'
          : String(/** @type {Error} */ (e).message);
      err(`IoError: ${reason}, File: ${src.path}`);
      return exit(1);
    }
  } else text = src.kind === 'string' ? src.text : BUILTINS[src.name];
  try {
    return resolveLayout(text, { env: process.env, kind: 'layout', globalCwd: o.globalCwd ?? null }).tabs;
  } catch (e) {
    if (!(e instanceof LayoutError)) throw e;
    err(
      `Error: \n  × Failed to parse Zellij configuration\n   ╭─[${label}]\n   ·\n   ╰── ${e.message.split('\n').join('\n       ')}`,
    );
    return exit(1);
  }
}
