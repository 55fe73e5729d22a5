import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { configIssueError } from './errors.js';
import { type ResolvedConfig, resolveConfig } from './resolve.js';
import { configSchema } from './schema.js';

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

/** Finds parallel.config.* (or package.json#parallel) from `cwd` up to `stopDir`, validates it, merges defaults. */
export async function loadConfig(cwd: string, stopDir: string): Promise<LoadedConfig> {
  const { cosmiconfig } = await import('cosmiconfig');
  const codeLoader = (file: string) => importConfigModule(file, stopDir);
  const explorer = cosmiconfig('parallel', {
    searchPlaces: CONFIG_FILES,
    searchStrategy: 'global',
    stopDir,
    packageProp: 'parallel',
    loaders: { '.ts': codeLoader, '.mts': codeLoader, '.js': codeLoader, '.mjs': codeLoader },
    cache: false,
  });
  let found: Awaited<ReturnType<typeof explorer.search>>;
  try {
    found = await explorer.search(cwd);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `Could not read the config: ${firstLine(error)}. Fix the file named above (it must be valid JSON or a module with a default export).`,
      { exitCode: 2, cause: error },
    );
  }
  if (!found || found.isEmpty) return { config: resolveConfig({}) };
  const label = relative(process.cwd(), found.filepath) || found.filepath;
  const value = found.config;
  if (value === undefined) {
    throw new UserError(
      `${label} has no default export. Add \`export default defineConfig({ … })\` (import { defineConfig } from 'git-parallel').`,
      { exitCode: 2 },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(
      `Invalid config in ${label}: expected an object as the default export, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}. Export \`defineConfig({ agents: [...] })\`.`,
      { exitCode: 2 },
    );
  }
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) throw configIssueError(label, parsed.error);
  return { config: resolveConfig(parsed.data), file: found.filepath };
}

async function importConfigModule(file: string, repoRoot: string): Promise<unknown> {
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, {
    alias: { 'git-parallel': selfEntry() },
    moduleCache: false,
    fsCache: false,
    interopDefault: true,
  });
  const label = relative(process.cwd(), file) || file;
  let mod: Record<string, unknown>;
  try {
    mod = (await jiti.import(file)) as Record<string, unknown>;
  } catch (error) {
    const message = firstLine(error);
    const isSyntax = error instanceof SyntaxError || /syntax|unexpected|expected/i.test(message);
    throw new UserError(
      isSyntax
        ? `${label} has a syntax error: ${message}. Fix it (tip: \`npx tsc --noEmit ${label}\` shows the exact spot).`
        : `${label} threw while loading: ${message}. The config module must evaluate without errors; fix the code near the top-level statement that threw.`,
      { exitCode: 2, cause: error },
    );
  }
  void repoRoot;
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : undefined;
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
