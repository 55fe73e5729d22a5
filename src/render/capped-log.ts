/**
 * The rotation of src/logs/capped.ts in bash, for the headless launchers (an agent's output
 * outlives `parallel up`): `gp_capped_log FILE MAX_BYTES` copies stdin to FILE, half the cap at
 * a time. GNU split cuts the input into halves and hands each to the filter, which first moves
 * the previous half to FILE.1; split and cat write each read as it comes (head or dd would
 * either hold output in a buffer or stop at the first short read from a pipe). A log that
 * cannot be written (disk full) must not stop the agent: the rest of that half is dropped.
 */
export const CAPPED_LOG_SHELL = `gp_capped_log() {
  GP_LOG=$1 split -a 9 -b $(( $2 / 2 )) \\
    --filter='mv -f -- "$GP_LOG" "$GP_LOG.1" 2>/dev/null; cat >> "$GP_LOG" || exec cat > /dev/null'
}`;

/**
 * Sends the rest of the launcher's output through the capped log, a coprocess. At exit the
 * launcher closes its end and waits for the writer's end of file (its stdout closing), so a
 * launcher that has ended has its whole output in the log; a process the agent left behind
 * holding the pipe delays that exit by at most 2 s (and keeps writing to the log afterwards).
 */
export const cappedLogRedirect = (
  log: string,
  maxBytes: number,
) => `coproc gp_log { gp_capped_log ${log} ${maxBytes}; }
gp_log_done=\${gp_log[0]} gp_log_in=\${gp_log[1]}
exec >&"$gp_log_in" 2>&1 {gp_log_in}>&-
gp_end_log() { exec >&- 2>&-; read -r -t 2 -u "$gp_log_done" _; }
trap gp_end_log EXIT`;
