import type { Plan } from '../plan/plan.js';
import type { Action } from './reconcile.js';

/**
 * What `up` did to each candidate, in words a person checks at a glance: created, rebuilt
 * (worktree or branch), restarted or resumed (its agent), or left alone. Pure.
 */
export function changesByCandidate(plan: Plan, actions: Action[]): Map<number, string> {
  const sessionIndexes = new Set(actions.flatMap((a) => (a.kind === 'create-session' ? a.indexes : [])));
  const changes = new Map<number, string>();
  for (const c of plan.candidates) {
    const mine = actions.filter((a) => 'index' in a && a.index === c.index);
    const has = (kind: Action['kind']) => mine.some((a) => a.kind === kind);
    if (has('create-worktree')) {
      changes.set(c.index, 'created');
      continue;
    }
    const words: string[] = [];
    if (has('restore-worktree') || has('discard-worktree')) words.push('rebuilt its worktree');
    if (has('restore-branch')) words.push('recreated its branch');
    if (has('prepare-worktree')) words.push('copied files and ran setup');
    if (has('restart-pane')) words.push('restarted its agent');
    else if (has('add-pane') || sessionIndexes.has(c.index)) words.push('resumed its agent in a new pane');
    changes.set(c.index, words.length ? words.join(', ') : 'left alone');
  }
  return changes;
}
