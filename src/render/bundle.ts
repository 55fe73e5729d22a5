import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import { renderRemotePane } from '../remote/render.js';
import { renderLauncher } from './launcher.js';
import { isBuiltinLayout, LAYOUT_NAMES } from './layout-names.js';
import { LayoutTemplateError, renderLayout } from './zellij.js';

export interface Bundle {
  layout: string;
  launchers: { index: number; path: string; content: string }[];
}

/** Everything `up` writes before it starts a session. Reads a user layout template if one is named. */
export async function renderBundle(plan: Plan): Promise<Bundle> {
  const template = await readTemplate(plan);
  let layout: string;
  try {
    layout = renderLayout(plan, template);
  } catch (error) {
    if (!(error instanceof LayoutTemplateError)) throw error;
    throw new UserError(`The layout template ${plan.layout} cannot be used: ${error.message}.`, {
      exitCode: 2,
    });
  }
  const launchers = plan.candidates.map((c) => ({
    index: c.index,
    path: c.launcher,
    // A remote candidate's agent runs on its host; the local pane is a view of it.
    content: c.host ? renderRemotePane(plan, c) : renderLauncher(plan, c),
  }));
  return { layout, launchers };
}

async function readTemplate(plan: Plan): Promise<string | undefined> {
  if (isBuiltinLayout(plan.layout)) return undefined;
  const looksLikePath = plan.layout.includes('/') || plan.layout.endsWith('.kdl');
  if (!looksLikePath) {
    throw new UserError(
      `Unknown layout "${plan.layout}" (from --layout or \`layout\` in ${plan.configFile ?? 'the config'}). Use one of ${LAYOUT_NAMES.join(', ')}, or the path of a KDL template file (ending in .kdl).`,
      { exitCode: 2 },
    );
  }
  const file = isAbsolute(plan.layout) ? plan.layout : resolve(plan.repo.root, plan.layout);
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new UserError(
      `The layout template ${file} cannot be read. Check the path (relative paths start at the repository root).`,
      { exitCode: 2 },
    );
  }
}
