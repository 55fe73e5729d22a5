import { expect, test } from 'vitest';
import { CONFIG_FLAGS } from '../../src/config/flags.js';
import { buildProgram, commandNames } from '../../src/program.js';

const flagsOf = (table: object): string[] =>
  Object.values(table).flatMap((value) =>
    value === null ? [] : typeof value === 'string' ? [value] : Array.isArray(value) ? value : flagsOf(value),
  );

test('every flag the config table names exists on up and render', () => {
  const program = buildProgram();
  for (const name of ['up', 'render']) {
    const command = program.commands.find((c) => c.name() === name)!;
    const longs = command.options.map((o) => o.long);
    for (const flag of flagsOf(CONFIG_FLAGS)) expect(longs, `${name} ${flag}`).toContain(flag);
  }
});

test('the command names come from the program itself', () => {
  const names = commandNames(buildProgram());
  expect(names).toEqual(expect.arrayContaining(['up', 'status', 'ls', 'synthesize', 'restore', 'help']));
  expect(new Set(names).size).toBe(names.length);
});
