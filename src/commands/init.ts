import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILES } from '../config/load.js';
import { UserError } from '../errors.js';
import { findRepo } from '../git/repo.js';
import { out } from '../output.js';

export const CONFIG_TEMPLATE = `import { defineConfig } from 'git-parallel';

// git-parallel: one task, several agents, one worktree and one pane each.
// Every key is optional; the values shown are the defaults unless noted.
export default defineConfig({
  // Who works on the task. Presets: claude, codex, gemini, opencode, aider.
  // A custom agent: { name: 'mine', command: './bin/agent', args: ['--fast'], prompt: 'stdin' }
  // prompt: 'arg' (after --), 'stdin', 'none', or { flag: '--prompt' } (passed as --prompt=TEXT).
  agents: [{ preset: 'claude', count: 3 }],

  // Default prompt when --prompt / --prompt-file are not given (not a default).
  // prompt: 'Fix the failing tests',

  worktrees: {
    dir: '../{repo}-worktrees/{task}-{n}', // relative to the repository root
    branch: '{task}-{n}',
    base: 'HEAD',
  },
  session: '{repo}-{task}',
  multiplexer: 'auto', // zellij if installed, else tmux, else 'none' (headless)
  layout: 'tiled', // 'stacked' | 'tabs' | 'main-vertical' | './my-layout.kdl' (with a "// parallel:agents" line)

  // Run in each new worktree, in order; output goes to the task's log directory.
  setup: [], // e.g. ['npm ci']
  // Untracked files to copy into each new worktree (also read from .worktreeinclude).
  copy: [], // e.g. ['.env']
  env: {}, // extra environment for every agent
  // Commands that score a candidate in \`parallel compare\` (exit 0 = pass).
  eval: [], // e.g. ['npm test', { name: 'lint', command: 'npm run lint', timeout: 120000 }]
  stagger: 0, // milliseconds between agent starts (rate limits)
  notify: true, // bell + desktop notification when an agent waits, is done or failed; false, or { command: '…' }
  startupWait: 3000, // milliseconds \`up\` watches new agents for a failed start
});
`;

export async function init(): Promise<void> {
  const repo = await findRepo(process.cwd());
  for (const name of CONFIG_FILES.filter((f) => f !== 'package.json')) {
    const existing = join(repo.root, name);
    if (
      await access(existing).then(
        () => true,
        () => false,
      )
    ) {
      throw new UserError(
        `${existing} already exists; init never overwrites a config. Edit it, or delete it first to start over.`,
      );
    }
  }
  const file = join(repo.root, 'parallel.config.ts');
  await writeFile(file, CONFIG_TEMPLATE, { flag: 'wx' });
  out(`Wrote ${file}. Edit it, commit it, then run: parallel up <task> --prompt "…"`);
}
