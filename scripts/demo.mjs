#!/usr/bin/env node
// `npm run demo`: a throwaway repository, three candidates of a harmless demo agent, the session
// (tmux when installed, else headless), then status, compare and report; then it stops the
// session and prints the one command that removes everything. `npm run demo -- --keep` leaves
// the session running to attach to. Nothing outside a temp directory is touched.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli.js');
const agent = join(root, 'scripts', 'demo-agent.mjs');
const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const mux = process.env.DEMO_MUX ?? (hasTmux ? 'tmux' : 'none');
const keep = process.argv.includes('--keep');
/** A word the shell takes as it is (the temp path may hold anything $TMPDIR holds). */
const q = (word) => `'${word.replace(/'/g, `'\\''`)}'`;

// The demo's eval: does greet() still end with an exclamation mark?
const FRIENDLY = `node -e "import('./greet.js').then((m) => process.exit(m.greet('x').endsWith('!') ? 0 : 1))"`;

const dir = mkdtempSync(join(tmpdir(), 'git-parallel-demo-'));
const repo = join(dir, 'demo-app');
const sh = (cmd, args, cwd = repo) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] }).toString();
execFileSync('mkdir', ['-p', repo]);
sh('git', ['init', '-q', '-b', 'main']);
writeFileSync(join(repo, 'greet.js'), "export function greet(name) {\n  return 'Hello, ' + name;\n}\n");
writeFileSync(
  join(repo, 'parallel.config.json'),
  `${JSON.stringify({ agents: [{ name: 'demo', command: agent, count: 3, resume: false }], multiplexer: mux, eval: [{ name: 'friendly', command: FRIENDLY }] }, null, 2)}\n`,
);
sh('git', ['add', '.']);
sh('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', 'commit', '-q', '-m', 'demo app']);

const run = (...args) => {
  console.log(`\n$ parallel ${args.join(' ')}`);
  try {
    execFileSync(process.execPath, [cli, ...args], { cwd: repo, stdio: 'inherit' });
  } catch (error) {
    process.exitCode = error.status ?? 1;
  }
};
console.log(
  `Demo repository: ${repo} (multiplexer: ${mux}${hasTmux ? '' : ', tmux not installed: headless'})`,
);
run('up', 'greet', '--prompt', 'Make greet() friendlier', '--no-attach');
sh(process.execPath, [join(root, 'scripts', 'wait-agents.mjs'), cli, 'greet'], repo);
run('status', 'greet');
run('compare', 'greet');
run('report', 'greet');
// The session (and any agent still running) would outlive the demo: stop it unless asked to keep it.
if (!keep) run('down', 'greet');
const attach = keep
  ? `  node ${q(cli)} attach greet        ${mux === 'none' ? '(headless: tail -f .git/parallel/greet/logs/*.log)' : `(${mux}; detach with Ctrl-b d)`}\n`
  : '';
const removeAll = keep
  ? `(cd ${q(repo)} && node ${q(cli)} down greet) && rm -rf ${q(dir)}`
  : `rm -rf ${q(dir)}`;
console.log(`
Look around${keep ? '' : ` (the session is stopped; \`npm run demo -- --keep\` keeps it running to attach to)`}:
  cd ${q(repo)}
${attach}  node ${q(cli)} diff greet 1 2
  node ${q(cli)} pick greet 2
  node ${q(cli)} down greet --clean
Everything lives under ${dir}. Remove it all with:
  ${removeAll}`);
