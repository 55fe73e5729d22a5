/**
 * A config module that is only data is read without running it: the value must be exactly what
 * running the module gives (checked against JavaScript itself), and anything that is not plain
 * data is left to the module loader.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDataModule } from '../../src/config/literal.js';

/** What the module's default export is when JavaScript runs it (defineConfig is the identity). */
function run(source: string): unknown {
  const body = source
    .replace(/import\s*\{\s*defineConfig\s*\}\s*from\s*['"]git-parallel['"];?/, '')
    .replace('export default', 'return');
  return new Function('defineConfig', body)((config: unknown) => config);
}

const TEMPLATE = readFileSync(
  join(import.meta.dirname, '..', '..', 'templates', 'parallel.config.ts'),
  'utf8',
);

describe('data-only config modules', () => {
  it.each([
    ['the template `parallel init` writes', TEMPLATE],
    [
      'JSON inside defineConfig',
      `import { defineConfig } from "git-parallel";\nexport default defineConfig(${JSON.stringify({ agents: [{ name: 'a', command: 'true', prompt: 'none' }], worktrees: { dir: '/x/{task}-{n}' } }, null, 2)});\n`,
    ],
    [
      'a bare object, no import',
      "export default { agents: [{ preset: 'codex', count: 2, }], stagger: 1_500, startupWait: -0, x: 1.5e3, y: 1_0.2_5e1_0 };",
    ],
    [
      'strings with escapes and both quotes',
      String.raw`export default { a: 'it\'s', b: "say \"hi\"\n\tthere", c: '\u00e9\\/', d: '// not a comment', e: "/* nor this */", 'quoted-key': null, f: [true, false, [], {}] }`,
    ],
    [
      'a line comment ended by CR, U+2028 or U+2029, not only by LF',
      'export default { // a\rb: 1, // c\u2028d: 2, // e\u2029f: 3 };',
    ],
    [
      'comments everywhere',
      "import { defineConfig } from 'git-parallel' /* a */ // b\n export default /* c */ defineConfig( // d\n { /* e */ a: 1, // f\n },\n ) ; // end\n",
    ],
  ])('%s: read, the same value as running it', (_name, source) => {
    const read = readDataModule(source);
    expect(read, 'recognised as data').toBeDefined();
    expect(read!.value).toStrictEqual(run(source));
  });

  it.each([
    [
      'an environment variable',
      "export default { agents: [{ preset: 'claude', count: process.env.N ? 1 : 3 }] };",
    ],
    ['a variable', "const n = 2;\nexport default { agents: [{ preset: 'claude', count: n }] };"],
    ['a spread', 'export default { ...base };'],
    ['a template string', 'export default { prompt: `fix` };'],
    ['satisfies', "export default { layout: 'tiled' } satisfies UserConfig;"],
    ['defineConfig without its import', 'export default defineConfig({ a: 1 });'],
    [
      'another import',
      "import { defineConfig } from 'git-parallel';\nimport x from './x.js';\nexport default defineConfig({ a: 1 });",
    ],
    ['__proto__', 'export default { __proto__: { a: 1 } };'],
    ['a function', 'export default { notify: () => 1 };'],
    ['an unfinished comment', 'export default { a: 1 } /* oops'],
    ['not an object', 'export default null;'],
    ['a hex number', 'export default { a: 0x10 };'],
    ['CommonJS', 'module.exports = { a: 1 };'],
    ['a syntax error', 'export default { a: 1, };;}'],
    // JavaScript refuses each of these; run, the module reports its real syntax error.
    ['a doubled numeric separator', 'export default { a: 1__0 };'],
    ['a trailing numeric separator', 'export default { a: 1_ };'],
    ['a separator after a leading zero', 'export default { a: 0_1 };'],
    ['a separator in the exponent', 'export default { a: 1e_5 };'],
    ['a raw carriage return in a string', "export default { a: 'x\ry' };"],
  ])('%s: left to the module loader', (_name, source) => {
    expect(readDataModule(source)).toBeUndefined();
  });
});
