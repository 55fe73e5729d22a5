/**
 * Shell completion: the bash script printed by the built CLI is sourced in a real bash, its
 * function called with COMP_WORDS set as bash sets them, and COMPREPLY read back; task names
 * come from `parallel ls --names` of a repository with a task. The fish script runs in fish
 * where fish is installed; zsh's is checked for what it is built from.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fishScript } from '../src/completion/fish.js';
import { completionSpec } from '../src/completion/spec.js';
import { zshScript } from '../src/completion/zsh.js';
import { buildProgram } from '../src/program.js';
import { CLI, makeRepo, type TestRepo } from './support/repo.js';

const hasFish = (() => {
  try {
    execFileSync('fish', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const spec = completionSpec(buildProgram(), ['bash', 'zsh', 'fish']);

describe('the completion spec comes from the program', () => {
  it('has every visible command, its flags, fixed values and whether it takes a task', () => {
    const status = spec.commands.find((c) => c.name === 'status')!;
    expect(status).toMatchObject({ takesTask: true, flags: ['--json', '--help'] });
    expect(spec.commands.map((c) => c.name)).not.toContain('hook');
    expect(spec.commands.find((c) => c.name === 'up')!.values['--mux']).toEqual(['zellij', 'tmux', 'none']);
    expect(spec.commands.find((c) => c.name === 'pool')!.subcommands).toEqual(['fill', 'status', 'drain']);
    expect(spec.commands.find((c) => c.name === 'doctor')!.takesTask).toBe(false);
  });

  it('zsh and fish scripts complete the same commands, flags and task names', () => {
    const zsh = zshScript(spec);
    expect(zsh).toMatch(/^#compdef parallel git-parallel/);
    expect(zsh).toContain('compdef _parallel parallel git-parallel');
    expect(zsh).toContain("status) echo '--json --help'");
    const fish = fishScript(spec);
    expect(fish).toContain(
      "complete -c parallel -n '__fish_seen_subcommand_from up' -l mux -x -a 'zellij tmux none'",
    );
    expect(fish).toContain(
      "complete -c parallel -n '__fish_seen_subcommand_from status; and __parallel_first_argument' -a '(__parallel_tasks)'",
    );
  });
});

describe('parallel completion bash, in bash', { timeout: 60_000 }, () => {
  let repo: TestRepo;
  let bin: string;
  beforeAll(async () => {
    repo = await makeRepo({ config: null });
    const state = {
      version: 1,
      task: 'add-auth',
      createdAt: '2026-11-30T00:00:00.000Z',
      base: { ref: 'HEAD', commit: repo.git(['rev-parse', 'HEAD']).trim() },
      session: 'repo-add-auth',
      mux: 'none',
      layout: 'tiled',
      candidates: [],
    };
    mkdirSync(repo.stateDir('add-auth'), { recursive: true });
    writeFileSync(join(repo.stateDir('add-auth'), 'state.json'), JSON.stringify(state));
    bin = join(repo.parent, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'parallel'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'parallel'), 0o755);
  });
  afterAll(() => repo.cleanup());

  it('completes commands, flags, flag values, subcommands and task names', async () => {
    const script = join(repo.parent, 'parallel.bash');
    const printed = await repo.run(['completion', 'bash']);
    expect(printed.code).toBe(0);
    writeFileSync(script, printed.stdout);
    // Each case: the command line typed so far (a trailing space: a new, empty word).
    const cases = [
      'parallel sta',
      'parallel status ',
      'parallel di',
      'parallel up feat --mu',
      'parallel up feat --mux ',
      'parallel add-auth --no-',
      'parallel pool ',
      'parallel completion ',
      'parallel diff add-auth ',
      'parallel ',
      'git parallel sta',
    ];
    const driver = `source "$1"; shift
for line in "$@"; do
  read -ra COMP_WORDS <<< "$line"
  [[ $line == *' ' ]] && COMP_WORDS+=('')
  COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
  if [[ \${COMP_WORDS[0]} == git ]]; then _git_parallel; else _parallel_complete; fi
  echo "\${COMPREPLY[*]}"
done`;
    const output = execFileSync('bash', ['-c', driver, 'bash', script, ...cases], {
      cwd: repo.dir,
      env: { ...repo.env, PATH: `${bin}${delimiter}${repo.env.PATH}` },
      encoding: 'utf8',
    });
    const replies = Object.fromEntries(cases.map((c, i) => [c, output.split('\n')[i]]));
    expect(replies).toMatchObject({
      'parallel sta': 'status',
      'parallel status ': 'add-auth',
      'parallel di': 'diff',
      'parallel up feat --mu': '--mux',
      'parallel up feat --mux ': 'zellij tmux none',
      'parallel add-auth --no-': '--no-attach',
      'parallel pool ': 'fill status drain',
      'parallel completion ': 'bash zsh fish',
      'parallel diff add-auth ': '',
      'git parallel sta': 'status',
    });
    expect(replies['parallel ']!.split(' ')).toEqual(
      expect.arrayContaining(['up', 'doctor', 'completion', 'add-auth']),
    );
  });

  // fish is not part of the test set-up: checked where it is installed.
  it.skipIf(!hasFish)('the fish script, in fish: commands, flag values and task names', async () => {
    const script = join(repo.parent, 'parallel.fish');
    writeFileSync(script, (await repo.run(['completion', 'fish'])).stdout);
    const lines = ['parallel sta', 'parallel status ', 'parallel up x --mux '];
    const output = execFileSync(
      'fish',
      [
        '-c',
        'source $argv[1]; for l in $argv[2..-1]; complete -C "$l" | string join " "; end',
        script,
        ...lines,
      ],
      { cwd: repo.dir, env: { ...repo.env, PATH: `${bin}${delimiter}${repo.env.PATH}` }, encoding: 'utf8' },
    );
    expect(output.split('\n').slice(0, 3)).toEqual(['status', 'add-auth', 'none tmux zellij']);
  });

  it('ls --names prints task names only; an unknown shell is refused', async () => {
    expect((await repo.run(['ls', '--names'])).stdout).toBe('add-auth\n');
    const refused = await repo.run(['completion', 'tcsh']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/use one of bash, zsh, fish/);
  });
});
