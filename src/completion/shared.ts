import type { CompletionSpec } from './spec.js';

export const words = (list: string[]) => list.join(' ');
/** A bash single-quoted word. */
export const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Shell functions that bash and zsh share: the commands, each command's flags, the values a
 * flag takes, subcommands, and which commands take a task name. A word that is no command is a
 * task name (`parallel <task>` is `parallel up <task>`).
 */
export function sharedFunctions(spec: CompletionSpec): string {
  const up = spec.commands.find((c) => c.name === 'up');
  const flagCases = spec.commands.map((c) => `    ${c.name}) echo ${quote(words(c.flags))} ;;`).join('\n');
  const valueCases = spec.commands
    .flatMap((c) =>
      Object.entries(c.values).map(
        ([flag, choices]) => `    ${c.name}:${flag}) echo ${quote(words(choices))} ;;`,
      ),
    )
    .join('\n');
  const taskCommands = spec.commands.filter((c) => c.takesTask).map((c) => c.name);
  const subCases = spec.commands
    .filter((c) => c.subcommands.length)
    .map((c) => `    ${c.name}) echo ${quote(words(c.subcommands))} ;;`);
  subCases.push(`    completion) echo ${quote(words(spec.shells))} ;;`);
  return `_parallel_commands=${quote(words(spec.commands.map((c) => c.name)))}

_parallel_flags() {
  case "$1" in
${flagCases}
    *) echo ${quote(words([...spec.globalFlags, ...(up?.flags ?? [])]))} ;;
  esac
}

# Flags that take a value: the values they accept ('' when free), or nothing for other words.
_parallel_values() {
  case "$1:$2" in
${valueCases}
    *) return 1 ;;
  esac
}

_parallel_subcommands() {
  case "$1" in
${subCases.join('\n')}
    *) return 1 ;;
  esac
}

_parallel_takes_task() {
  case " ${words(taskCommands)} " in *" $1 "*) return 0 ;; *) return 1 ;; esac
}

_parallel_known() {
  case " $_parallel_commands " in *" $1 "*) echo "$1" ;; *) echo up ;; esac
}
`;
}
