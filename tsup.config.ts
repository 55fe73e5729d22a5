import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

export default defineConfig({
  entry: { cli: 'src/cli.ts', index: 'src/index.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  // Bundled: importing a CommonJS package from ESM costs a scan of its source on every start.
  noExternal: ['commander', 'picocolors'],
  // What the bundled CommonJS packages' require('events'), require('fs') … go through.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: false,
  define: { __GIT_PARALLEL_VERSION__: JSON.stringify(version) },
});
