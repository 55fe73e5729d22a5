import type { Candidate, Plan } from '../plan/plan.js';
import { formatKdl, type KdlNode, node } from './kdl.js';
import type { LayoutName } from './layout-names.js';

export const TEMPLATE_MARKER = '// parallel:agents';

/** Plan → one Zellij layout (KDL v1). `template` is the text of a user layout file, if any. */
export function renderLayout(plan: Plan, template?: string): string {
  if (template !== undefined) return renderIntoTemplate(plan, template);
  const layout = plan.layout as LayoutName;
  const tabs =
    layout === 'tabs'
      ? plan.candidates.map((c, i) =>
          node('tab', { name: c.paneName, focus: i === 0 || undefined }, [agentPane(c)]),
        )
      : [node('tab', { name: plan.task, focus: true }, arrange(layout, plan.candidates))];
  const doc = [node('layout', undefined, [chrome(), ...tabs])];
  return `// git-parallel layout for task "${plan.task}" (${plan.candidates.length} agents, ${plan.layout}).\n${formatKdl(doc)}`;
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

function chrome(): KdlNode {
  const bar = (location: string) =>
    node('pane', { size: 1, borderless: true }, [node('plugin', { location })]);
  return node('default_tab_template', undefined, [
    bar('zellij:tab-bar'),
    node('children'),
    bar('zellij:status-bar'),
  ]);
}

function renderIntoTemplate(plan: Plan, template: string): string {
  const lines = template.split('\n');
  const at = lines.findIndex((line) => line.trim() === TEMPLATE_MARKER);
  if (at === -1) throw new Error(`missing ${TEMPLATE_MARKER}`);
  const indent = /^\s*/.exec(lines[at]!)![0];
  const panes = formatKdl(tiled(plan.candidates), indent).replace(/\n$/, '');
  return [...lines.slice(0, at), panes, ...lines.slice(at + 1)].join('\n');
}
