import type { Command } from 'commander';

/** What completion needs to know of one command, read from the program's own definitions. */
export interface CommandSpec {
  name: string;
  /** Its first argument is a task name. */
  takesTask: boolean;
  flags: string[];
  /** Flags that take a value, with the values they accept when those are fixed (else []). */
  values: Record<string, string[]>;
  subcommands: string[];
}

export interface CompletionSpec {
  commands: CommandSpec[];
  /** Flags of the program itself (`parallel <task> [flags]` takes up's too). */
  globalFlags: string[];
  /** Words `parallel completion` takes. */
  shells: string[];
}

const visible = (c: Command) => !(c as unknown as { _hidden?: boolean })._hidden;

function commandSpec(command: Command): CommandSpec {
  const options = command.options.filter((o) => !o.hidden && o.long);
  const values: Record<string, string[]> = {};
  for (const o of options) {
    if (o.required || o.optional) {
      for (const flag of [o.long, o.short].filter((f): f is string => !!f)) values[flag] = o.argChoices ?? [];
    }
  }
  return {
    name: command.name(),
    takesTask: command.registeredArguments[0]?.name() === 'task',
    flags: [...options.map((o) => o.long!), '--help'],
    values,
    subcommands: command.commands.filter(visible).map((c) => c.name()),
  };
}

/** Pure: the commands, their flags and arguments, as completion scripts use them. */
export function completionSpec(program: Command, shells: string[]): CompletionSpec {
  return {
    commands: program.commands.filter(visible).map(commandSpec),
    globalFlags: [...program.options.filter((o) => o.long).map((o) => o.long!), '--help'],
    shells,
  };
}
