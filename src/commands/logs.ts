import { setTimeout as delay } from 'node:timers/promises';
import { out } from '../output.js';
import { loadCandidate, noPaneError } from '../task/candidate.js';

const FOLLOW_INTERVAL_MS = 500;

/**
 * What one candidate's agent printed: its pane's scrollback, or its log file when headless.
 * -f keeps printing what is added until interrupted.
 */
export async function logs(task: string, n: number, options: { follow?: boolean } = {}): Promise<void> {
  const ctx = await loadCandidate(task, n);
  const { driver, rt } = ctx;
  // Without a pane, what the candidate left behind (a headless log) is still worth showing.
  const pane = ctx.pane ?? { index: n, id: '', alive: false };
  const first = await driver.paneOutput(rt.plan, pane).catch(() => undefined);
  if (!ctx.pane && !first) throw noPaneError(ctx, 'show the output of');
  let shown = trimEnd(first ?? '');
  if (shown) out(shown);
  if (!options.follow) return;
  for (;;) {
    await delay(FOLLOW_INTERVAL_MS);
    const now = trimEnd(await driver.paneOutput(rt.plan, pane).catch(() => shown));
    const added = newPart(shown, now);
    if (added) out(added);
    shown = now;
  }
}

const trimEnd = (text: string) => text.replace(/\s+$/, '');

/**
 * The lines of `now` after those already shown. A log only grows; a pane's screen may also be
 * redrawn, then the lines after the longest common prefix are the new ones.
 */
export function newPart(shown: string, now: string): string {
  if (now.startsWith(shown)) return now.slice(shown.length).replace(/^\n/, '');
  const before = shown.split('\n');
  const after = now.split('\n');
  let same = 0;
  while (same < before.length && same < after.length && before[same] === after[same]) same++;
  return after.slice(same).join('\n');
}
