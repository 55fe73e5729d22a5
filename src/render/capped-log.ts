/**
 * The rotation of src/logs/capped.ts in bash, for the headless launchers (an agent's output outlives `parallel up`):
 * `gp_capped_log FILE MAX_BYTES` copies stdin to FILE with GNU head, half the cap at a time.
 */
export const CAPPED_LOG_SHELL = `gp_capped_log() {
  local file=$1 half=$(( $2 / 2 )) size want wrote
  size=$(stat -c %s -- "$file" 2>/dev/null || echo 0)
  while :; do
    if [ "$size" -ge "$half" ]; then mv -f -- "$file" "$file.1"; size=0; fi
    want=$(( half - size ))
    wrote=$(head -c "$want" | tee -a -- "$file" | wc -c)
    size=$(( size + wrote ))
    [ "$wrote" -lt "$want" ] && return 0
  done
}`;
