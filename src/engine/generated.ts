import { readFile } from 'node:fs/promises';
import { hookScript, hookWiring, renderHookScript } from '../attention/wiring.js';
import type { HookSettings, PaneTitleCommand } from '../hook/settings.js';
import { hookSettingsFile } from '../hook/settings.js';
import { capabilitiesOf } from '../mux/capabilities.js';
import type { Plan } from '../plan/plan.js';
import { renderBundle } from '../render/bundle.js';
import { stateFromPlan, type TaskState } from '../task/state.js';

/**
 * Every file `up` generates for a task, path → content. `title`: how the multiplexer titles a
 * pane from inside it (for the agents' state hooks).
 */
export async function generatedFiles(
  plan: Plan,
  previous: TaskState | undefined,
  title?: PaneTitleCommand,
): Promise<Map<string, string>> {
  const [bundle, geminiSystem] = await Promise.all([
    renderBundle(plan),
    plan.candidates.some((c) => c.agent.hooks === 'gemini') ? readGeminiSystemSettings() : undefined,
  ]);
  const files = new Map<string, string>();
  // No prompt, no file: an empty one would read back as an empty prompt on the next `up`.
  for (const c of plan.candidates) if (c.prompt !== undefined) files.set(c.promptFile, c.prompt);
  if (plan.prompt !== undefined) files.set(plan.paths.promptFile, plan.prompt);
  if (capabilitiesOf(plan.mux).layoutFile) files.set(plan.paths.layoutFile, bundle.layout);
  for (const launcher of bundle.launchers) files.set(launcher.path, launcher.content);
  if (plan.hook) {
    for (const c of plan.candidates) {
      for (const [path, content] of hookWiring(plan, c, plan.hook, geminiSystem).files)
        files.set(path, content);
    }
    files.set(hookScript(plan), renderHookScript(plan.hook));
    files.set(hookSettingsFile(plan.paths.dir), `${JSON.stringify(hookSettings(plan, title), null, 2)}\n`);
  }
  files.set(plan.paths.stateFile, `${JSON.stringify(stateFromPlan(plan, previous), null, 2)}\n`);
  return files;
}

function hookSettings(plan: Plan, title: PaneTitleCommand | undefined): HookSettings {
  return {
    version: 1,
    task: plan.task,
    names: Object.fromEntries(plan.candidates.map((c) => [String(c.index), c.paneName])),
    notify: plan.notify,
    failWindowMs: plan.startupWaitMs,
    ...(title ? { title } : {}),
    runDir: plan.paths.runDir,
    logDir: plan.paths.logDir,
  };
}

/**
 * The Gemini system settings in force without us (`GEMINI_CLI_SYSTEM_SETTINGS_PATH`, else the
 * platform's path): the generated system settings file keeps them and adds the hooks.
 */
async function readGeminiSystemSettings(): Promise<Record<string, unknown>> {
  const path =
    process.env.GEMINI_CLI_SYSTEM_SETTINGS_PATH ??
    (process.platform === 'darwin'
      ? '/Library/Application Support/GeminiCli/settings.json'
      : process.platform === 'win32'
        ? 'C:\\ProgramData\\gemini-cli\\settings.json'
        : '/etc/gemini-cli/settings.json');
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  try {
    // Gemini accepts comments in its settings files.
    const value = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ''));
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}
