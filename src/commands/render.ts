import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describeArrangement } from '../mux/arrangement.js';
import { out, printJsonOutput } from '../output.js';
import { assertValidTaskName } from '../plan/task-name.js';
import { renderBundle } from '../render/bundle.js';
import { loadTask, type TaskFlags } from '../task/context.js';
import { withEditedPrompt } from '../task/prompt-editor.js';

export interface RenderOptions extends TaskFlags {
  out?: string;
  json?: boolean;
}

/** Prints the layout, or writes layout + prompt + launchers into --out. Touches nothing else. */
export async function render(task: string, flags: RenderOptions): Promise<void> {
  assertValidTaskName(task);
  const options = await withEditedPrompt(task, flags);
  const { plan } = await loadTask(task, options);
  if (options.out) {
    const dir = resolve(options.out);
    plan.paths = {
      ...plan.paths,
      promptFile: join(dir, 'prompt.txt'),
      layoutFile: join(dir, 'layout.kdl'),
      launchDir: join(dir, 'launch'),
      runDir: join(dir, 'run'),
      logDir: join(dir, 'logs'),
    };
    for (const c of plan.candidates) c.launcher = join(plan.paths.launchDir, `${c.index}.sh`);
  }
  const bundle = await renderBundle(plan);
  if (!options.out) {
    if (options.json)
      printJsonOutput({
        layout: bundle.layout,
        launchers: Object.fromEntries(bundle.launchers.map((l) => [l.path, l.content])),
      });
    else out(await describeArrangement(plan, bundle.layout));
    return;
  }
  await mkdir(plan.paths.launchDir, { recursive: true });
  await writeFile(plan.paths.layoutFile, bundle.layout);
  await writeFile(plan.paths.promptFile, plan.prompt ?? '');
  await Promise.all(bundle.launchers.map((l) => writeFile(l.path, l.content, { mode: 0o755 })));
  out(
    `Wrote ${plan.paths.layoutFile}, ${plan.paths.promptFile} and ${bundle.launchers.length} launcher(s) in ${plan.paths.launchDir}.`,
  );
}
