/** The built-in arrangements of the agent panes (layouts/<name>.kdl for Zellij). */
export const LAYOUT_NAMES = ['tiled', 'stacked', 'tabs', 'main-vertical'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

export const isBuiltinLayout = (layout: string): layout is LayoutName =>
  (LAYOUT_NAMES as readonly string[]).includes(layout);
