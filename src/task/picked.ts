import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StatePaths } from '../plan/paths.js';
import { writeFileAtomic } from './state.js';

/** What `parallel pick` brought into the base branch, so `ship` knows to push that branch. */
export interface PickRecord {
  index: number;
  mode: string;
  /** The base branch and its commit after the pick. */
  branch: string;
  commit: string;
  at: string;
}

const pickedFile = (paths: Pick<StatePaths, 'dir'>) => join(paths.dir, 'picked.json');

export async function readPick(paths: Pick<StatePaths, 'dir'>): Promise<PickRecord | undefined> {
  try {
    const value = JSON.parse(await readFile(pickedFile(paths), 'utf8')) as PickRecord;
    return typeof value?.index === 'number' && typeof value.branch === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function recordPick(paths: Pick<StatePaths, 'dir'>, record: PickRecord): Promise<void> {
  await writeFileAtomic(pickedFile(paths), `${JSON.stringify(record, null, 2)}\n`);
}
