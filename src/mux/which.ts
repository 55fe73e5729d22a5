import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** PATH lookup without spawning a process. */
export function which(command: string, path = process.env.PATH ?? ''): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? command : undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
