import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/plan.js';

const SHOWN = 400;

/**
 * A task's prompt is what every candidate was started with. `up` with a different prompt on an
 * existing task would hand the new one to some candidates and not others, so it is refused
 * unless the caller says that is what they want.
 */
export async function assertSamePrompt(plan: Plan, given: boolean, forNew: boolean): Promise<void> {
  if (!given) return;
  const saved = await readFile(plan.paths.promptFile, 'utf8').catch(() => undefined);
  if (saved === undefined || saved === plan.prompt || forNew) return;
  throw new UserError(
    `Task "${plan.task}" was started with a different prompt; nothing was changed.\n  started with: ${quote(saved)}\n  given now:    ${quote(plan.prompt ?? '')}\nEither start a new task with the new prompt (\`parallel up <new-name> …\`), or give it to new candidates only with --prompt-for-new (e.g. \`--agents ${plan.candidates.length + 1} --prompt-for-new\`); the existing candidates keep theirs.`,
    { exitCode: 2 },
  );
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > SHOWN ? `${flat.slice(0, SHOWN)}…` : flat);
}
