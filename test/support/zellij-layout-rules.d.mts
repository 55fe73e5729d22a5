// Types for zellij-layout-rules.mjs (Zellij layout rule checker used by tests).

export type KdlValue = string | number | boolean | null;

export interface KdlNode {
  name: string;
  values: KdlValue[];
  properties: Record<string, KdlValue>;
  children: KdlNode[];
}

export interface ParseResult {
  ok: boolean;
  doc: KdlNode[] | null;
  errors: string[];
}

export interface CheckOptions {
  /** Environment for `$VAR` / `~` expansion in command/cwd/edit (default: process.env). */
  env?: Record<string, string | undefined>;
  /** 'auto' (default): swap layouts without a `layout` node are checked as a NAME.swap.kdl file. */
  kind?: 'auto' | 'layout' | 'swap';
  /** A cwd passed by the caller (like `action new-tab`): replaces the file's layout-level cwd. */
  globalCwd?: string | null;
  /** Also report things Zellij silently ignores (eg. `args=` on the node line). */
  strict?: boolean;
  /** For swap files: the main layout whose templates the swap file may use. */
  baseLayout?: string;
}

export type Run =
  | {
      type: 'command';
      command: string;
      args: string[];
      cwd: string | null;
      holdOnClose: boolean;
      holdOnStart: boolean;
    }
  | { type: 'edit'; file: string; cwd: string | null }
  | { type: 'cwd'; cwd: string }
  | { type: 'plugin'; location: string; cwd: string | null };

export interface TiledPane {
  kind: 'tiled';
  name: string | null;
  run: Run | null;
  children: TiledPane[];
  ext: number | null;
  stacked: boolean;
  expanded: boolean;
  borderless: boolean | null;
  focus: boolean | null;
  size: string | number | null;
  split: 'horizontal' | 'vertical';
  hideFloating: boolean;
}

export interface FloatingPane {
  kind: 'floating';
  name: string | null;
  run: Run | null;
  focus: boolean | null;
  x: string | number | null;
  y: string | number | null;
  width: string | number | null;
  height: string | number | null;
  pinned: boolean | null;
}

export interface ResolvedTab {
  name: string | null;
  focus: boolean;
  layout: TiledPane;
  floats: FloatingPane[];
}

/** A rule violation, with Zellij's message. */
export class LayoutError extends Error {}

/** An unset variable during shell expansion (`error looking key 'X' up: …`). */
export class ShellExpandError extends Error {
  varName: string;
}

/** Parse as KDL v1 with kdljs 0.2.0 (v2 syntax such as `#true` is refused). */
export function parseLayoutV1(text: string): ParseResult;

/** Zellij's error messages for a layout; [] means Zellij would accept it. */
export function checkLayout(text: string, options?: CheckOptions): string[];

/** shellexpand::full: `~`, `$VAR`, `${VAR}`, `${VAR:-default}`; throws ShellExpandError on unset. */
export function shellExpand(value: string, env?: Record<string, string | undefined>): string;

/** The tabs a new session would get (throws LayoutError on any error). */
export function resolveLayout(text: string, options?: CheckOptions): { tabs: ResolvedTab[]; doc: KdlNode[] };

/** The leaf panes of a tiled layout (containers excluded). */
export function leaves(layout: TiledPane): TiledPane[];
