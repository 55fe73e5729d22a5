import { join } from 'node:path';

export interface StatePaths {
  /** `<git-common-dir>/parallel/<task>/` */
  dir: string;
  stateFile: string;
  promptFile: string;
  layoutFile: string;
  launchDir: string;
  /** Per-candidate run markers and exit codes written by the launchers. */
  runDir: string;
  logDir: string;
  lockFile: string;
}

export function statePaths(commonDir: string, task: string): StatePaths {
  const dir = join(commonDir, 'parallel', task);
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    promptFile: join(dir, 'prompt.txt'),
    layoutFile: join(dir, 'layout.kdl'),
    launchDir: join(dir, 'launch'),
    runDir: join(dir, 'run'),
    logDir: join(dir, 'logs'),
    lockFile: join(dir, 'lock'),
  };
}

export const tasksDir = (commonDir: string) => join(commonDir, 'parallel');
export const archiveDir = (commonDir: string) => join(commonDir, 'parallel', 'archive');

/** The launcher script `up` writes for candidate `n`. */
export const launcherFile = (paths: StatePaths, n: number) => join(paths.launchDir, `${n}.sh`);
