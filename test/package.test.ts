/**
 * What ships: the example config loads as a valid config, and the packed tarball (npm pack),
 * installed into a fresh prefix, runs `--version`, writes `init`'s config from templates/ and
 * renders the built-in layouts from layouts/ (the files package.json lists exist and suffice).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { test as base, describe, expect } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { LAYOUT_NAMES } from '../src/render/layout-names.js';
import { FIXTURE_BIN, initEmptyRepo, isolatedEnv, removeTree } from './support/repo.js';

const ROOT = resolve(import.meta.dirname, '..');
const env = isolatedEnv({
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
});

/** A scratch directory per test, removed after it. */
const test = base.extend<{ scratch: string }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads the fixture's dependencies from this pattern
  scratch: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-package-'));
    await use(dir);
    removeTree(dir);
  },
});

describe('the package', () => {
  test('package.json `files` lists only what exists', () => {
    const { files } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(files.filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
  });

  test('parallel.config.ts.example loads as a valid config', async ({ scratch }) => {
    const repo = join(scratch, 'repo');
    initEmptyRepo(repo, env);
    copyFileSync(join(ROOT, 'parallel.config.ts.example'), join(repo, 'parallel.config.ts'));
    const { config, file } = await loadConfig(repo, repo);
    expect(file).toBe(join(repo, 'parallel.config.ts'));
    expect(config.agents.map((a) => a.name)).toEqual(['claude', 'codex', 'local-llm']);
    expect(config.layout).toBe('main-vertical');
    expect(config.eval.map((e) => e.name)).toEqual(['npm test', 'types', 'lint']);
  });

  test('npm pack, installed into a fresh prefix: --version, init and render work', async ({ scratch }) => {
    const npm = (args: string[], cwd: string) =>
      execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', scratch], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const shipped = packed[0]!.files.map((f) => f.path);
    for (const name of LAYOUT_NAMES) expect(shipped).toContain(`layouts/${name}.kdl`);
    expect(shipped).toContain('templates/parallel.config.ts');
    expect(shipped).toContain('templates/launcher.sh');
    expect(shipped).toContain('parallel.config.ts.example');
    for (const schema of readdirSync(join(ROOT, 'schemas'))) expect(shipped).toContain(`schemas/${schema}`);
    expect(shipped.filter((p) => p.startsWith('src/') || p.startsWith('test/'))).toEqual([]);

    const prefix = join(scratch, 'prefix');
    npm(
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        join(scratch, packed[0]!.filename),
      ],
      scratch,
    );
    const bin = join(prefix, 'bin', 'git-parallel');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(execFileSync(bin, ['--version'], { env, encoding: 'utf8' }).trim()).toBe(version);

    const repo = join(scratch, 'repo');
    initEmptyRepo(repo, env);
    execFileSync(bin, ['init'], { cwd: repo, env, stdio: 'pipe' });
    expect(readFileSync(join(repo, 'parallel.config.ts'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'templates', 'parallel.config.ts'), 'utf8'),
    );
    const rendered = execFileSync(bin, ['render', 't', '--mux', 'zellij', '--layout', 'stacked'], {
      cwd: repo,
      env: { ...env, PATH: `${FIXTURE_BIN}${delimiter}${env.PATH}` },
      encoding: 'utf8',
    });
    expect(rendered).toContain('pane stacked=true {');
    expect(rendered).toContain('tab name="t" focus=true {');
    expect(readdirSync(repo)).not.toContain('node_modules');
  }, 180_000);
});
