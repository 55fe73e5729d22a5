import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder that holds `layouts/` and `templates/`: the repository in development and tests
 * (this file is in src/), the installed package when bundled (dist/ is one level down).
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'templates')) || !existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('git-parallel: its layouts/ and templates/ folders are missing');
    dir = up;
  }
  root = dir;
  return root;
}

const cache = new Map<string, string>();

/** A file shipped with the package (read once). */
export function packageAsset(...path: string[]): string {
  const file = join(packageRoot(), ...path);
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    cache.set(file, text);
  }
  return text;
}
