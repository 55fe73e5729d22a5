import type { Candidate, Plan } from '../plan/plan.js';
import { isBuiltinLayout, type LayoutName } from '../render/layout-names.js';
import { shellQuote } from '../render/shell.js';

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

export const windowOptions = (target: string) => [
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

/** Each pane needs two rows (line + border) when stacked: room for all before a client sizes it. */
export const sessionSize = (count: number) => ['-x', '200', '-y', String(Math.max(50, 3 * count))];

export const layoutName = (plan: Plan) => (isBuiltinLayout(plan.layout) ? LAYOUTS[plan.layout] : 'tiled');

/**
 * The session as a shell script of tmux commands, in the order the driver runs them (the driver
 * targets the first window by its id; the script by `=session:`).
 */
export function tmuxScript(plan: Plan): string {
  const [first, ...rest] = plan.candidates;
  if (!first) return '';
  const tabs = plan.layout === 'tabs';
  const session = `=${plan.session}:`;
  const lists: string[][] = [
    [
      ...['new-session', '-d', '-s', plan.session, ...sessionSize(plan.candidates.length)],
      ...paneArgs(first, tabs ? first.paneName : plan.task, '#{window_id}'),
      ...[THEN, ...windowOptions(session)],
      ...[THEN, ...label(session, first)],
    ],
    ...rest.map((c) =>
      tabs
        ? [
            ...['new-window', '-t', session, ...paneArgs(c, c.paneName)],
            ...[THEN, ...windowOptions(session)],
            ...[THEN, ...label(session, c)],
          ]
        : [
            ...['split-window', '-t', session, ...paneArgs(c)],
            ...[THEN, ...label(session, c)],
            ...[THEN, 'select-layout', '-t', session, layoutName(plan)],
          ],
    ),
  ];
  const line = (list: string[]) =>
    `tmux ${list.map((arg) => (arg === THEN ? '\\;' : shellQuote(arg))).join(' ')}`.replaceAll(
      ' \\; ',
      ' \\;\n  ',
    );
  return [
    `# tmux session ${plan.session} for task ${plan.task}: ${plan.candidates.length} pane(s), layout ${plan.layout}`,
    ...lists.map(line),
  ].join('\n');
}
