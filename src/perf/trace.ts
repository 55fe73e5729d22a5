/**
 * `PARALLEL_TRACE=1`: one stderr line per traced step (each git command, …) with its start
 * time since the process started and its duration, to see where a command spends its time.
 */
export const tracing = process.env.PARALLEL_TRACE === '1';

export function trace(label: string, startMs: number): void {
  if (!tracing) return;
  const now = performance.now();
  process.stderr.write(
    `[trace] +${startMs.toFixed(0).padStart(5)}ms ${(now - startMs).toFixed(0).padStart(5)}ms  ${label}\n`,
  );
}
