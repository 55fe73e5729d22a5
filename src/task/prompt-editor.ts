import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { findRepo } from '../git/repo.js';
import { statePaths } from '../plan/paths.js';
import { runEditor } from '../proc/editor.js';
import type { TaskFlags } from './context.js';

const HELP = `# Write the task prompt above. Lines starting with "#" are left out;
# an empty prompt stops, and nothing is created.
`;

/** `git commit`-style: the prompt is written in the user's editor, starting from `initial`. */
export async function editPrompt(initial: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parallel-prompt-'));
  const file = join(dir, 'PROMPT.md');
  try {
    await writeFile(file, `${initial}${initial.endsWith('\n') || !initial ? '' : '\n'}\n${HELP}`);
    await runEditor(file);
    return promptFromEditor(await readFile(file, 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function promptFromEditor(text: string): string {
  const kept = text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n')
    .trim();
  if (!kept) {
    throw new UserError('The prompt written in the editor is empty, so nothing was done.', { exitCode: 2 });
  }
  return `${kept}\n`;
}

/**
 * Flags with --prompt-editor turned into --prompt, asked once per command (loading the task may
 * happen more than once). The editor starts from the task's saved prompt, if it has one.
 */
export async function withEditedPrompt<T extends TaskFlags>(task: string, flags: T): Promise<T> {
  if (!flags.promptEditor) return flags;
  if (flags.prompt !== undefined || flags.promptFile !== undefined) return flags; // refused by loadTask
  const repo = await findRepo(process.cwd());
  const saved = await readFile(statePaths(repo.commonDir, task).promptFile, 'utf8').catch(() => '');
  return { ...flags, prompt: await editPrompt(saved), promptEditor: undefined };
}
