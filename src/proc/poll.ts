import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `done` until it holds or `timeoutMs` passes; resolves with whether it held. The pause
 * starts at `intervalMs` and doubles up to `maxIntervalMs` (default: no growth).
 */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 20,
  maxIntervalMs = intervalMs,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = intervalMs; ; pause = Math.min(pause * 2, maxIntervalMs)) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await delay(pause);
  }
}
