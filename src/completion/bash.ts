import { sharedFunctions } from './shared.js';
import type { CompletionSpec } from './spec.js';

/**
 * The bash script: `_parallel_complete` completes `parallel` and `git-parallel`, and
 * `_git_parallel` is what git's own completion calls for `git parallel`. Task names come from
 * `parallel ls --names`, which starts without loading the option parser.
 */
export function bashScript(spec: CompletionSpec): string {
  return `# bash completion for parallel (git-parallel). Load it with:
#   source <(parallel completion bash)
# or write it to a file that ~/.bashrc sources.

${sharedFunctions(spec)}
# Completes COMP_WORDS[COMP_CWORD] for the words from index $1 on (after \`parallel\` or \`git parallel\`);
# the rest of the arguments run the tool (for task names).
_parallel_complete_from() {
  local first=$1; shift
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local command='' positional=0 i word values
  for ((i = first; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if [[ $word == -* ]]; then
      # A flag that takes a value eats the next word.
      _parallel_values "$(_parallel_known "$command")" "$word" >/dev/null && ((i++))
    elif [[ -z $command ]]; then
      command=$word
    else
      ((positional++))
    fi
  done
  local known
  known=$(_parallel_known "$command")
  COMPREPLY=()
  if [[ $COMP_CWORD -gt $first ]] && values=$(_parallel_values "$known" "$prev"); then
    [[ -n $values ]] && COMPREPLY=($(compgen -W "$values" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(_parallel_flags "$known")" -- "$cur"))
  elif [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "$_parallel_commands $("$@" ls --names 2>/dev/null)" -- "$cur"))
  elif [[ $positional -eq 0 ]] && values=$(_parallel_subcommands "$command"); then
    COMPREPLY=($(compgen -W "$values" -- "$cur"))
  elif [[ $positional -eq 0 ]] && _parallel_takes_task "$command"; then
    COMPREPLY=($(compgen -W "$("$@" ls --names 2>/dev/null)" -- "$cur"))
  fi
  return 0
}

_parallel_complete() {
  _parallel_complete_from 1 "\${COMP_WORDS[0]}"
}

# git's completion calls _git_<command> for \`git <command>\`.
_git_parallel() {
  local i
  for ((i = 1; i < \${#COMP_WORDS[@]}; i++)); do
    [[ \${COMP_WORDS[i]} == parallel ]] && break
  done
  _parallel_complete_from $((i + 1)) git parallel
}

complete -o default -F _parallel_complete parallel git-parallel
`;
}
