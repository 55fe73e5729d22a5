/**
 * bash functions for the programs git-parallel runs on a host over ssh: all of git there goes
 * through these. wt_snapshot WT prints `HEAD TREE`, TREE being every file of the worktree
 * (changes and untracked files, not ignored ones) written from a copy of its index, which stays
 * as it was; wt_wip WT HEAD TREE REF keeps that tree as a commit on HEAD at REF (none when
 * it is HEAD's own tree) and prints it or `-`; wt_put_back WT COMMIT writes such a commit's
 * files back into the worktree, as changes and untracked files (the index stays at HEAD). Paths are NUL-separated (-z) wherever git lists them; a count turns each NUL
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
wt_snapshot() {
  local idx head tree
  head=$(git -C "$1" rev-parse -q --verify HEAD 2>/dev/null) || head=-
  idx=$(mktemp -u)
  (cd -- "$1" && cp -- "$(git rev-parse --git-path index)" "$idx" 2>/dev/null) || true
  if GIT_INDEX_FILE=$idx git -C "$1" add -A >/dev/null 2>&1 && tree=$(GIT_INDEX_FILE=$idx git -C "$1" write-tree); then
    rm -f -- "$idx"; printf '%s %s' "$head" "$tree"
  else
    rm -f -- "$idx"; return 1
  fi
}
wt_wip() {
  if [ "$2" != - ] && [ "$(git -C "$1" rev-parse "$2^{tree}")" = "$3" ]; then
    git -C "$1" update-ref -d "$4" 2>/dev/null || true; echo -; return
  fi
  local parent=() commit
  [ "$2" = - ] || parent=(-p "$2")
  commit=$(GIT_AUTHOR_NAME=git-parallel GIT_AUTHOR_EMAIL=git-parallel@localhost \
    GIT_COMMITTER_NAME=git-parallel GIT_COMMITTER_EMAIL=git-parallel@localhost \
    git -C "$1" commit-tree "$3" "${'$'}{parent[@]}" -m 'uncommitted and untracked work, saved by parallel down --clean') &&
    git -C "$1" update-ref "$4" "$commit" && echo "$commit"
}
wt_remove() { git -C "$1" worktree remove --force -- "$2"; }
ref_delete_at() { git -C "$1" update-ref -d "$2" "$3"; }
ref_delete() { git -C "$1" update-ref -d "$2" 2>/dev/null || true; }
wt_put_back() { git -C "$1" restore --source="$2" --worktree -- .; }
`;
