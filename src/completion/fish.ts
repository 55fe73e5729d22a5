import { words } from './shared.js';
import type { CompletionSpec } from './spec.js';

/** A fish single-quoted word. */
const quote = (text: string) => `'${text.replace(/[\\']/g, '\\$&')}'`;

/** The fish script: one `complete` line per command and flag, task names from `parallel ls --names`. */
export function fishScript(spec: CompletionSpec): string {
  const names = spec.commands.map((c) => c.name);
  const lines: string[] = [];
  const add = (condition: string, rest: string) => {
    lines.push(`complete -c parallel -n ${quote(condition)} ${rest}`);
    lines.push(`complete -c git-parallel -n ${quote(condition)} ${rest}`);
  };
  add('__fish_use_subcommand', `-a ${quote(words(names))}`);
  add('__fish_use_subcommand', `-a '(__parallel_tasks)'`);
  for (const c of spec.commands) {
    const seen = `__fish_seen_subcommand_from ${c.name}`;
    for (const flag of c.flags) {
      const choices = c.values[flag];
      const value = choices === undefined ? '' : choices.length ? ` -x -a ${quote(words(choices))}` : ' -r';
      add(seen, `-l ${flag.replace(/^--/, '')}${value}`);
    }
    if (c.subcommands.length)
      add(`${seen}; and __parallel_first_argument`, `-a ${quote(words(c.subcommands))}`);
    if (c.takesTask) add(`${seen}; and __parallel_first_argument`, `-a '(__parallel_tasks)'`);
  }
  add('__fish_seen_subcommand_from completion', `-a ${quote(words(spec.shells))}`);
  return `# fish completion for parallel (git-parallel). Load it with:
#   parallel completion fish | source
# or save it as ~/.config/fish/completions/parallel.fish.

function __parallel_tasks
    set -l tool (commandline -opc)[1]
    command $tool ls --names 2>/dev/null
end

# True while the word being completed is the command's first argument.
function __parallel_first_argument
    set -l plain
    for word in (commandline -opc)[2..-1]
        string match -q -- '-*' $word; or set -a plain $word
    end
    test (count $plain) -eq 1
end

complete -c parallel -f
complete -c git-parallel -f
${lines.join('\n')}
`;
}
