import { packageAsset } from '../assets.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { formatKdl, type KdlNode, node, quote } from './kdl.js';
import { isBuiltinLayout, LAYOUT_NAMES, type LayoutName } from './layout-names.js';
import { panesPerWindow, REFERENCE_SCREEN, type Screen, spill } from './spill.js';

export const TEMPLATE_MARKER = '// parallel:agents';

/** A layout template that cannot be used; the message says what is wrong (without the file name). */
export class LayoutTemplateError extends Error {}

/** The text of a built-in layout (layouts/<name>.kdl). */
export const builtinLayout = (name: LayoutName) => packageAsset('layouts', `${name}.kdl`);

/**
 * Plan → one Zellij layout (KDL v1), from a template: a built-in one from layouts/, or the text
 * of the user's file. Its `// parallel:agents [arrangement]` line becomes the agent panes;
 * `{task}` and `{count}` become the task name and the number of agents. More agents than fit in
 * panes of a usable size at `screen` spill into copies of the marker's tab (`task 2`, …).
 */
export function renderLayout(
  plan: Plan,
  template = builtinLayout(plan.layout as LayoutName),
  screen: Screen = REFERENCE_SCREEN,
): string {
  const lines = template.split('\n');
  const at = lines.findIndex((line) => line.trim().startsWith(TEMPLATE_MARKER));
  if (at === -1) {
    throw new LayoutTemplateError(
      `it has no \`${TEMPLATE_MARKER}\` line. Put that comment alone on a line where the agent panes belong (inside a tab, or directly in \`layout\` for \`${TEMPLATE_MARKER} tabs\`)`,
    );
  }
  const word = lines[at]!.trim().slice(TEMPLATE_MARKER.length).trim() || 'tiled';
  if (!isBuiltinLayout(word)) {
    throw new LayoutTemplateError(
      `its \`${TEMPLATE_MARKER}\` line names the arrangement "${word}"; use one of ${LAYOUT_NAMES.join(', ')}, or nothing for tiled`,
    );
  }
  const indent = /^\s*/.exec(lines[at]!)![0];
  const fill = (text: string) =>
    text
      .replaceAll('{task}', quote(plan.task).slice(1, -1))
      .replaceAll('{count}', String(plan.candidates.length));
  const panes = (group: Candidate[]) => formatKdl(arrange(word, group), indent).replace(/\n$/, '');
  const groups =
    word === 'tabs' ? [plan.candidates] : spill(plan.candidates, panesPerWindow(word, screen, true));
  const tab = groups.length > 1 ? enclosingTab(lines, at) : undefined;
  if (!tab) {
    return [...lines.slice(0, at).map(fill), panes(plan.candidates), ...lines.slice(at + 1).map(fill)].join(
      '\n',
    );
  }
  // Too many agents for panes of a usable size in one tab: the tab is repeated for the rest.
  const tabs = groups.map((group, i) => {
    const header = i === 0 ? fill(lines[tab.start]!) : spilledTabHeader(fill(lines[tab.start]!), plan, i);
    return [
      header,
      ...lines.slice(tab.start + 1, at).map(fill),
      panes(group),
      ...lines.slice(at + 1, tab.end + 1).map(fill),
    ].join('\n');
  });
  return [...lines.slice(0, tab.start).map(fill), ...tabs, ...lines.slice(tab.end + 1).map(fill)].join('\n');
}

/** The `tab … {` line around the marker and its closing `}` (same indent), if the marker is in one. */
function enclosingTab(lines: string[], at: number): { start: number; end: number } | undefined {
  const depth = (line: string) => /^\s*/.exec(line)![0].length;
  for (let start = at - 1; start >= 0; start--) {
    const line = lines[start]!;
    if (!line.trim() || depth(line) >= depth(lines[at]!)) continue;
    if (!/^\s*tab\b.*\{\s*$/.test(line)) return undefined;
    const end = lines.findIndex((l, i) => i > at && l.trim() === '}' && depth(l) === depth(line));
    return end === -1 ? undefined : { start, end };
  }
  return undefined;
}

/** A repeated tab: named `task 2`, …, and not focused. */
function spilledTabHeader(header: string, plan: Plan, i: number): string {
  const name = `name=${quote(`${plan.task} ${i + 1}`)}`;
  const unfocused = header.replace(/\s+focus=(true|false)\b/, '');
  return /\bname="(?:[^"\\]|\\.)*"/.test(unfocused)
    ? unfocused.replace(/\bname="(?:[^"\\]|\\.)*"/, name)
    : unfocused.replace(/^(\s*tab)\b/, `$1 ${name}`);
}

export function agentPane(candidate: Candidate, extra: KdlNode['props'] = {}): KdlNode {
  return node(
    'pane',
    { name: candidate.paneName, command: 'bash', cwd: expansionSafe(candidate.worktree), ...extra },
    [node('args', undefined, undefined, [candidate.launcher])],
  );
}

/**
 * Zellij shell-expands `command` and `cwd` (~, $VAR); a path that would change under
 * expansion is left out and the launcher's own `cd` does the work (args are not expanded).
 */
function expansionSafe(path: string): string | undefined {
  return path.includes('$') || path.startsWith('~') ? undefined : path;
}

function arrange(layout: LayoutName, candidates: Candidate[]): KdlNode[] {
  if (layout === 'tabs') {
    return candidates.map((c, i) =>
      node('tab', { name: c.paneName, focus: i === 0 || undefined }, [agentPane(c)]),
    );
  }
  if (layout === 'stacked') {
    return [
      node(
        'pane',
        { stacked: true },
        candidates.map((c, i) => agentPane(c, i === 0 ? { expanded: true } : {})),
      ),
    ];
  }
  if (layout === 'main-vertical' && candidates.length > 1) {
    const [main, ...rest] = candidates as [Candidate, ...Candidate[]];
    const side =
      rest.length === 1
        ? agentPane(rest[0]!)
        : node(
            'pane',
            { stacked: true },
            rest.map((c) => agentPane(c)),
          );
    return [
      node('pane', { split_direction: 'vertical' }, [agentPane(main, { size: '60%', focus: true }), side]),
    ];
  }
  return tiled(candidates);
}

/** Rows of columns, as square as the count allows. */
function tiled(candidates: Candidate[]): KdlNode[] {
  if (candidates.length <= 2) {
    return [
      node(
        'pane',
        { split_direction: 'vertical' },
        candidates.map((c) => agentPane(c)),
      ),
    ];
  }
  const columns = Math.ceil(Math.sqrt(candidates.length));
  const rows: KdlNode[] = [];
  for (let start = 0; start < candidates.length; start += columns) {
    const row = candidates.slice(start, start + columns).map((c) => agentPane(c));
    rows.push(row.length === 1 ? row[0]! : node('pane', { split_direction: 'vertical' }, row));
  }
  return rows;
}
