import { readdir, stat } from 'node:fs/promises';
import { statePaths, tasksDir } from '../plan/paths.js';
import { inspectLock } from '../task/lock.js';
import { readState } from '../task/state.js';
import type { Check } from './check.js';

/** Entries of `<git-common-dir>/parallel/` that are not tasks. */
const NOT_TASKS = new Set(['archive']);

/** Every task directory: state.json readable, lock held by a live process or left behind. */
export async function checkStateDir(commonDir: string): Promise<Check[]> {
  const root = tasksDir(commonDir);
  const names = (await readdir(root).catch(() => [] as string[])).filter(
    (name) => !name.startsWith('.') && !NOT_TASKS.has(name),
  );
  const checks = (await Promise.all(names.sort().map((name) => checkTask(commonDir, name)))).flat();
  if (!checks.some((c) => c.level !== 'ok')) {
    return [
      {
        id: 'state',
        level: 'ok',
        message: `state dir ${root}: ${names.length} task(s), all readable`,
        path: root,
      },
    ];
  }
  return checks.filter((c) => c.level !== 'ok');
}

async function checkTask(commonDir: string, task: string): Promise<Check[]> {
  const paths = statePaths(commonDir, task);
  if (
    !(await stat(paths.dir)
      .then((s) => s.isDirectory())
      .catch(() => false))
  )
    return [];
  const id = `task.${task}`;
  const checks: Check[] = [];
  const hasState = await stat(paths.stateFile)
    .then(() => true)
    .catch(() => false);
  if (!hasState) {
    checks.push({
      id,
      level: 'warning',
      message: `task ${task}: no state.json in ${paths.dir}`,
      path: paths.dir,
      fix: `\`parallel up ${task}\` rebuilds it from git and the launchers; or remove the directory if the task is gone`,
    });
  } else if (!(await readState(paths.stateFile))) {
    checks.push({
      id,
      level: 'warning',
      message: `task ${task}: ${paths.stateFile} is unreadable`,
      path: paths.stateFile,
      fix: `\`parallel up ${task}\` rebuilds it from git, the launchers and the multiplexer`,
    });
  } else {
    checks.push({ id, level: 'ok', message: `task ${task}` });
  }
  const lock = await inspectLock(paths.lockFile);
  if (lock.held) {
    const who = lock.owner
      ? `pid ${lock.owner.pid}${lock.owner.host ? ` on ${lock.owner.host}` : ''}, \`parallel ${lock.owner.argv}\`, since ${lock.owner.since}`
      : 'no owner recorded';
    checks.push(
      lock.stale
        ? {
            id: `${id}.lock`,
            level: 'warning',
            message: `task ${task}: stale lock (${who}; that process is gone)`,
            path: paths.lockFile,
            fix: `nothing to do: the next \`parallel up ${task}\` or \`down\` takes it over; or remove ${paths.lockFile}`,
          }
        : { id: `${id}.lock`, level: 'info', message: `task ${task}: busy (${who})`, path: paths.lockFile },
    );
  }
  return checks;
}
