/**
 * Layout rendering: golden files for every built-in layout (and a user template) at 1, 3 and 5
 * agents, each parsed as KDL v1 (kdljs 0.2.0) and checked against Zellij's layout rules
 * (test/support/zellij-layout-rules.mjs). Plans are built from a fake repository at fixed paths
 * so the goldens do not depend on the machine. They are vitest file snapshots: `npx vitest run -u`
 * rewrites them after a deliberate change.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'kdljs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Multiplexer } from '../src/config/resolve.js';
import { resolveConfig } from '../src/config/resolve.js';
import type { AgentConfig } from '../src/config/schema.js';
import type { Repo } from '../src/git/repo.js';
import { tmuxScript, windowsFor } from '../src/mux/tmux-commands.js';
import { buildPlan, type Plan } from '../src/plan/plan.js';
import { renderBundle } from '../src/render/bundle.js';
import { renderLauncher } from '../src/render/launcher.js';
import { LAYOUT_NAMES } from '../src/render/layout-names.js';
import { panesPerWindow, REFERENCE_SCREEN } from '../src/render/spill.js';
import { renderLayout, TEMPLATE_MARKER } from '../src/render/zellij.js';

interface ZellijPane {
  name: string | null;
  run: { type: string; command?: string; args?: string[]; cwd: string | null } | null;
  children: ZellijPane[];
}
interface ZellijRules {
  checkLayout(
    text: string,
    options?: { strict?: boolean; env?: Record<string, string | undefined> },
  ): string[];
  resolveLayout(
    text: string,
    options?: { env?: Record<string, string | undefined> },
  ): { tabs: { name: string | null; focus: boolean | null; layout: ZellijPane }[] };
  leaves(layout: ZellijPane): ZellijPane[];
}
const rules = (await import(
  pathToFileURL(resolve(import.meta.dirname, 'support', 'zellij-layout-rules.mjs')).href
)) as ZellijRules;

const GOLDEN = resolve(import.meta.dirname, 'golden');
const FIXED_ROOT = '/home/dev/src/shop';
const BASE = { ref: 'HEAD', commit: 'c0ffee'.padEnd(40, '0'), branch: 'main' };
/** Zellij expands $VAR in `cwd`; with an empty environment an unexpanded `$` fails the check. */
const NO_ENV = { env: {} };

function fakeRepo(root: string): Repo {
  return { root, name: basename(root), commonDir: join(root, '.git'), cwdTop: root };
}

interface PlanOptions {
  root?: string;
  agents?: number;
  layout?: string;
  prompt?: string;
  mux?: Multiplexer;
  config?: { agents?: AgentConfig[] };
}

function fakePlan(options: PlanOptions = {}): Plan {
  return buildPlan({
    config: resolveConfig({ agents: [{ preset: 'claude' }, { preset: 'codex' }], ...options.config }),
    configFile: `${options.root ?? FIXED_ROOT}/parallel.config.ts`,
    task: 'add-auth',
    repo: fakeRepo(options.root ?? FIXED_ROOT),
    base: BASE,
    mux: options.mux ?? 'zellij',
    prompt: options.prompt ?? 'Add JWT auth to the API',
    flags: { agents: options.agents ?? 3, layout: options.layout ?? 'tiled' },
  });
}

/** Compares with test/golden/<name> (a file snapshot; CI fails on a missing one instead of writing it). */
const golden = (name: string, actual: string) => expect(actual).toMatchFileSnapshot(join(GOLDEN, name));

/** Every check a generated layout must pass, whatever its shape. */
function assertValidLayout(kdl: string, plan: Plan): void {
  const parsed = parse(kdl);
  expect(parsed.errors, 'kdljs 0.2.0 (KDL v1) parses it').toEqual([]);
  expect(parsed.output).toBeDefined();
  expect(kdl, 'no KDL v2 keywords').not.toMatch(/#(true|false|null|inf|-inf|nan)\b/);
  expect(kdl, 'no KDL v2 raw strings').not.toMatch(/(^|[\s=])#+"/m);
  expect(rules.checkLayout(kdl, { strict: true, ...NO_ENV }), "Zellij's layout rules").toEqual([]);

  const { tabs } = rules.resolveLayout(kdl, NO_ENV);
  expect(tabs.filter((t) => t.focus).length, 'at most one focused tab').toBeLessThanOrEqual(1);
  const agentPanes = tabs
    .flatMap((t) => rules.leaves(t.layout))
    .filter((p) => p.run?.type === 'command' && p.run.command === 'bash');
  expect(agentPanes.map((p) => p.name)).toEqual(plan.candidates.map((c) => `#${c.index} ${c.agent.name}`));
  agentPanes.forEach((pane, i) => {
    const c = plan.candidates[i]!;
    expect(pane.run?.args, 'the launcher path reaches bash unchanged').toEqual([c.launcher]);
    expect(pane.run?.cwd === null || pane.run?.cwd === c.worktree, `cwd of ${c.label}`).toBe(true);
  });
  if (plan.prompt) expect(kdl).not.toContain(plan.prompt);
}

describe('golden layouts', () => {
  for (const layout of LAYOUT_NAMES) {
    for (const agents of [1, 3, 5]) {
      it(`${layout} with ${agents} agent(s)`, async () => {
        const plan = fakePlan({ layout, agents });
        const kdl = renderLayout(plan);
        assertValidLayout(kdl, plan);
        await golden(`${layout}-${agents}.kdl`, kdl);
      });
    }
  }

  const TEMPLATE = `// A team layout: agents on the left, a shell on the right, logs in a second tab.
layout {
    default_tab_template {
        pane size=1 borderless=true {
            plugin location="zellij:compact-bar"
        }
        children
    }
    tab name="agents" focus=true {
        pane split_direction="vertical" {
            pane size="70%" {
                ${TEMPLATE_MARKER}
            }
            pane name="shell" size="30%"
        }
    }
    tab name="logs" {
        pane command="tail" {
            args "-f" "/dev/null"
        }
    }
}
`;

  for (const agents of [1, 3, 5]) {
    it(`a user template with a "${TEMPLATE_MARKER}" line, ${agents} agent(s)`, async () => {
      const plan = fakePlan({ layout: './team.kdl', agents });
      const kdl = renderLayout(plan, TEMPLATE);
      assertValidLayout(kdl, plan);
      expect(kdl).not.toContain(TEMPLATE_MARKER);
      expect(kdl).toContain('pane name="shell" size="30%"');
      await golden(`template-${agents}.kdl`, kdl);
    });
  }
});

describe('layout details', () => {
  it('pane names show the candidate number and the agent; tabs are named after them too', () => {
    const plan = fakePlan({ agents: 4, layout: 'tabs' });
    const kdl = renderLayout(plan);
    for (const name of ['#1 claude', '#2 codex', '#3 claude', '#4 codex']) {
      expect(kdl).toContain(`tab name="${name}"`);
      expect(kdl).toContain(`pane name="${name}"`);
    }
    expect(kdl.match(/focus=true/g)).toHaveLength(1);
  });

  it('booleans are written as bare v1 `true`', () => {
    const kdl = renderLayout(fakePlan({ layout: 'stacked' }));
    expect(kdl).toContain('stacked=true');
    expect(kdl).toContain('borderless=true');
    expect(kdl).toContain('expanded=true');
  });

  it('every count from 1 to 12 passes for every built-in layout', () => {
    for (const layout of LAYOUT_NAMES) {
      for (let agents = 1; agents <= 12; agents++) {
        const plan = fakePlan({ layout, agents });
        assertValidLayout(renderLayout(plan), plan);
      }
    }
  });
});

describe('many agents', () => {
  it('64 agents spill into further tabs of panes no smaller than 40x8, in order, one focused', () => {
    for (const layout of ['tiled', 'stacked', 'main-vertical'] as const) {
      const plan = fakePlan({ layout, agents: 64 });
      const kdl = renderLayout(plan);
      assertValidLayout(kdl, plan);
      const { tabs } = rules.resolveLayout(kdl, NO_ENV);
      const perTab = panesPerWindow(layout, REFERENCE_SCREEN, true);
      expect(tabs.map((t) => t.name)).toEqual(
        Array.from({ length: Math.ceil(64 / perTab) }, (_, i) => (i ? `add-auth ${i + 1}` : 'add-auth')),
      );
      expect(tabs.map((t) => t.focus === true)).toEqual(tabs.map((_, i) => i === 0));
    }
    // 200x50 less two bars: 5 columns of 40 by 5 rows of 8 + a title line.
    expect(panesPerWindow('tiled', REFERENCE_SCREEN, true)).toBe(25);
    expect(panesPerWindow('tiled', { columns: 80, rows: 24 }, false)).toBe(4);
  });

  it('the tmux commands open a further window when the panes would be too small', () => {
    const plan = fakePlan({ layout: 'tiled', agents: 64, mux: 'tmux' });
    const script = tmuxScript(plan);
    expect(script).toContain('64 pane(s), in 3 windows');
    expect(script.match(/^tmux new-window /gm)).toHaveLength(2);
    expect(script.match(/^tmux split-window /gm)).toHaveLength(61);
    expect(windowsFor(plan, plan.candidates, { columns: 80, rows: 24 })).toHaveLength(16);
  });
});

describe('hostile repository paths', () => {
  const paths: [label: string, root: string, cwdKept: boolean][] = [
    ['spaces and double quotes', '/home/dev/my projects/shop "v2"', true],
    ['single quote, backslash, tab, newline, unicode', "/home/dev/it's\\back\tslash\nnew/ünï 😀", true],
    ['$HOME', '/home/dev/$HOME/shop', false],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${USER} is the point
    ['${USER}', '/home/dev/${USER}s/shop', false],
    ['$(…) and backticks', '/home/dev/$(touch pwned)/`id`/shop', false],
    ['~ inside the path (not expanded by Zellij)', '/home/dev/~shop/app', true],
    ['a directory named ~', '/home/dev/~/app', true],
  ];

  for (const [label, root, cwdKept] of paths) {
    it(`${label}: ${cwdKept ? 'cwd kept' : 'cwd omitted'}, paths survive`, () => {
      for (const layout of [...LAYOUT_NAMES]) {
        const plan = fakePlan({ root, layout });
        const kdl = renderLayout(plan);
        assertValidLayout(kdl, plan);

        const panes = rules
          .resolveLayout(kdl, NO_ENV)
          .tabs.flatMap((t) => rules.leaves(t.layout))
          .filter((p) => p.run?.command === 'bash');
        expect(panes.map((p) => p.run?.cwd)).toEqual(
          plan.candidates.map((c) => (cwdKept ? c.worktree : null)),
        );
        expect(plan.candidates[0]!.worktree.startsWith(root.slice(0, root.lastIndexOf('/')))).toBe(true);
        // kdljs reads back the exact strings.
        const values: string[] = [];
        const walk = (nodes: NonNullable<ReturnType<typeof parse>['output']>) => {
          for (const n of nodes) {
            if (n.name === 'args') values.push(...(n.values as string[]));
            if (typeof n.properties.cwd === 'string') values.push(n.properties.cwd);
            walk(n.children);
          }
        };
        walk(parse(kdl).output!);
        for (const c of plan.candidates) {
          expect(values).toContain(c.launcher);
          if (cwdKept) expect(values).toContain(c.worktree);
        }
        expect(kdl.includes('cwd='), 'cwd only when it is expansion-safe').toBe(cwdKept);
      }
    });
  }

  it('a template keeps working with a hostile path', () => {
    const plan = fakePlan({ root: '/home/dev/$HOME/shop "x"', layout: './t.kdl' });
    const kdl = renderLayout(plan, `layout {\n    tab name="a" {\n        ${TEMPLATE_MARKER}\n    }\n}\n`);
    assertValidLayout(kdl, plan);
  });
});

describe('the prompt is never in the layout or a launcher', () => {
  const prompt = `SECRET-PROMPT "quotes" 'single' $(rm -rf ~) \`id\` \\ back\nline\ttab ünï -- --help`;
  for (const layout of LAYOUT_NAMES) {
    it(`${layout}, interactive and headless`, () => {
      for (const mux of ['zellij', 'tmux', 'none'] as const) {
        const plan = fakePlan({ layout, prompt, mux });
        const kdl = renderLayout(plan);
        expect(kdl).not.toContain('SECRET-PROMPT');
        for (const c of plan.candidates) {
          const script = renderLauncher(plan, c);
          expect(script).not.toContain('SECRET-PROMPT');
          expect(script).not.toContain('rm -rf');
          expect(script).toContain(plan.paths.promptFile);
        }
      }
    });
  }
});

describe('renderBundle', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'gp-render-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reads a user template relative to the repository root', async () => {
    writeFileSync(
      join(scratch, 'team.kdl'),
      `layout {\n    tab name="x" {\n        ${TEMPLATE_MARKER}\n    }\n}\n`,
    );
    const plan = fakePlan({ root: scratch, layout: 'team.kdl', agents: 2 });
    const bundle = await renderBundle(plan);
    assertValidLayout(bundle.layout, plan);
    expect(bundle.launchers.map((l) => l.path)).toEqual(plan.candidates.map((c) => c.launcher));
  });

  it('refuses a template without the marker, naming the marker', async () => {
    writeFileSync(join(scratch, 'plain.kdl'), 'layout {\n    pane\n}\n');
    const plan = fakePlan({ root: scratch, layout: 'plain.kdl' });
    await expect(renderBundle(plan)).rejects.toThrow(TEMPLATE_MARKER);
  });

  it('a template can name the arrangement on its marker line, and fills {task} and {count}', async () => {
    writeFileSync(
      join(scratch, 'stack.kdl'),
      `layout {\n    tab name="{task}: {count} agents" {\n        ${TEMPLATE_MARKER} stacked\n    }\n}\n`,
    );
    const plan = fakePlan({ root: scratch, layout: 'stack.kdl', agents: 3 });
    const { layout } = await renderBundle(plan);
    assertValidLayout(layout, plan);
    expect(layout).toContain(`tab name="${plan.task}: 3 agents" {`);
    expect(layout).toContain('pane stacked=true {');
  });

  it('refuses a marker line naming an unknown arrangement, naming the file and the choices', async () => {
    writeFileSync(join(scratch, 'odd.kdl'), `layout {\n    ${TEMPLATE_MARKER} spiral\n}\n`);
    const plan = fakePlan({ root: scratch, layout: 'odd.kdl' });
    await expect(renderBundle(plan)).rejects.toThrow(
      /odd\.kdl cannot be used: .*"spiral"; use one of tiled, stacked, tabs, main-vertical/,
    );
  });

  it('the built-in layouts are the files in layouts/', () => {
    for (const name of LAYOUT_NAMES) {
      const file = readFileSync(resolve(import.meta.dirname, '..', 'layouts', `${name}.kdl`), 'utf8');
      expect(file).toContain(`${TEMPLATE_MARKER} ${name}`);
      expect(renderLayout(fakePlan({ layout: name }))).toBe(
        renderLayout(fakePlan({ layout: './x.kdl' }), file),
      );
    }
  });

  it('refuses an unknown layout name, listing the built-in ones', async () => {
    await expect(renderBundle(fakePlan({ layout: 'grid' }))).rejects.toThrow(
      /tiled, stacked, tabs, main-vertical/,
    );
  });

  it('refuses a template that cannot be read, with its path', async () => {
    await expect(renderBundle(fakePlan({ root: scratch, layout: 'missing.kdl' }))).rejects.toThrow(
      join(scratch, 'missing.kdl'),
    );
  });
});
