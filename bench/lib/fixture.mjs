// Deterministic benchmark repository: FILES source-like files (a few MB) in one commit with
// fixed dates, so the same parameters always give the same commit. Built once into
// bench/.work/repo-<hash>/ and reused while the generator and its parameters are unchanged.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const TMPFS = 0x01021994;
export const onTmpfs = (path) => {
  try {
    return statfsSync(path).type === TMPFS;
  } catch {
    return false;
  }
};
/**
 * Fixtures (the repositories and the sample node_modules) live on a tmpfs when there is one,
 * for the reason given at WORKTREES in bench/lib/context.mjs; else in bench/.work. Either way
 * they are cached across runs. BENCH_WORK=<dir> puts them elsewhere.
 */
export const WORK =
  process.env.BENCH_WORK ??
  (onTmpfs('/dev/shm') ? `/dev/shm/git-parallel-bench-${checkoutId()}/work` : join(here, '..', '.work'));

/** Two checkouts of git-parallel benchmarking on one machine must not clean up each other's runs. */
export function checkoutId() {
  return createHash('sha256')
    .update(join(here, '..', '..'))
    .digest('hex')
    .slice(0, 8);
}

/** mulberry32: a tiny seeded PRNG, so every run writes byte-identical files. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'alpha beta gamma delta user token config value result error count index item list map key name path'.split(
    ' ',
  );

function sourceText(rand, n) {
  const lines = [`// generated file ${n}`];
  const size = 120 + Math.floor(rand() * 560);
  let length = 0;
  while (length < size) {
    const a = WORDS[Math.floor(rand() * WORDS.length)];
    const b = WORDS[Math.floor(rand() * WORDS.length)];
    const line = `export const ${a}${n}_${lines.length} = '${b}-${Math.floor(rand() * 1e6)}';`;
    lines.push(line);
    length += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** Relative path → content for the whole tree (files spread over ~2 levels of directories). */
export function* sourceTree(files, seed = 1) {
  const rand = random(seed);
  for (let i = 0; i < files; i++) {
    const pkg = `pkg${String(i % 50).padStart(2, '0')}`;
    const mod = `mod${String(Math.floor(i / 50) % 20).padStart(2, '0')}`;
    yield [`src/${pkg}/${mod}/file${String(i).padStart(5, '0')}.ts`, sourceText(rand, i)];
  }
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Cache key: the generator's own source (`moduleUrl`) and its parameters. */
export const contentHash = (moduleUrl, ...parts) =>
  createHash('sha256')
    .update([readFileSync(fileURLToPath(moduleUrl), 'utf8'), ...parts.map(String)].join('\0'))
    .digest('hex')
    .slice(0, 12);

/** Removes `<prefix>-*` cache entries other than `keep` (older generator versions). */
export function pruneCache(prefix, keep) {
  if (!existsSync(WORK)) return;
  for (const name of readdirSync(WORK)) {
    if (name.startsWith(`${prefix}-`) && name !== keep)
      rmSync(join(WORK, name), { recursive: true, force: true });
  }
}

/**
 * The benchmark repository of `files` files (cached, one per size). `config` is committed as a
 * parallel.config.ts, the form `parallel init` writes, so the main worktree stays clean.
 * `name` keeps fixtures of different configs apart (each name caches one). Returns { dir, repo, commit, cached }.
 */
export function benchRepo({ files, config, name = 'repo' }) {
  const configText = `import { defineConfig } from 'git-parallel';\n\nexport default defineConfig(${JSON.stringify(config, null, 2)});\n`;
  const hash = contentHash(import.meta.url, files, configText);
  pruneCache(`${name}${files}`, `${name}${files}-${hash}`);
  const dir = join(WORK, `${name}${files}-${hash}`);
  const repo = join(dir, 'repo');
  const done = join(dir, 'done');
  if (existsSync(done)) return { dir, repo, commit: readFileSync(done, 'utf8').trim(), cached: true };

  rmSync(dir, { recursive: true, force: true });
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const tmpRepo = join(tmp, 'repo');
  const made = new Set();
  for (const [path, content] of sourceTree(files)) {
    const file = join(tmpRepo, path);
    const parent = dirname(file);
    if (!made.has(parent)) {
      mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    writeFileSync(file, content);
  }
  writeFileSync(join(tmpRepo, 'parallel.config.ts'), configText);
  writeFileSync(join(tmpRepo, '.gitignore'), 'node_modules/\n');
  const git = (...args) => execFileSync('git', args, { cwd: tmpRepo, env: GIT_ENV, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', `bench fixture: ${files} files`);
  git('repack', '-adq'); // one pack, as a cloned repository has
  const commit = git('rev-parse', 'HEAD').trim();
  renameSync(tmp, dir);
  // A checkout written in the same second as its index leaves every file "racily clean": each
  // later `git status` that may not write the index (GIT_OPTIONAL_LOCKS=0, as git-parallel runs
  // it) re-reads all 10,000 files. One `git status` a second later rewrites the index, as a
  // developer's own first `git status` would.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1100);
  execFileSync('git', ['status', '--porcelain'], { cwd: repo, env: GIT_ENV, stdio: 'ignore' });
  writeFileSync(done, `${commit}\n`);
  return { dir, repo, commit, cached: false };
}
