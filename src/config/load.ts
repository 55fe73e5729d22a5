import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { packageRoot } from '../assets.js';
import { UserError } from '../errors.js';
import { VERSION } from '../version.js';
import { readDataModule } from './literal.js';
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
 * What a config file gave. `exported` is false for a module without a default export, which is
 * refused, as is `export default null`, rather than taken for "no config here".
 */
interface Loaded {
  exported: boolean;
  value: unknown;
}
const box = (exported: boolean, value: unknown): Loaded => ({ exported, value });

/** Finds parallel.config.* (or package.json#parallel) from `cwd` up to `stopDir`, validates it, merges defaults. */
export async function loadConfig(cwd: string, stopDir: string, cacheDir?: string): Promise<LoadedConfig> {
  let found: Found | undefined;
  try {
    for (const dir of upTo(resolve(cwd), resolve(stopDir))) {
      found = await searchDir(dir, cacheDir);
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
  if (!found.loaded) {
    throw new UserError(
      isJson
        ? `${where} is empty. Write a JSON object such as { "agents": [{ "preset": "claude", "count": 3 }] }, or delete the file to use the defaults.`
        : `${where} is empty. Write \`export default defineConfig({ … })\` (import { defineConfig } from 'git-parallel'), or delete the file to use the defaults.`,
      { exitCode: 2 },
    );
  }
  const { exported, value } = found.loaded;
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

/** A config file; `loaded` is undefined when the file is empty. */
interface Found {
  filepath: string;
  loaded?: Loaded;
}

/**
 * The first of CONFIG_FILES in `dir` that holds a config. An empty package.json, or one without
 * a "parallel" key, is some other tool's file: the search goes on.
 */
async function searchDir(dir: string, cacheDir: string | undefined): Promise<Found | undefined> {
  const present = new Set(await readdir(dir).catch(() => []));
  for (const name of CONFIG_FILES) {
    if (!present.has(name)) continue;
    const filepath = join(dir, name);
    let content: string;
    try {
      content = await readFile(filepath, 'utf8');
    } catch (error) {
      if (UNREADABLE.has((error as NodeJS.ErrnoException).code ?? '')) continue;
      throw Object.assign(error as Error, { filepath });
    }
    const isPackage = name === 'package.json';
    if (content.trim() === '') {
      if (isPackage) continue;
      return { filepath };
    }
    try {
      if (name.endsWith('.json')) {
        const loaded = loadJson(filepath, content);
        if (loaded) return { filepath, loaded };
        continue;
      }
      return { filepath, loaded: await importConfigModule(filepath, content, cacheDir) };
    } catch (error) {
      throw error instanceof UserError ? error : Object.assign(error as Error, { filepath });
    }
  }
  return undefined;
}
const UNREADABLE = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES']);

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

/** parallel.config.json, and the "parallel" key of package.json (undefined when it has none). */
function loadJson(file: string, content: string): Loaded | undefined {
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
  return pkg && typeof pkg === 'object' && Object.hasOwn(pkg, 'parallel')
    ? box(true, pkg.parallel)
    : undefined;
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

/**
 * A config that is only data is read, not run (see literal.ts). Compiling a TypeScript config
 * costs ~250 ms (jiti loads babel); the compiled code is kept by
 * content hash under the repository's state directory, once an `up` made it, so later commands
 * run it straight away. jiti checks the hash of the source on every load. The module runs in a
 * worker (see load-module.ts), so nothing in it can hang or end the command.
 */
async function importConfigModule(
  file: string,
  content: string,
  cacheDir: string | undefined,
): Promise<Loaded> {
  const data = readDataModule(content);
  if (data) return box(true, data.value);
  const { loadModuleBounded } = await import('./load-module.js');
  const outcome = await loadModuleBounded(file, {
    alias: { 'git-parallel': selfEntry() },
    moduleCache: false,
    fsCache: cacheDir !== undefined && existsSync(cacheDir) ? join(cacheDir, '.cache', 'config') : false,
    // Off: with it, jiti hands back the whole module when there is no default export
    // and fails on `export default null`.
    interopDefault: false,
  });
  const where = label(file);
  switch (outcome.kind) {
    case 'loaded':
      return box(outcome.exported, outcome.value);
    case 'threw': {
      const error = Object.assign(new Error(outcome.message), { name: outcome.name });
      const syntax = syntaxProblem(error, file);
      throw new UserError(
        syntax
          ? `${where} has a syntax error: ${syntax}. Fix it (tip: \`${/\.m?ts$/.test(file) ? 'npx tsc --noEmit' : 'node --check'} ${where}\` shows the exact spot).`
          : `${where} threw while loading: ${firstLine(error)}. The config module must evaluate without errors; fix the code near the top-level statement that threw.`,
        { exitCode: 2, cause: error },
      );
    }
    case 'not-data':
      throw new UserError(
        `${where} exports something that is not plain data (${outcome.message}). A config holds only strings, numbers, booleans, arrays and objects; remove functions, classes and the like.`,
        { exitCode: 2 },
      );
    case 'exited':
      throw new UserError(
        `${where} called process.exit(${outcome.code}) while loading, so no config was read and nothing was done. Remove the process.exit call from the config.`,
        { exitCode: 2 },
      );
    case 'unfinished':
      throw new UserError(
        `${where} never finished loading: its top-level code stopped without producing a default export (a top-level await that never settles?). Nothing was done. Make every top-level await settle.`,
        { exitCode: 2 },
      );
    case 'timeout':
      throw new UserError(
        `${where} did not finish loading within ${outcome.ms / 1000} s (an endless loop, or a top-level await that waits too long?), so it was stopped and nothing was done. Fix the config; PARALLEL_CONFIG_TIMEOUT_MS sets the limit in milliseconds.`,
        { exitCode: 2 },
      );
  }
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
  const built = join(packageRoot(), 'dist', 'index.js');
  return existsSync(built) ? built : join(packageRoot(), 'src', 'index.ts');
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
 * validated value is the value itself. `cacheDir/.cache` keeps the hashes of the last valid
 * configs (beside the compiled configs: both outlive the tasks, as the config does).
 */
async function validate(value: object, where: string, cacheDir: string | undefined): Promise<UserConfig> {
  const hash = createHash('sha256')
    .update(`${VERSION}\0${JSON.stringify(value)}`)
    .digest('hex');
  const file = cacheDir && join(cacheDir, '.cache', 'valid-configs');
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
    await mkdir(dirname(file), { recursive: true })
      .then(() => writeFile(file, `${[hash, ...known].slice(0, 8).join('\n')}\n`))
      .catch(() => undefined);
  }
  return parsed.data;
}
