import type { PaneTitleCommand } from '../hook/settings.js';
import type { Candidate, Plan, PlanView } from '../plan/plan.js';
import type { Multiplexer, MuxCapabilities } from './capabilities.js';

export interface PaneState {
  /** Candidate number the pane runs, or undefined for a pane that is not ours. */
  index: number | undefined;
  /** The multiplexer's own id (tmux `%3`, zellij `terminal_3`, headless pid). */
  id: string;
  alive: boolean;
  exitCode?: number;
  /** The program in the pane's foreground (tmux `pane_current_command`), when the multiplexer tells. */
  command?: string;
}

export interface SessionState {
  name: string;
  panes: PaneState[];
  /**
   * The session does not carry this task's owner mark (another task or repository, or the
   * user's own session of that name): nothing may be done to it, and its panes are not listed.
   */
  foreign?: boolean;
}

/**
 * The contract every multiplexer backend satisfies. Drivers only translate these calls to
 * their tool; deciding what to do is the reconciler's job.
 */
export interface MuxDriver {
  readonly name: Multiplexer;
  readonly capabilities: MuxCapabilities;
  /** The live session and its panes, or null when there is none. */
  inspect(plan: PlanView): Promise<SessionState | null>;
  /** Starts the session with one pane per candidate (files already written). */
  createSession(plan: Plan, candidates: Candidate[]): Promise<void>;
  /** Adds one candidate's pane to the live session. */
  addPane(plan: Plan, candidate: Candidate): Promise<void>;
  /**
   * Starts a candidate's agent again in place of its pane (crashed, exited, or running in a
   * worktree rebuilt under it): afterwards the candidate has exactly one pane, running its
   * launcher (which resumes the agent). An agent still running in the old pane is stopped.
   */
  restartPane(plan: Plan, pane: PaneState, candidate: Candidate): Promise<void>;
  /** Stops one candidate's agent and closes its pane; the rest of the session runs on. */
  closePane(plan: Plan, pane: PaneState): Promise<void>;
  /** What the pane has shown, scrollback included (headless: the candidate's log file). */
  paneOutput(plan: Plan, pane: PaneState): Promise<string>;
  /** Stops the session and every agent in it. Succeeds when there is nothing to stop. */
  killSession(plan: Plan): Promise<void>;
  /** Attaches the terminal (needs a TTY); resolves with the client's exit code. */
  attach(plan: Plan): Promise<number>;
  /** Types text into a pane, then Enter. */
  sendText(plan: Plan, pane: PaneState, text: string): Promise<void>;
  /** The command a person types to look at the session. */
  attachHint(plan: Plan): string;
  /** Where agents went when they did not all fit in one window or tab as panes of a usable size. */
  spillNote?(plan: Plan): string | undefined;
  /**
   * Title a pane: the command an agent's hook runs inside the pane to show its state there.
   * Absent when the multiplexer has no panes to title.
   */
  titleCommand?(plan: Plan): PaneTitleCommand;
  /** Makes a pane the one an attaching client sees. */
  focusPane?(plan: Plan, paneId: string): Promise<void>;
  /** The last lines a pane (or headless log) shows: what an agent printed before it failed. */
  lastLines?(plan: PlanView, pane: PaneState, count: number): Promise<string[]>;
}
