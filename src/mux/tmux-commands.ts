import { type Candidate, type Plan, type PlanView, taskId } from '../plan/plan.js';
import { isBuiltinLayout, type LayoutName } from '../render/layout-names.js';
import { shellQuote } from '../render/shell.js';
import { panesPerWindow, REFERENCE_SCREEN, type Screen, spill } from '../render/spill.js';

/**
 * The tmux command lists that build a task's session, pure: the driver runs them, and
 * `parallel render --mux tmux` prints them.
 */

/** tmux's own arrangement for each built-in layout (`tabs`: one pane per window). */
const LAYOUTS: Record<LayoutName, string> = {
  tiled: 'tiled',
  'main-vertical': 'main-vertical',
  stacked: 'even-vertical',
  tabs: 'tiled',
};

/** Separates commands of one tmux invocation (NUL cannot occur in a real argument). */
export const THEN = '\0;';

/** tmux expands formats (`#{…}`, `#(shell)`) in -c, -n and -T: `##` is a literal `#`. */
export const literal = (text: string) => text.replaceAll('#', '##');

/**
 * Start directory, window name, what to print, then the command. Two or more command words
 * make tmux exec it directly instead of through `default-shell -c`, so the launcher path needs
 * no quoting for whatever shell the user runs (fish, …).
 */
export function paneArgs(candidate: Candidate, windowName?: string, format = '#{pane_id}'): string[] {
  const name = windowName === undefined ? [] : ['-n', literal(windowName)];
  return ['-c', literal(candidate.worktree), ...name, '-P', '-F', format, 'bash', candidate.launcher];
}

/** `@parallel_owner` (the task id) is the owner mark checked before anything is done to the session. */
export const windowOptions = (target: string, plan: PlanView) => [
  ...['set-option', '-w', '-t', target, '@parallel_owner', taskId(plan.repo.commonDir, plan.task), THEN],
  ...['set-option', '-w', '-t', target, 'remain-on-exit', 'on', THEN],
  ...['set-option', '-w', '-t', target, 'allow-rename', 'off', THEN],
  // Agents rewrite their pane title; the border shows our name and state from pane options.
  ...['set-option', '-w', '-t', target, 'pane-border-status', 'top', THEN],
  ...['set-option', '-w', '-t', target, 'pane-border-format', BORDER_FORMAT],
];

const BORDER_FORMAT =
  ' #{?@parallel_name,#{@parallel_name},#{pane_title}}#{?@parallel_state, · #{@parallel_state},} ';

/** Commands that label a pane (or a window's active pane): our index, and the pane title. */
export const label = (target: string, candidate: Candidate) => [
  ...['set-option', '-p', '-t', target, '@parallel_index', String(candidate.index), THEN],
  ...['set-option', '-p', '-t', target, '@parallel_name', candidate.paneName, THEN],
  ...['select-pane', '-t', target, '-T', literal(candidate.paneName)],
];

/** The session starts at the size its panes were counted for (a client that attaches resizes it). */
export const sessionSize = (screen: Screen) => ['-x', String(screen.columns), '-y', String(screen.rows)];

/** One tmux window of the session and the candidates whose panes it holds. */
export interface WindowPlan {
  name: string;
  candidates: Candidate[];
}

/**
 * The session's windows: one per agent for `tabs`; otherwise as many agents per window as fit
 * in panes of a usable size at `screen`, the rest spilling into further windows (`task 2`, …).
 */
export function windowsFor(
  plan: Plan,
  candidates: Candidate[],
  screen: Screen = REFERENCE_SCREEN,
): WindowPlan[] {
  if (plan.layout === 'tabs') return candidates.map((c) => ({ name: c.paneName, candidates: [c] }));
  const layout = isBuiltinLayout(plan.layout) ? plan.layout : 'tiled';
  return spill(candidates, panesPerWindow(layout, screen, false)).map((group, i) => ({
    name: spilledName(plan, i),
    candidates: group,
  }));
}

/** The name of the session's (i+1)-th window of agent panes. */
export const spilledName = (plan: Plan, i: number) => (i === 0 ? plan.task : `${plan.task} ${i + 1}`);

export const layoutName = (plan: Plan) => (isBuiltinLayout(plan.layout) ? LAYOUTS[plan.layout] : 'tiled');

/**
 * The session as a shell script of tmux commands, in the order the driver runs them (the driver
 * targets the first window by its id; the script by `=session:`).
 */
export function tmuxScript(plan: Plan, screen: Screen = REFERENCE_SCREEN): string {
  const windows = windowsFor(plan, plan.candidates, screen);
  const session = `=${plan.session}:`;
  // new-window makes the new window the session's current one, which `=session:` targets.
  const lists: string[][] = windows.flatMap((window, w) => {
    const [first, ...rest] = window.candidates as [Candidate, ...Candidate[]];
    const open =
      w === 0
        ? [
            'new-session',
            '-d',
            '-s',
            plan.session,
            ...sessionSize(screen),
            ...paneArgs(first, window.name, '#{window_id}'),
          ]
        : ['new-window', '-t', session, ...paneArgs(first, window.name, '#{window_id}')];
    return [
      [...open, ...[THEN, ...windowOptions(session, plan)], ...[THEN, ...label(session, first)]],
      ...rest.map((c) => [
        ...['split-window', '-t', session, ...paneArgs(c)],
        ...[THEN, ...label(session, c)],
        ...[THEN, 'select-layout', '-t', session, layoutName(plan)],
      ]),
    ];
  });
  const line = (list: string[]) =>
    `tmux ${list.map((arg) => (arg === THEN ? '\\;' : shellQuote(arg))).join(' ')}`.replaceAll(
      ' \\; ',
      ' \\;\n  ',
    );
  const spilled = windows.length > 1 && plan.layout !== 'tabs' ? `, in ${windows.length} windows` : '';
  return [
    `# tmux session ${plan.session} for task ${plan.task}: ${plan.candidates.length} pane(s)${spilled}, layout ${plan.layout}`,
    ...lists.map(line),
  ].join('\n');
}
