/**
 * bash functions for the programs git-parallel runs on a host over ssh: all of git there goes
 * through these. Paths are NUL-separated (-z) wherever git lists them; a count turns each NUL
 * into a newline only after the newlines inside paths became \001.
 */
export const HOST_GIT_FUNCTIONS = String.raw`
git_found() { command -v git >/dev/null; }
repo_ok() { git -C "$1" rev-parse --git-dir >/dev/null 2>&1; }
repo_init() { mkdir -p -- "$1" && git init -q --bare -- "$1"; }
has_commit() { git -C "$1" cat-file -e "$2^{commit}" 2>/dev/null; }
wt_exists() { [ -e "$1/.git" ]; }
wt_branch() { git -C "$1" symbolic-ref -q --short HEAD 2>/dev/null || echo -; }
branch_commit() { git -C "$1" rev-parse -q --verify "refs/heads/$2" 2>/dev/null || echo -; }
wt_create() { git -C "$1" worktree prune && git -C "$1" worktree add -q -b "$3" -- "$2" "$4" >&2; }
wt_restore() { git -C "$1" worktree prune && git -C "$1" worktree add -q -- "$2" "$3" >&2; }
wt_status() {
  local st
  st=$(set -o pipefail; git -C "$1" status --porcelain -z --untracked-files=all --no-renames 2>/dev/null | tr '\n\0' '\001\n') || return 1
  [ -z "$st" ] || printf '%s\n' "$st"
}
branch_numstat() {
  git -C "$1" diff --numstat "$2" "refs/heads/$3" -- 2>/dev/null |
    awk -F '\t' '{ n++; if ($1 != "-") i += $1; if ($2 != "-") d += $2 } END { printf "%d\t%d\t%d", n, i, d }'
}
branch_ahead() { git -C "$1" rev-list --count "$2..refs/heads/$3" 2>/dev/null || echo 0; }
branch_time() { git -C "$1" log -1 --format=%cI "refs/heads/$2" 2>/dev/null || echo -; }
`;
