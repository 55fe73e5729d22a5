import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `up` tells the hook about a task, in `<task state dir>/attention.json`: the hook runs
 * inside the agent with nothing but its arguments, so it reads the rest from here.
 */
export interface HookSettings {
  version: 1;
  task: string;
  /** Candidate number → its pane name (`#1 claude`). */
  names: Record<string, string>;
  /** `notify` of the config: bell + OSC 9 (+ notify-send), nothing, or the user's command. */
  notify: boolean | { command: string };
  /** A non-zero exit this soon after the start is a failed start (ms). */
  failWindowMs: number;
  /** How to title the agent's pane from inside it; absent without panes (headless). */
  title?: PaneTitleCommand;
  runDir: string;
  logDir: string;
}

/**
 * A command that titles one pane: `{pane}` is replaced by the pane id read from `paneEnv` in the
 * pane's environment, `{state}` by the state (`waiting (permission)`), `{title}` by name + state.
 */
export interface PaneTitleCommand {
  paneEnv: string;
  argv: string[];
}

export const hookSettingsFile = (stateDir: string) => join(stateDir, 'attention.json');

export function readHookSettings(stateDir: string): HookSettings | undefined {
  try {
    const value = JSON.parse(readFileSync(hookSettingsFile(stateDir), 'utf8')) as HookSettings;
    return value?.version === 1 ? value : undefined;
  } catch {
    return undefined;
  }
}
