import type { HookSource } from '../hook/events.js';

/**
 * How each real agent CLI takes an initial prompt (see shared/AGENTS.md). A prompt that
 * starts with "-" must still arrive as the prompt, so it goes after "--" or in an attached
 * "--flag=value" form, never as a bare argument an option parser could claim.
 */
export type PromptMode = 'arg' | 'stdin' | 'none' | { flag: string };

export interface AgentInvocation {
  /** Arguments before the prompt. */
  args: string[];
  prompt: PromptMode;
  /** Arguments that continue the agent's last session in the same directory; null: not supported. */
  resume: string[] | null;
}

export interface Preset {
  command: string;
  /** The agent's own hook system, wired per run so that it reports its state (see attention/wiring.ts). */
  hooks: HookSource;
  /** The first version whose hooks git-parallel wires (shared/AGENTS.md); absent: every version. */
  hooksSince?: string;
  install: string;
  /** Used in a terminal pane (zellij, tmux). */
  interactive: AgentInvocation;
  /** Used by the headless driver, where no terminal exists. */
  headless: AgentInvocation;
}

export const PRESETS = {
  claude: {
    command: 'claude',
    hooks: 'claude',
    hooksSince: '1.0.61',
    install: 'npm install -g @anthropic-ai/claude-code',
    interactive: { args: [], prompt: 'arg', resume: ['--continue'] },
    headless: { args: ['-p'], prompt: 'arg', resume: ['-p', '--continue', 'Continue where you left off.'] },
  },
  codex: {
    command: 'codex',
    hooks: 'codex',
    install: 'npm install -g @openai/codex',
    interactive: { args: [], prompt: 'arg', resume: ['resume', '--last'] },
    headless: { args: ['exec'], prompt: 'arg', resume: null },
  },
  gemini: {
    command: 'gemini',
    hooks: 'gemini',
    hooksSince: '0.27.0',
    install: 'npm install -g @google/gemini-cli',
    interactive: { args: [], prompt: { flag: '--prompt-interactive' }, resume: ['--resume', 'latest'] },
    headless: { args: [], prompt: { flag: '--prompt' }, resume: null },
  },
  opencode: {
    command: 'opencode',
    hooks: 'opencode',
    install: 'npm install -g opencode-ai',
    interactive: { args: [], prompt: { flag: '--prompt' }, resume: ['--continue'] },
    headless: { args: ['run'], prompt: 'arg', resume: null },
  },
  aider: {
    command: 'aider',
    hooks: 'aider',
    install: 'python -m pip install aider-install && aider-install',
    interactive: { args: [], prompt: { flag: '--message' }, resume: ['--restore-chat-history'] },
    headless: { args: ['--yes-always'], prompt: { flag: '--message' }, resume: null },
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as [PresetName, ...PresetName[]];

/** The argv after the command for one start of an agent with the prompt text. */
export function promptArgv(invocation: AgentInvocation, prompt: string): string[] {
  const mode = invocation.prompt;
  if (mode === 'arg') return [...invocation.args, '--', prompt];
  if (mode === 'stdin' || mode === 'none') return [...invocation.args];
  return [...invocation.args, `${mode.flag}=${prompt}`];
}
