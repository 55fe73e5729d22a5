import type { LayoutName } from './layout-names.js';

/** A terminal's size in character cells. */
export interface Screen {
  columns: number;
  rows: number;
}

/** The size assumed when none is known (no terminal, a layout written ahead of its session). */
export const REFERENCE_SCREEN: Screen = { columns: 200, rows: 50 };

/** Smaller than this, an agent's pane is not usable: agents spill into further windows or tabs. */
export const MIN_PANE: Screen = { columns: 40, rows: 8 };

/** Rows a multiplexer keeps for itself: tmux's status line; Zellij's tab and status bars. */
const CHROME_ROWS = 2;

/**
 * How many agent panes of at least MIN_PANE one window (tmux) or tab (Zellij) of `screen` holds,
 * arranged as `layout`. Each pane has a title line above it. `collapsedStacks`: stacked panes
 * fold to their title line (Zellij), instead of sharing the height (tmux's even-vertical).
 */
export function panesPerWindow(layout: LayoutName, screen: Screen, collapsedStacks: boolean): number {
  const height = screen.rows - CHROME_ROWS;
  const across = Math.max(1, Math.floor(screen.columns / MIN_PANE.columns));
  const down = Math.max(1, Math.floor(height / (MIN_PANE.rows + 1)));
  // Folded panes take one line each; the open one needs its full height.
  const stack = collapsedStacks ? Math.max(1, height - MIN_PANE.rows) : down;
  switch (layout) {
    case 'tabs':
      return 1;
    case 'stacked':
      return stack;
    case 'main-vertical':
      return 1 + stack;
    default:
      return across * down;
  }
}

/** Candidates in windows of at most `perWindow`, in order. */
export function spill<T>(items: readonly T[], perWindow: number): T[][] {
  const windows: T[][] = [];
  for (let start = 0; start < items.length; start += perWindow)
    windows.push(items.slice(start, start + perWindow));
  return windows;
}
