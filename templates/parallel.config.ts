import { defineConfig } from 'git-parallel';

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
  // Commands that score a candidate in `parallel compare` (exit 0 = pass).
  eval: [], // e.g. ['npm test', { name: 'lint', command: 'npm run lint', timeout: 120000 }]
  stagger: 0, // milliseconds between agent starts (rate limits)
  notify: true, // bell + desktop notification when an agent waits, is done or failed; false, or { command: '…' }
  startupWait: 3000, // milliseconds `up` watches new agents for a failed start
  // evalJobs: 4, // evals run at once (default: the CPU count; `compare --jobs` for one run)
  maxLogBytes: '50MB', // each headless agent log and eval log keeps its newest output within this
});
