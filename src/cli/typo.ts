/**
 * `parallel stauts` must not start a task named "stauts". The first word of the seed form
 * (`parallel <task> …`) is refused when it is one slip away from a command, unless a task of
 * that name already exists.
 */
import { existsSync } from 'node:fs';
import { editDistance } from '../edit-distance.js';
import { UserError } from '../errors.js';
import { findRepo } from '../git/repo.js';
import { statePaths } from '../plan/paths.js';

/**
 * How far a word may be from a command and still read as a slip: short commands only by a
 * swap of two letters (so "fix" or "us" stay task names), longer ones by one edit, and two
 * edits for commands of seven letters or more.
 */
function allowance(command: string): number {
  if (command.length < 4) return 0;
  return command.length >= 7 ? 2 : 1;
}

const isSwap = (word: string, command: string) =>
  word.length === command.length &&
  word !== command &&
  [...word].sort().join() === [...command].sort().join();

/** The command `word` is a likely misspelling of, if any. */
export function nearestCommand(word: string, commands: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let found: { command: string; distance: number } | undefined;
  for (const command of commands) {
    if (lower === command) return command;
    const distance = editDistance(lower, command);
    const near = distance <= allowance(command) || (distance === 1 && isSwap(lower, command));
    if (near && (!found || distance < found.distance)) found = { command, distance };
  }
  return found?.command;
}

/** Refuses `parallel <word> …` when <word> looks like a misspelt command and is not a task. */
export async function refuseCommandTypo(word: string, commands: readonly string[]): Promise<void> {
  const command = nearestCommand(word, commands);
  if (!command || (await isExistingTask(word))) return;
  throw new UserError(
    `"${word}" is not a command; did you mean \`parallel ${command}\`? Nothing was created. To start a task named "${word}", say so: \`parallel up ${word} …\`.`,
    { exitCode: 2 },
  );
}

async function isExistingTask(word: string): Promise<boolean> {
  try {
    const repo = await findRepo(process.cwd());
    return existsSync(statePaths(repo.commonDir, word).stateFile);
  } catch {
    return false;
  }
}
