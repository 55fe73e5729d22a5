import { UserError } from '../errors.js';

export const MAX_TASK_NAME_LENGTH = 48;
const RESERVED = new Set(['archive', 'HEAD']);

/**
 * A task name becomes a branch prefix, a directory name and part of a session name,
 * so it is held to the intersection of what git, file systems, shells and Zellij accept.
 */
export function taskNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_TASK_NAME_LENGTH)
    return `it is ${name.length} characters long (at most ${MAX_TASK_NAME_LENGTH})`;
  if (RESERVED.has(name)) return `"${name}" is reserved for git-parallel's own files`;
  if (name.startsWith('-')) return 'it starts with "-" (it would be read as an option)';
  if (name.startsWith('.')) return 'it starts with "." (hidden directory, invalid branch)';
  if (name.includes('..')) return 'it contains ".." (invalid in a branch name and a path escape)';
  if (name.endsWith('.lock') || name.endsWith('.'))
    return 'it ends with "." or ".lock" (invalid branch name)';
  const bad = /[^A-Za-z0-9._+@=-]/u.exec(name);
  if (bad) return `it contains ${describeChar(bad[0])}`;
  return undefined;
}

export function assertValidTaskName(name: string): string {
  const problem = taskNameProblem(name);
  if (problem) {
    throw new UserError(
      `Invalid task name ${JSON.stringify(name)}: ${problem}. A task name is used as a branch, a directory and a session name, so use letters, digits, "-", "_" or "." (not first), up to ${MAX_TASK_NAME_LENGTH} characters, e.g. "add-auth".`,
      { exitCode: 2 },
    );
  }
  return name;
}

function describeChar(char: string): string {
  if (char === '/') return 'a "/"';
  if (/\s/u.test(char)) return 'whitespace';
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).padStart(4, '0')})`;
  if (code > 0x7e) return `the non-ASCII character ${JSON.stringify(char)}`;
  return `the character ${JSON.stringify(char)}`;
}

/** The one message for a task name that `up` never recorded in this repository. */
export function unknownTaskError(task: string, repoRoot: string): UserError {
  return new UserError(
    `There is no task "${task}" in ${repoRoot}. \`parallel ls\` lists the tasks; \`parallel up ${task} --prompt "…"\` starts one.`,
  );
}

/** state.json is there but cannot be read: the task exists (its agents may run), say so. */
export class UnreadableStateError extends UserError {
  constructor(
    task: string,
    file: string,
    readonly commonDir: string,
  ) {
    super(
      `The state of task "${task}" (${file}) is unreadable (corrupt or from another version), so its candidates are not known. \`parallel up ${task}\` rebuilds it from the task's marked branches and launchers; then run this command again.`,
    );
  }
}
