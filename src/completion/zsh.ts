import { sharedFunctions } from './shared.js';
import type { CompletionSpec } from './spec.js';

/** The zsh script: the same functions as bash's, driven by zsh's `words` and `CURRENT`. */
export function zshScript(spec: CompletionSpec): string {
  return `#compdef parallel git-parallel
# zsh completion for parallel (git-parallel). Load it with:
#   source <(parallel completion zsh)
# (after compinit), or save it as _parallel in a directory of $fpath.

${sharedFunctions(spec)}
# $1: index in $words of the first word after the tool; the rest run the tool (for task names).
_parallel_from() {
  local first=$1; shift
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  local command='' positional=0 i word values known
  for ((i = first; i < CURRENT; i++)); do
    word=\${words[i]}
    if [[ $word == -* ]]; then
      _parallel_values "$(_parallel_known "$command")" "$word" >/dev/null && ((i++))
    elif [[ -z $command ]]; then
      command=$word
    else
      ((positional++))
    fi
  done
  known=$(_parallel_known "$command")
  if ((CURRENT > first)) && values=$(_parallel_values "$known" "$prev"); then
    if [[ -n $values ]]; then compadd -- \${=values}; else _files; fi
  elif [[ $cur == -* ]]; then
    compadd -- \${=$(_parallel_flags "$known")}
  elif [[ -z $command ]]; then
    compadd -- \${=_parallel_commands} \${(f)"$("$@" ls --names 2>/dev/null)"}
  elif ((positional == 0)) && values=$(_parallel_subcommands "$command"); then
    compadd -- \${=values}
  elif ((positional == 0)) && _parallel_takes_task "$command"; then
    compadd -- \${(f)"$("$@" ls --names 2>/dev/null)"}
  else
    _files
  fi
}

_parallel() { _parallel_from 2 "\${words[1]}"; }
# git's completion calls _git-<command> for \`git <command>\`, with $words starting at the command.
_git-parallel() { _parallel_from 2 git parallel; }

compdef _parallel parallel git-parallel
`;
}
