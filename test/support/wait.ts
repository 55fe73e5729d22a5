import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this many ms (default 5000). */
  timeout?: number;
  /** Poll every this many ms (default 25). */
  interval?: number;
  /** Describes the condition in the timeout error. */
  message?: string;
}

/** What a truthy check result can be: the falsy members of T removed. */
export type Truthy<T> = T extends false | 0 | '' | null | undefined ? never : T;

/**
 * Polls `check` until it returns a truthy value (which is returned) or the deadline passes.
 * A `check` that throws counts as "not yet"; its last error is part of the timeout message.
 */
export async function waitFor<T>(check: () => T | Promise<T>, options: WaitOptions = {}): Promise<Truthy<T>> {
  const timeout = options.timeout ?? 5_000;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(
        `waitFor: ${options.message ?? 'condition'} not met within ${timeout} ms (last: ${detail})`,
      );
    }
    await delay(options.interval ?? 25);
  }
}
