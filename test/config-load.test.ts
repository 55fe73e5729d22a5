/**
 * Good configs, through the built CLI in throw-away repositories that have no node_modules:
 * every supported file form, discovery from a subdirectory up to (and not past) the
 * repository root, the zero-config defaults and the --agents / --agent flags.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { initEmptyRepo, isolatedEnv } from './support/repo.js';

const run = promisify(execFile);
const CLI = process.env.GP_CLI ?? resolve(import.meta.dirname, '..', 'dist', 'cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'gp-config-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A home with a global cosmiconfig-style config that must never be read. */
const home = join(scratch, 'home');
mkdirSync(join(home, '.config', 'parallel'), { recursive: true });
writeFileSync(
  join(home, '.config', 'parallel', 'config.json'),
  JSON.stringify({ agents: [{ preset: 'aider', count: 7 }] }),
);

const env = isolatedEnv({ HOME: home, XDG_CONFIG_HOME: join(home, '.config') });

let count = 0;
async function repo(files: Record<string, string> = {}, parent = scratch): Promise<string> {
  const dir = join(parent, `repo-${++count}`);
  initEmptyRepo(dir, env);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

interface Rendered {
  layout: string;
  launchers: Record<string, string>;
  /** `#1 claude`, … in pane order. */
  panes: string[];
}

async function render(cwd: string, ...args: string[]): Promise<Rendered> {
  const { stdout } = await run(process.execPath, [CLI, 'render', 't', '--json', ...args], { cwd, env });
  const parsed = JSON.parse(stdout) as Omit<Rendered, 'panes'>;
  const panes = [...parsed.layout.matchAll(/pane name="([^"]+)"/g)].map((m) => m[1]!);
  return { ...parsed, panes };
}

const commands = (r: Rendered) =>
  Object.values(r.launchers).map((script) => {
    // The first line after the launcher's bookkeeping (start marker, state report, prompt read).
    const lines = script
      .split('\nelse\n')[1]!
      .split('\n')
      .map((l) => l.trim());
    const start = lines.find((l) => !/^(date|report|prompt=)/.test(l))!;
    return start.split(' ')[0];
  });

const TS_CONFIG = `import { defineConfig } from 'git-parallel';

export default defineConfig({
  agents: [
    { preset: 'codex', count: 2 },
    { name: 'mine', command: './bin/my-agent', args: ['--fast'], prompt: 'stdin' },
  ],
  layout: 'stacked',
});
`;

describe.concurrent('config file forms', () => {
  it('parallel.config.ts importing defineConfig from git-parallel, with no local install', async () => {
    const dir = await repo({ 'parallel.config.ts': TS_CONFIG });
    const r = await render(dir);
    expect(r.panes).toEqual(['#1 codex', '#2 codex', '#3 mine']);
    expect(r.layout).toContain('stacked=true');
    expect(commands(r)).toEqual(['codex', 'codex', './bin/my-agent']);
  });

  it('parallel.config.ts with TypeScript-only syntax (types, satisfies)', async () => {
    const dir = await repo({
      'parallel.config.ts': `import { defineConfig, type UserConfig } from 'git-parallel';
type Count = 1 | 2;
const n: Count = 2;
const config = { agents: [{ preset: 'gemini', count: n }] } satisfies UserConfig;
export default defineConfig(config);
`,
    });
    expect((await render(dir)).panes).toEqual(['#1 gemini', '#2 gemini']);
  });

  it('parallel.config.mts', async () => {
    const dir = await repo({ 'parallel.config.mts': TS_CONFIG });
    expect((await render(dir)).panes).toEqual(['#1 codex', '#2 codex', '#3 mine']);
  });

  it('parallel.config.mjs without defineConfig', async () => {
    const dir = await repo({
      'parallel.config.mjs': `export default { agents: [{ preset: 'opencode', count: 2 }] };\n`,
    });
    expect((await render(dir)).panes).toEqual(['#1 opencode', '#2 opencode']);
  });

  it('parallel.config.js, ESM and CommonJS', async () => {
    const esm = await repo({ 'parallel.config.js': `export default { agents: [{ preset: 'codex' }] };\n` });
    expect((await render(esm)).panes).toEqual(['#1 codex']);
    const cjs = await repo({
      'parallel.config.js': `module.exports = { agents: [{ preset: 'gemini' }] };\n`,
    });
    expect((await render(cjs)).panes).toEqual(['#1 gemini']);
  });

  it('parallel.config.json', async () => {
    const dir = await repo({
      'parallel.config.json': JSON.stringify({ agents: [{ preset: 'aider', count: 2 }], layout: 'tabs' }),
    });
    const r = await render(dir);
    expect(r.panes).toEqual(['#1 aider', '#2 aider']);
    expect(r.layout).toContain('tab name="#2 aider"');
  });

  it('the "parallel" key of package.json', async () => {
    const dir = await repo({
      'package.json': JSON.stringify({
        name: 'app',
        version: '1.0.0',
        parallel: { agents: [{ preset: 'codex' }] },
      }),
    });
    expect((await render(dir)).panes).toEqual(['#1 codex']);
  });

  it('a package.json without a "parallel" key is not a config', async () => {
    const dir = await repo({ 'package.json': JSON.stringify({ name: 'app', version: '1.0.0' }) });
    expect((await render(dir)).panes).toEqual(['#1 claude', '#2 claude', '#3 claude']);
  });

  it('parallel.config.ts wins over package.json in the same directory', async () => {
    const dir = await repo({
      'package.json': JSON.stringify({ name: 'app', parallel: { agents: [{ preset: 'gemini' }] } }),
      'parallel.config.ts': `export default { agents: [{ preset: 'codex' }] };\n`,
    });
    expect((await render(dir)).panes).toEqual(['#1 codex']);
  });
});

/** The same config, computed by code: it has to run. */
const TS_CODE_CONFIG = TS_CONFIG.replace(
  'export default',
  "const layout = 'stacked';\nexport default",
).replace("layout: 'stacked'", 'layout');

describe.concurrent('compiled config cache', () => {
  it('once a task exists, a .ts config is compiled once and recompiled when it changes', async () => {
    const dir = await repo({ 'parallel.config.ts': TS_CODE_CONFIG });
    const cache = join(dir, '.git', 'parallel', '.cache', 'config');
    expect((await render(dir)).panes).toEqual(['#1 codex', '#2 codex', '#3 mine']);
    // Nothing is written for a repository without tasks.
    expect(existsSync(cache)).toBe(false);
    mkdirSync(join(dir, '.git', 'parallel'));
    expect((await render(dir)).panes).toEqual(['#1 codex', '#2 codex', '#3 mine']);
    expect(readdirSync(cache)).toHaveLength(1);
    expect((await render(dir)).panes).toEqual(['#1 codex', '#2 codex', '#3 mine']);
    writeFileSync(join(dir, 'parallel.config.ts'), TS_CODE_CONFIG.replace('count: 2', 'count: 1'));
    expect((await render(dir)).panes).toEqual(['#1 codex', '#2 mine']);
    expect(readdirSync(cache)).toHaveLength(1);
  });

  it('a config that is only data (as `parallel init` writes it) is read, never compiled', async () => {
    const dir = await repo({ 'parallel.config.ts': TS_CONFIG });
    mkdirSync(join(dir, '.git', 'parallel'));
    const r = await render(dir);
    expect(r.panes).toEqual(['#1 codex', '#2 codex', '#3 mine']);
    expect(r.layout).toContain('stacked=true');
    expect(existsSync(join(dir, '.git', 'parallel', '.cache', 'config'))).toBe(false);
  });
});

describe.concurrent('discovery', () => {
  it('finds the config in the repository root from a subdirectory', async () => {
    const dir = await repo({ 'parallel.config.ts': TS_CONFIG, 'packages/api/src/.keep': '' });
    const r = await render(join(dir, 'packages', 'api', 'src'));
    expect(r.panes).toEqual(['#1 codex', '#2 codex', '#3 mine']);
  });

  it('a nearer config (in a subdirectory of the repository) wins', async () => {
    const dir = await repo({
      'parallel.config.ts': TS_CONFIG,
      'packages/web/parallel.config.json': JSON.stringify({ agents: [{ preset: 'gemini' }] }),
    });
    expect((await render(join(dir, 'packages', 'web'))).panes).toEqual(['#1 gemini']);
  });

  it('never reads a config above the repository root, nor ~/.config/parallel', async () => {
    const outer = join(scratch, 'outer');
    mkdirSync(outer, { recursive: true });
    writeFileSync(
      join(outer, 'parallel.config.json'),
      JSON.stringify({ agents: [{ preset: 'codex', count: 5 }] }),
    );
    const dir = await repo({}, outer);
    expect((await render(dir)).panes).toEqual(['#1 claude', '#2 claude', '#3 claude']);
  });
});

describe.concurrent('defaults and flags', () => {
  it('zero config: 3 claude agents, tiled, worktrees beside the repository', async () => {
    const dir = await repo();
    const r = await render(dir);
    expect(r.panes).toEqual(['#1 claude', '#2 claude', '#3 claude']);
    expect(commands(r)).toEqual(['claude', 'claude', 'claude']);
    expect(r.layout).toContain('(3 agents, tiled)');
    expect(r.layout).toContain(`cwd="${dir}-worktrees/t-1"`);
  });

  it('--agents 4 spreads round-robin over the two configured agents', async () => {
    const dir = await repo({
      'parallel.config.ts': `import { defineConfig } from 'git-parallel';
export default defineConfig({ agents: [{ preset: 'claude' }, { name: 'mine', command: 'my-agent' }] });
`,
    });
    const r = await render(dir, '--agents', '4');
    expect(r.panes).toEqual(['#1 claude', '#2 mine', '#3 claude', '#4 mine']);
    expect(commands(r)).toEqual(['claude', 'my-agent', 'claude', 'my-agent']);
  });

  it('--agents 4 with one custom agent gives 4 panes', async () => {
    const dir = await repo({
      'parallel.config.mjs': `export default { agents: [{ name: 'bot', command: 'my-bot', prompt: { flag: '--task' } }] };\n`,
    });
    const r = await render(dir, '--agents', '4');
    expect(r.panes).toEqual(['#1 bot', '#2 bot', '#3 bot', '#4 bot']);
  });

  it('--agent codex --agent gemini: one candidate each, presets usable without config', async () => {
    const dir = await repo();
    const r = await render(dir, '--agent', 'codex', '--agent', 'gemini');
    expect(r.panes).toEqual(['#1 codex', '#2 gemini']);
    expect(commands(r)).toEqual(['codex', 'gemini']);
  });

  it('--agent picks a configured custom agent by name', async () => {
    const dir = await repo({
      'parallel.config.ts': `export default { agents: [{ name: 'mine', command: 'my-agent', count: 2 }, { preset: 'codex' }] };\n`,
    });
    expect((await render(dir, '--agent', 'mine', '--agents', '2')).panes).toEqual(['#1 mine', '#2 mine']);
  });

  it('an unknown --agent is refused with the known names', async () => {
    const dir = await repo();
    const error = await run(process.execPath, [CLI, 'render', 't', '--agent', 'cursor'], {
      cwd: dir,
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toContain('Unknown agent "cursor"');
    expect((error as { stderr: string }).stderr).toContain('claude, codex');
  });
});

describe.concurrent('loadConfig merges defaults once', () => {
  it('a partial worktrees block keeps the other defaults; eval strings get names and timeouts', async () => {
    const dir = await repo({
      'parallel.config.json': JSON.stringify({
        worktrees: { branch: 'try/{task}-{n}' },
        eval: ['npm test', { name: 'lint', command: 'npm run lint', timeout: 5000 }],
        env: { NODE_ENV: 'test' },
      }),
    });
    const { config, file } = await loadConfig(dir, dir);
    expect(file).toBe(join(dir, 'parallel.config.json'));
    expect(config.worktrees).toEqual({
      dir: '../{repo}-worktrees/{task}-{n}',
      branch: 'try/{task}-{n}',
      base: 'HEAD',
    });
    expect(config.eval).toEqual([
      { name: 'npm test', command: 'npm test', timeoutMs: 600_000 },
      { name: 'lint', command: 'npm run lint', timeoutMs: 5000 },
    ]);
    expect(config.agents.map((a) => [a.name, a.count])).toEqual([['claude', 3]]);
    expect(config.env).toEqual({ NODE_ENV: 'test' });
  });

  it('no config at all: no file, the defaults', async () => {
    const dir = await repo();
    const { config, file } = await loadConfig(dir, dir);
    expect(file).toBeUndefined();
    expect(config.layout).toBe('tiled');
    expect(config.multiplexer).toBe('auto');
    expect(config.session).toBe('{repo}-{task}');
  });
});
