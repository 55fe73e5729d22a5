import { HOST_GIT_FUNCTIONS } from '../git/host.js';
import { HOST_MUX_FUNCTIONS } from '../mux/host-tmux.js';

/**
 * The bash programs git-parallel runs on a host. Each is passed as `bash -c PROGRAM _ ARGS…`
 * with every word quoted, so paths and names stay data; one ssh round trip per step and host.
 * Output is one record per line, fields separated by tabs. git and the multiplexer there are
 * reached only through the functions of src/git/host.ts and src/mux/host-tmux.ts.
 */

/** Shared helpers: git's and the multiplexer's functions, and a sha1 of a file or "-". */
const PRELUDE = `set -u
${HOST_GIT_FUNCTIONS}
${HOST_MUX_FUNCTIONS}
hash() { if [ -f "$1" ]; then sha1sum < "$1" | cut -c1-40; else echo -; fi; }
`;

/**
 * What `up` needs to know. Args: dir sock repo base prompt, then per candidate: index worktree
 * branch session launcher runDir agentCommand.
 */
export const OBSERVE = String.raw`${PRELUDE}
dir=$1 sock=$2 repo=$3 base=$4 prompt=$5; shift 5
printf 'git\t%s\n' "$(git_found && echo 1 || echo 0)"
printf 'mux\t%s\n' "$(mux_found && echo 1 || echo 0)"
probe=$dir; while [ ! -e "$probe" ]; do probe=$(dirname -- "$probe"); done
printf 'writable\t%s\n' "$([ -d "$probe" ] && [ -w "$probe" ] && echo 1 || echo 0)"
if repo_ok "$repo"; then
  printf 'repo\t1\n'
  printf 'base\t%s\n' "$(has_commit "$repo" "$base" && echo 1 || echo 0)"
else
  printf 'repo\t0\nbase\t0\n'
fi
printf 'prompt\t%s\n' "$(hash "$prompt")"
while [ $# -ge 7 ]; do
  n=$1 wt=$2 br=$3 sess=$4 launcher=$5 run=$6 agent=$7; shift 7
  exists=0; head=-
  if wt_exists "$wt"; then exists=1; head=$(wt_branch "$wt"); fi
  commit=$(branch_commit "$repo" "$br")
  prepared=$([ -e "$run/$n.prepared" ] && echo 1 || echo 0)
  exit=$(cat -- "$run/$n.exit" 2>/dev/null || echo -)
  found=$(command -v -- "$agent" >/dev/null 2>&1 && echo 1 || echo 0)
  printf 'cand\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$exists" "$commit" "$head" "$prepared" \
    "$(pane "$sess")" "$exit" "$(hash "$launcher")" "$found"
done
`;

/** Creates the bare repository that receives the base commit. Args: repo. */
export const INIT_REPO = `${PRELUDE}
set -e
repo_init "$1"
`;

/**
 * Brings the host's candidates to the plan: stdin is the prompt (written byte-exact). Args:
 * sock repo promptFile hasPrompt logDir, setupCount, setup commands…, then records, each
 * `kind index …`:
 *   file PATH CONTENT              write an executable file (a launcher)
 *   create N WT BRANCH BASE RUNDIR new worktree on a new branch at BASE (the agent starts fresh)
 *   restore N WT BRANCH            worktree again for an existing branch
 *   prepare N WT RUNDIR            run the setup commands there (log in logDir/N.setup.log)
 *   start N WT SESSION LAUNCHER    (re)start the agent in its own session
 */
export const APPLY = String.raw`${PRELUDE}
set -e
sock=$1 repo=$2 prompt=$3 has_prompt=$4 logs=$5 count=$6; shift 6
setup=()
while [ "$count" -gt 0 ]; do setup+=("$1"); shift; count=$((count - 1)); done
mkdir -p -- "$logs"
if [ "$has_prompt" = 1 ]; then
  mkdir -p -- "$(dirname -- "$prompt")"
  cat > "$prompt.tmp" && mv -f -- "$prompt.tmp" "$prompt"
fi
while [ $# -gt 0 ]; do
  kind=$1; shift
  case $kind in
    file)
      mkdir -p -- "$(dirname -- "$1")"
      printf '%s' "$2" > "$1.tmp" && chmod 755 "$1.tmp" && mv -f -- "$1.tmp" "$1"; shift 2 ;;
    create)
      mkdir -p -- "$(dirname -- "$2")"
      rm -f -- "$5/$1.started" "$5/$1.prepared"
      wt_create "$repo" "$2" "$3" "$4"; shift 5 ;;
    restore)
      mkdir -p -- "$(dirname -- "$2")"
      wt_restore "$repo" "$2" "$3"; shift 3 ;;
    prepare)
      n=$1 wt=$2 run=$3; shift 3
      mkdir -p -- "$run"
      rm -f -- "$run/$n.prepared" "$run/$n.setup-failed"
      for command in ${'$'}{setup[@]+"${'$'}{setup[@]}"}; do
        if ! (cd -- "$wt" && bash -c "$command") >> "$logs/$n.setup.log" 2>&1; then
          printf '%s\n' "$command" > "$run/$n.setup-failed"
          printf 'setup-failed\t%s\t%s\n' "$n" "$command"; break
        fi
      done
      date -u +%Y-%m-%dT%H:%M:%SZ > "$run/$n.prepared" ;;
    start)
      n=$1 wt=$2 sess=$3 launcher=$4; shift 4
      mux_start "$sess" "$wt" "$launcher" ;;
    *) echo "unknown step $kind" >&2; exit 2 ;;
  esac
done
`;

/**
 * Per candidate, what `status` shows. Args: sock base, then per candidate: index worktree
 * branch session runDir repo. Prints `cand N exists ahead files insertions deletions pane exit
 * tipTime`, then a line `path N XY PATH` per uncommitted or untracked file (newlines in PATH as \001).
 */
export const STATUS = String.raw`${PRELUDE}
sock=$1 base=$2; shift 2
while [ $# -ge 6 ]; do
  n=$1 wt=$2 br=$3 sess=$4 run=$5 repo=$6; shift 6
  exists=0 ahead=0 stats=$'0\t0\t0' paths= tip=-
  if wt_exists "$wt" && paths=$(wt_status "$wt"); then exists=1; else paths=; fi
  if [ "$(branch_commit "$repo" "$br")" != - ]; then
    ahead=$(branch_ahead "$repo" "$base" "$br")
    stats=$(branch_numstat "$repo" "$base" "$br")
    tip=$(branch_time "$repo" "$br")
  fi
  exit=$(cat -- "$run/$n.exit" 2>/dev/null || echo -)
  printf 'cand\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$exists" "$ahead" "$stats" \
    "$(pane "$sess")" "$exit" "$tip"
  [ -z "$paths" ] || printf '%s\n' "$paths" | while IFS= read -r entry; do printf 'path\t%s\t%s\n' "$n" "$entry"; done
done
`;

/** Stops the agents' sessions. Args: sock, sessions… */
export const STOP = `${PRELUDE}
sock=$1; shift
for sess in "$@"; do mux_stop "$sess"; done
`;

/**
 * What `down --clean` needs before it decides, saving each worktree's uncommitted and untracked
 * work as a commit at WIPREF (fetched home before anything is removed). Args: repo, then per
 * candidate: index worktree branch wipref. Prints `cand N exists branchCommit head tree wip
 * worktreeBranch`; `unreadable N` when the worktree cannot be read.
 */
export const SNAPSHOT = String.raw`${PRELUDE}
repo=$1; shift
while [ $# -ge 4 ]; do
  n=$1 wt=$2 br=$3 wipref=$4; shift 4
  commit=$(branch_commit "$repo" "$br")
  if ! wt_exists "$wt"; then
    ref_delete "$repo" "$wipref"
    printf 'cand\t%s\t0\t%s\t-\t-\t-\t-\n' "$n" "$commit"; continue
  fi
  if ! snap=$(wt_snapshot "$wt") || ! wip=$(wt_wip "$wt" "${'$'}{snap% *}" "${'$'}{snap#* }" "$wipref"); then
    printf 'unreadable\t%s\n' "$n"; continue
  fi
  printf 'cand\t%s\t1\t%s\t%s\t%s\t%s\t%s\n' "$n" "$commit" "${'$'}{snap% *}" "${'$'}{snap#* }" "$wip" "$(wt_branch "$wt")"
done
`;

/**
 * Removes candidates whose work is saved or merged: stops the session, removes the worktree
 * only if its files are still the saved tree, then the branch only if it still points at the
 * saved commit. Args: sock repo, then per candidate: index worktree branch commit tree wipref
 * session. Prints `removed N` or `failed N why`.
 */
export const REMOVE = String.raw`${PRELUDE}
sock=$1 repo=$2; shift 2
while [ $# -ge 7 ]; do
  n=$1 wt=$2 br=$3 commit=$4 tree=$5 wipref=$6 sess=$7; shift 7
  mux_stop "$sess"
  if wt_exists "$wt"; then
    if ! snap=$(wt_snapshot "$wt"); then printf 'failed\t%s\tits worktree cannot be read\n' "$n"; continue; fi
    if [ "${'$'}{snap#* }" != "$tree" ]; then printf 'failed\t%s\tits files changed after they were saved\n' "$n"; continue; fi
    if ! err=$(wt_remove "$repo" "$wt" 2>&1); then printf 'failed\t%s\t%s\n' "$n" "${'$'}{err//$'\n'/ }"; continue; fi
  fi
  if [ "$commit" != - ] && ! ref_delete_at "$repo" "refs/heads/$br" "$commit" 2>/dev/null; then
    printf 'failed\t%s\tbranch %s moved after it was saved\n' "$n" "$br"; continue
  fi
  ref_delete "$repo" "$wipref"
  printf 'removed\t%s\n' "$n"
done
`;

/** Whether a restore would overwrite anything. Args: repo, then per candidate: index worktree branch. Prints `cand N worktreeExists branchCommit`. */
export const RESTORE_CHECK = String.raw`${PRELUDE}
repo=$1; shift
while [ $# -ge 3 ]; do
  n=$1 wt=$2 br=$3; shift 3
  printf 'cand\t%s\t%s\t%s\n' "$n" "$([ -e "$wt" ] && echo 1 || echo 0)" "$(repo_ok "$repo" && branch_commit "$repo" "$br" || echo -)"
done
`;

/**
 * Puts archived candidates back on the host: their branches arrived by push; this makes each
 * worktree again, writes its saved files back and forgets its setup so `up` runs it again.
 * Args: repo runDir, then per candidate: index worktree branch wipCommit(or -) wipref.
 */
export const RESTORE = `${PRELUDE}
set -e
repo=$1 run=$2; shift 2
while [ $# -ge 5 ]; do
  n=$1 wt=$2 br=$3 wip=$4 wipref=$5; shift 5
  mkdir -p -- "$(dirname -- "$wt")"
  wt_restore "$repo" "$wt" "$br"
  if [ "$wip" != - ]; then wt_put_back "$wt" "$wip"; ref_delete "$repo" "$wipref"; fi
  rm -f -- "$run/$n.started" "$run/$n.prepared"
done
`;
