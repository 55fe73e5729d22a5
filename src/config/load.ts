import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { type ResolvedConfig, resolveConfig } from './resolve.js';
import type { UserConfig } from './schema.js';

export const CONFIG_FILES = [
  'parallel.config.ts',
  'parallel.config.mts',
  'parallel.config.js',
  'parallel.config.mjs',
  'parallel.config.json',
  'package.json',
];

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Absolute path of the file it came from; undefined when no config exists (all defaults). */
  file?: string;
}

/**
 * What our loaders hand to cosmiconfig. Boxed, because cosmiconfig skips a file whose value
 * is null or undefined and keeps searching: a config without a default export, or with
 * `export default null`, must be refused, not silently replaced by the defaults.
 */
interface Loaded {
  [LOADED]: true;
  /** False when the module has no default export. */
  exported: boolean;
  value: unknown;
}
const LOADED = Symbol('parallel config');
const box = (exported: boolean, value: unknown): Loaded => ({ [LOADED]: true, exported, value });
const isLoaded = (value: unknown): value is Loaded =>
  typeof value === 'object' && value !== null && LOADED in value;

/** Finds parallel.config.* (or package.json#parallel) from `cwd` up to `stopDir`, validates it, merges defaults. */
export async function loadConfig(cwd: string, stopDir: string, cacheDir?: string): Promise<LoadedConfig> {
  const { cosmiconfig } = await import('cosmiconfig');
  const codeLoader = (file: string) => importConfigModule(file);
  const explorer = cosmiconfig('parallel', {
    searchPlaces: CONFIG_FILES,
    // One directory per search: the walk up stops at the repository root, never reaching
    // cosmiconfig's global config directory (~/.config/parallel), which this tool does not use.
    searchStrategy: 'none',
    packageProp: 'parallel',
    loaders: {
      '.ts': codeLoader,
      '.mts': codeLoader,
      '.js': codeLoader,
      '.mjs': codeLoader,
      '.json': loadJson,
    },
    ignoreEmptySearchPlaces: false,
    cache: false,
  });
  let found: Awaited<ReturnType<typeof explorer.search>> = null;
  try {
    for (const dir of upTo(resolve(cwd), resolve(stopDir))) {
      found = await explorer.search(dir);
      // An empty package.json is some other tool's problem: keep looking.
      if (found?.isEmpty && basename(found.filepath) === 'package.json') found = null;
      if (found) break;
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const file = (error as { filepath?: string }).filepath;
    throw new UserError(
      `Could not read the config${file ? ` ${label(file)}` : ''}: ${firstLine(error)}. Fix that file (it must be valid JSON or a module with a default export).`,
      { exitCode: 2, cause: error },
    );
  }
  if (!found) return { config: resolveConfig({}) };
  const where = label(found.filepath);
  const isPackage = basename(found.filepath) === 'package.json';
  const isJson = found.filepath.endsWith('.json');
  if (found.isEmpty || !isLoaded(found.config)) {
    throw new UserError(
      isJson
        ? `${where} is empty. Write a JSON object such as { "agents": [{ "preset": "claude", "count": 3 }] }, or delete the file to use the defaults.`
        : `${where} is empty. Write \`export default defineConfig({ … })\` (import { defineConfig } from 'git-parallel'), or delete the file to use the defaults.`,
      { exitCode: 2 },
    );
  }
  const { exported, value } = found.config;
  if (!exported) {
    throw new UserError(
      `${where} has no default export. Add \`export default defineConfig({ … })\` (import { defineConfig } from 'git-parallel').`,
      { exitCode: 2 },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new UserError(
      isPackage
        ? `Invalid config in ${where}: the "parallel" key must hold an object, got ${got}. Write "parallel": { "agents": [{ "preset": "claude" }] }, or remove the key.`
        : isJson
          ? `Invalid config in ${where}: expected an object at the top level, got ${got}. Write { "agents": [{ "preset": "claude" }] }.`
          : `Invalid config in ${where}: expected an object as the default export, got ${got}. Export \`defineConfig({ agents: [...] })\`.`,
      { exitCode: 2 },
    );
  }
  return { config: resolveConfig(await validate(value as object, where, cacheDir)), file: found.filepath };
}

/** `from`, its parent, … up to and including `stop` (or the file system root if `stop` is not above). */
function* upTo(from: string, stop: string): Generator<string> {
  let dir = from;
  while (true) {
    yield dir;
    const parent = dirname(dir);
    if (dir === stop || parent === dir) return;
    dir = parent;
  }
}

const label = (file: string) => relative(process.cwd(), file) || file;

/** parallel.config.json, and package.json (whose "parallel" key cosmiconfig picks out). */
function loadJson(file: string, content: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (error) {
    throw new UserError(
      `${label(file)} is not valid JSON: ${jsonProblem(error, content)}. Fix it (JSON has no comments or trailing commas, and keys need double quotes).`,
      { exitCode: 2, cause: error },
    );
  }
  if (basename(file) !== 'package.json') return box(true, value);
  const pkg = value as Record<string, unknown> | null;
  // No "parallel" key: cosmiconfig reads undefined and keeps searching.
  return pkg && typeof pkg === 'object' && Object.hasOwn(pkg, 'parallel')
    ? { parallel: box(true, pkg.parallel) }
    : {};
}

/** `JSON.parse`'s message with the line and column of its "position N", when it gives one. */
function jsonProblem(error: unknown, content: string): string {
  const message = firstLine(error);
  const at = /position (\d+)/.exec(message);
  if (!at) return message;
  const before = content.slice(0, Number(at[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message.replace(/\s*\(line \d+ column \d+\)/, '')} (line ${line}, column ${column})`;
}

async function importConfigModule(file: string): Promise<Loaded> {
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, {
    alias: { 'git-parallel': selfEntry() },
    moduleCache: false,
    fsCache: false,
    // Off: with it, jiti hands back the whole module when there is no default export
    // and fails on `export default null`.
    interopDefault: false,
  });
  const where = label(file);
  let mod: Record<string, unknown>;
  try {
    mod = (await jiti.import(file)) as Record<string, unknown>;
  } catch (error) {
    const syntax = syntaxProblem(error, file);
    throw new UserError(
      syntax
        ? `${where} has a syntax error: ${syntax}. Fix it (tip: \`${/\.m?ts$/.test(file) ? 'npx tsc --noEmit' : 'node --check'} ${where}\` shows the exact spot).`
        : `${where} threw while loading: ${firstLine(error)}. The config module must evaluate without errors; fix the code near the top-level statement that threw.`,
      { exitCode: 2, cause: error },
    );
  }
  const exported = mod !== null && typeof mod === 'object' && Object.hasOwn(mod, 'default');
  return box(exported, exported ? mod.default : undefined);
}

/**
 * jiti reports a parse failure as `ParseError: <what>` with ` <file>:<line>:<col>` on the
 * next line; Node's own loader throws a SyntaxError. Anything else was thrown by the code.
 */
function syntaxProblem(error: unknown, file: string): string | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const isSyntax =
    error instanceof SyntaxError ||
    (error instanceof Error && error.name === 'SyntaxError') ||
    /^\s*(ParseError|SyntaxError)\b/.test(text);
  if (!isSyntax) return undefined;
  const what = firstLine(error)
    .replace(/^(ParseError|SyntaxError):\s*/, '')
    .replace(/\.+$/, '');
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const at = new RegExp(`${escaped}:(\\d+):(\\d+)`).exec(text) ?? /:(\d+):(\d+)\s*$/m.exec(text);
  // jiti's columns count from 0; editors and tsc count from 1.
  return at ? `${what} (line ${at[1]}, column ${Number(at[2]) + 1})` : what;
}

/** Where `import … from 'git-parallel'` points inside a config: this very package, installed or not. */
function selfEntry(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist', 'index.js')))
      return join(dir, 'dist', 'index.js');
    if (existsSync(join(dir, 'src', 'index.ts'))) return join(dir, 'src', 'index.ts');
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), 'index.js');
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split('\n')
      .find((line) => line.trim())
      ?.trim() ?? 'unknown error'
  );
}

/**
 * zod costs ~75 ms to import, on every command. A config identical (as JSON) to one this
 * version already validated skips it: the schema has no defaults or transforms, so the
 * validated value is the value itself. `cacheDir` keeps the hashes of the last valid configs.
 */
async function validate(value: object, where: string, cacheDir: string | undefined): Promise<UserConfig> {
  const hash = createHash('sha256')
    .update(`${VERSION}\0${JSON.stringify(value)}`)
    .digest('hex');
  const file = cacheDir && join(cacheDir, 'valid-configs');
  const known = file ? (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean) : [];
  if (known.includes(hash)) return value as UserConfig;
  const [{ configSchema }, { configIssueError }] = await Promise.all([
    import('./schema.js'),
    import('./errors.js'),
  ]);
  const parsed = configSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw configIssueError(where, parsed.error);
  // Only into a directory an earlier `up` made: a refused command leaves no trace.
  if (file && existsSync(cacheDir)) {
    await writeFile(file, `${[hash, ...known].slice(0, 8).join('\n')}\n`).catch(() => undefined);
  }
  return parsed.data;
}
