// Dependency set-up fixtures: a deterministic sample node_modules (a few thousand small files,
// nested packages and .bin symlinks, cached in bench/.work/deps-<hash>/) and the small real
// package-lock in bench/fixtures/npm for the `npm ci` side.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentHash, pruneCache, random, WORK } from './fixture.mjs';

export const NPM_FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'npm');
/** Packages in the fixture's lock (direct and transitive). */
export const NPM_PACKAGES = Object.keys(
  JSON.parse(readFileSync(join(NPM_FIXTURE, 'package-lock.json'), 'utf8')).packages,
).filter(Boolean).length;

/** `packages` packages of `filesPer` files each (+ package.json, a bin and a nested dependency). */
export function sampleNodeModules({ packages = 100, filesPer = 30 } = {}) {
  const hash = contentHash(import.meta.url, packages, filesPer);
  pruneCache('deps', `deps-${hash}`);
  const dir = join(WORK, `deps-${hash}`);
  const modules = join(dir, 'node_modules');
  if (existsSync(join(dir, 'done'))) return { modules, files: countFiles(packages, filesPer), cached: true };
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  const rand = random(7);
  const root = join(tmp, 'node_modules');
  mkdirSync(join(root, '.bin'), { recursive: true });
  for (let p = 0; p < packages; p++) {
    const name = `bench-pkg-${String(p).padStart(3, '0')}`;
    const pkg = join(root, name);
    writePackage(pkg, name, filesPer, rand);
    symlinkSync(`../${name}/bin/cli.js`, join(root, '.bin', name));
    if (p % 10 === 0) writePackage(join(pkg, 'node_modules', `${name}-dep`), `${name}-dep`, 3, rand);
  }
  writeFileSync(join(root, '.package-lock.json'), '{"lockfileVersion":3}\n');
  mkdirSync(dir, { recursive: true });
  renameSync(root, modules);
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(join(dir, 'done'), '');
  return { modules, files: countFiles(packages, filesPer), cached: false };
}

const countFiles = (packages, filesPer) => packages * (filesPer + 2) + Math.ceil(packages / 10) * 5 + 1;

function writePackage(pkg, name, files, rand) {
  mkdirSync(join(pkg, 'lib'), { recursive: true });
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', main: 'lib/index.js', bin: 'bin/cli.js' })}\n`,
  );
  writeFileSync(join(pkg, 'bin', 'cli.js'), "#!/usr/bin/env node\nrequire('../lib/index.js');\n", {
    mode: 0o755,
  });
  for (let f = 0; f < files; f++) {
    const body = Array.from(
      { length: 3 + Math.floor(rand() * 20) },
      (_, i) => `exports.v${i} = ${Math.floor(rand() * 1e9)};`,
    );
    writeFileSync(
      join(pkg, 'lib', f === 0 ? 'index.js' : `part${f}.js`),
      `'use strict';\n${body.join('\n')}\n`,
    );
  }
}

/** A fresh directory holding only package.json + package-lock.json, ready for `npm ci`. */
export function npmProject(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(NPM_FIXTURE, 'package.json'), join(dir, 'package.json'));
  cpSync(join(NPM_FIXTURE, 'package-lock.json'), join(dir, 'package-lock.json'));
  return dir;
}
