import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * Starts a command as the leader of its own process group (detached), so that it and every
 * child it starts can be stopped together with signalGroup / stopProcessGroups, and so that a
 * signal meant for git-parallel's own group (Ctrl-C) does not reach it.
 */
export function spawnGroup(command: string, args: string[], options: SpawnOptions): ChildProcess {
  return spawn(command, args, { ...options, detached: true });
}
