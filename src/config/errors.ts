import type { z } from 'zod';
import { UserError } from '../errors.js';

/** Turns the first zod issue into one paragraph naming the file, the field and the fix. */
export function configIssueError(file: string, error: z.ZodError): UserError {
  const issue = error.issues[0]!;
  const field = formatPath(issue.path);
  const extra = error.issues.length > 1 ? ` (${error.issues.length - 1} more problem(s) after this one)` : '';
  return new UserError(
    `Invalid config in ${file}: ${describe(issue, field)}${extra}. ${fixFor(issue, field)}`,
    {
      exitCode: 2,
    },
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(top level)';
}

function describe(issue: z.core.$ZodIssue, field: string): string {
  if (issue.code === 'unrecognized_keys') {
    const where = field === '(top level)' ? 'at the top level' : `in "${field}"`;
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} ${where}`;
  }
  return `field "${field}": ${issue.message}`;
}

function fixFor(issue: z.core.$ZodIssue, field: string): string {
  if (issue.code === 'unrecognized_keys') {
    return 'Remove or rename it; the known keys are listed in the README (section "Config") and typed by defineConfig().';
  }
  if (field.endsWith('.preset')) {
    return 'Use one of the built-in presets, or drop "preset" and set "command" (plus "args" and "prompt") for a custom agent.';
  }
  if (field.endsWith('.count')) return 'Set a whole number from 1 to 32, or remove it for 1.';
  return `Fix the value of "${field}" and run the command again.`;
}
