import { Command, InvalidArgumentError, Option } from 'commander';
import { CONFIG_FLAGS } from './config/flags.js';
import { parseSize } from './config/size.js';
import { MULTIPLEXERS } from './mux/capabilities.js';
import { LAYOUT_NAMES } from './render/layout-names.js';
import { VERSION } from './version.js';

/** The commands the program knows (from its own definitions), and commander's `help`. */
export const commandNames = (program: Command): string[] => [
  ...program.commands.flatMap((c) => [c.name(), ...c.aliases()]),
  'help',
];

const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1.');
  return n;
};
const positiveNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number of seconds > 0.');
  return n;
};
const byteSize = (value: string) => {
  const bytes = parseSize(value);
  if (bytes === undefined) throw new InvalidArgumentError('expected a size such as 256k, 64m or 1g.');
  return bytes;
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
export const candidateList = (value: string) => {
  const list = value.split(',').map((part) => positiveInt(part.trim()));
  return [...new Set(list)];
};

/** Flags shared by `up` and `render`: they shape the plan. */
function planOptions(command: Command): Command {
  const [agent, agents] = CONFIG_FLAGS.agents;
  const [prompt, promptFile] = CONFIG_FLAGS.prompt;
  return command
    .option(
      `-n, ${agents} <count>`,
      'total number of candidates, 1 to 64 (agents are spread round-robin)',
      positiveInt,
    )
    .option(
      `-a, ${agent} <name>`,
      'agent or preset to use; repeat for several (claude, codex, gemini, opencode, aider)',
      collect,
    )
    .option(`-p, ${prompt} <text>`, 'the task prompt given to every agent')
    .option(`-f, ${promptFile} <file>`, 'read the prompt from a file')
    .option('-e, --prompt-editor', 'write the prompt in $VISUAL / $EDITOR (like `git commit`)')
    .option(
      `-b, ${CONFIG_FLAGS.worktrees.base} <ref>`,
      'branch, tag or commit the candidates start from (default: HEAD)',
    )
    .option(`-l, ${CONFIG_FLAGS.layout} <name>`, `${LAYOUT_NAMES.join(' | ')} | path to a KDL template`)
    .addOption(
      new Option(`-m, ${CONFIG_FLAGS.multiplexer} <name>`, 'terminal multiplexer').choices(MULTIPLEXERS),
    )
    .option('--host <name>', 'run the new candidates on this machine (from `hosts` in the config), over SSH')
    .option('--json', 'print machine-readable JSON');
}

const run =
  (load: () => Promise<(...args: any[]) => Promise<void>>) =>
  async (...args: any[]) => {
    const handler = await load();
    // commander passes (...positionals, options, command); handlers take (...positionals, options).
    await handler(...args.slice(0, -1));
  };

const examples = (lines: string[]) => `\nExamples:\n${lines.map((line) => `  ${line}`).join('\n')}`;

export function buildProgram(): Command {
  const program = new Command('parallel')
    .description(
      'Run one coding task through several AI agents at once, each in its own git worktree and pane.',
    )
    .usage('<task> [options]   (same as `parallel up <task>`)\n       parallel <command> [options]')
    .version(VERSION, '-v, --version')
    .option('--verbose', 'show stack traces on errors')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  git parallel add-auth --agents 3 --prompt "Add JWT auth to the API"
  parallel status add-auth          how far each candidate got
  parallel compare add-auth         one row per candidate, with eval results
  parallel pick add-auth 2          merge candidate 2 into the base branch
  parallel down add-auth --clean    stop, and remove only candidates with no unique work`,
    );

  planOptions(
    program
      .command('up')
      .argument('<task>', 'task name: becomes branches <task>-1..N and the session name')
      .description('create the worktrees and the session, start every agent, attach (idempotent)'),
  )
    .option('--no-attach', 'do not attach to the session')
    .option('--dry-run', 'print the actions without doing them')
    .option(
      '--prompt-for-new',
      "an existing task's prompt differs: give the new one to candidates started from now on",
    )
    .addHelpText(
      'after',
      `
Running up again repairs what is missing (a deleted worktree, a killed session, a closed pane)
and touches nothing that exists. A rebuilt pane resumes its agent instead of re-sending the prompt.

Examples:
  parallel up add-auth --agents 3 --prompt "Add JWT auth"
  parallel up add-auth --agent claude --agent codex --prompt-file task.md
  parallel up add-auth --mux none --no-attach       headless: output in log files
  parallel up add-auth --prompt-editor              write the prompt in $EDITOR
  parallel up add-auth --agents 5 --prompt-for-new -p "…"   2 more candidates with a new prompt
  parallel up add-auth --host box --agents 4        4 candidates on the host "box" (config hosts)
  parallel up add-auth --dry-run                    show what would happen`,
    )
    .action(run(async () => (await import('./commands/up.js')).up));

  planOptions(
    program
      .command('render')
      .argument('<task>', 'task name')
      .description('print the Zellij layout (or write layout + launcher scripts to --out); changes nothing'),
  )
    .option('-o, --out <dir>', 'write layout.kdl, prompt.txt and launch/*.sh into this directory')
    .addHelpText(
      'after',
      '\nExamples:\n  parallel render add-auth --agents 4\n  parallel render add-auth --layout stacked --out /tmp/layout',
    )
    .action(run(async () => (await import('./commands/render.js')).render));

  program
    .command('init')
    .description('write a commented parallel.config.ts in the repository root (never overwrites)')
    .addHelpText('after', examples(['parallel init', 'parallel init && git add parallel.config.ts']))
    .action(run(async () => (await import('./commands/init.js')).init));

  program
    .command('attach')
    .argument('<task>')
    .argument('[n]', "candidate number: show that candidate's pane", positiveInt)
    .description("attach this terminal to the task's session (needs a TTY)")
    .addHelpText(
      'after',
      examples(['parallel attach add-auth', 'parallel attach add-auth 2    with pane 2 focused']),
    )
    .action(run(async () => (await import('./commands/attach.js')).attach));

  program
    .command('restart')
    .argument('<task>')
    .argument('<n>', 'candidate number', positiveInt)
    .description("start one candidate's agent again in its pane (resumes its session; the worktree is kept)")
    .option('--fresh', 'start from the prompt again instead of resuming')
    .addHelpText(
      'after',
      examples([
        'parallel restart add-auth 2',
        'parallel restart add-auth 2 --fresh   new session, same prompt',
      ]),
    )
    .action(run(async () => (await import('./commands/restart.js')).restart));

  program
    .command('logs')
    .argument('<task>')
    .argument('<n>', 'candidate number', positiveInt)
    .description("what one candidate's agent printed (its pane's scrollback, or its log when headless)")
    .option('-f, --follow', 'keep printing new output until interrupted')
    .addHelpText('after', examples(['parallel logs add-auth 2', 'parallel logs add-auth 2 -f']))
    .action(run(async () => (await import('./commands/logs.js')).logs));

  program
    .command('open')
    .argument('<task>')
    .argument('<n>', 'candidate number', positiveInt)
    .description("print a candidate's worktree path, or open it in $VISUAL / $EDITOR")
    .option('-e, --editor', 'open the worktree in $VISUAL or $EDITOR instead of printing its path')
    .addHelpText('after', examples(['cd "$(parallel open add-auth 2)"', 'parallel open add-auth 2 --editor']))
    .action(run(async () => (await import('./commands/open.js')).open));

  program
    .command('ls')
    .description('list every task of this repository')
    .option('--json', 'print JSON')
    .addOption(new Option('--names', 'task names only, one a line (for shell completion)').hideHelp())
    .addHelpText('after', examples(['parallel ls', 'parallel ls --json']))
    .action(run(async () => (await import('./commands/ls.js')).ls));

  program
    .command('status')
    .argument('[task]', 'one task (default: all)')
    .description(
      'per candidate: agent, branch, pane alive/exited, commits ahead, changed files, last activity',
    )
    .option('--json', 'print JSON')
    .addHelpText('after', examples(['parallel status', 'parallel status add-auth --json']))
    .action(run(async () => (await import('./commands/status.js')).status));

  program
    .command('down')
    .argument('<task>')
    .argument('[n]', 'only this candidate (the others keep running)', positiveInt)
    .description('stop the session and agents; keeps worktrees and branches')
    .option('--clean', 'also remove candidates that hold no unique work (others are kept and listed)')
    .option('--force', 'with --clean: archive everything (bundle + files), then remove all candidates')
    .addHelpText(
      'after',
      '\nExamples:\n  parallel down add-auth\n  parallel down add-auth 2                 stop candidate 2 only\n  parallel down add-auth 2 --clean         and remove it if it holds no unique work\n  parallel down add-auth --clean\n  parallel down add-auth --clean --force   (undo with: parallel restore add-auth)',
    )
    .action(run(async () => (await import('./commands/down.js')).down));

  program
    .command('compare')
    .argument('<task>')
    .description('one row per candidate: commits, files, lines, uncommitted, evals, overlap')
    .option('--json', 'print JSON')
    .option('--no-eval', 'skip the eval commands')
    .option(
      '-j, --jobs <count>',
      'evals run at once (default: evalJobs in the config, else the CPU count)',
      positiveInt,
    )
    .addHelpText(
      'after',
      examples([
        'parallel compare add-auth',
        'parallel compare add-auth --json > candidates.json',
        'parallel compare add-auth --no-eval',
        'parallel compare add-auth --jobs 8     # 8 evals at once',
      ]),
    )
    .action(run(async () => (await import('./commands/compare.js')).compare));

  program
    .command('report')
    .argument('<task>')
    .description(
      'write one self-contained HTML report: summary, file index, each file side by side across candidates',
    )
    .option('-o, --out <file>', 'where to write the report')
    .option('--open', 'open it in the browser')
    .option('--no-eval', 'skip the eval commands')
    .option(
      '-j, --jobs <count>',
      'evals run at once (default: evalJobs in the config, else the CPU count)',
      positiveInt,
    )
    .option('--max-file-bytes <size>', "cut each file's diff past this size (default 256k)", byteSize)
    .option(
      '--max-report-bytes <size>',
      'leave further diffs out once the report holds this much (default 64m)',
      byteSize,
    )
    .option('--max-files <count>', 'list at most this many files (default 20000)', positiveInt)
    .addHelpText(
      'after',
      examples([
        'parallel report add-auth --open',
        'parallel report add-auth --out /tmp/add-auth.html',
        'parallel report add-auth --max-file-bytes 1m --max-files 50000',
      ]),
    )
    .action(run(async () => (await import('./commands/report.js')).report));

  program
    .command('diff')
    .argument('<task>')
    .argument('<a>', 'candidate number', positiveInt)
    .argument('[b]', 'second candidate number (default: compare <a> with the base)', positiveInt)
    .description(
      "a candidate's worktree against the base (commits, uncommitted and untracked files), or two candidates' branches",
    )
    .option('--stat', 'summary only')
    .option('--committed', "only the candidate's commits, not its worktree's uncommitted and untracked files")
    .addHelpText(
      'after',
      examples([
        'parallel diff add-auth 2          candidate 2 against the base, with its uncommitted work',
        'parallel diff add-auth 2 --committed   its branch only',
        'parallel diff add-auth 1 3        candidate 1 against candidate 3',
        'parallel diff add-auth 2 --stat',
      ]),
    )
    .action(run(async () => (await import('./commands/diff.js')).diff));

  program
    .command('pick')
    .argument('<task>')
    .argument('<n>', 'candidate number', positiveInt)
    .description('bring candidate n into the branch the task was based on')
    .option('--merge', 'merge commit (default)')
    .option('--squash', 'one squashed commit')
    .option('--cherry-pick', "replay the candidate's commits")
    .addHelpText(
      'after',
      examples([
        'parallel pick add-auth 2',
        'parallel pick add-auth 2 --squash',
        'parallel pick add-auth 3 --cherry-pick',
      ]),
    )
    .action(run(async () => (await import('./commands/pick.js')).pick));

  program
    .command('synthesize')
    .argument('<task>')
    .description('start a new candidate that combines the best parts of others')
    .option('--from <list>', 'candidates to combine, e.g. 1,3 (default: all with changes)', candidateList)
    .option('-a, --agent <name>', 'agent for the synthesis (default: the first agent)')
    .option('--no-attach', 'do not attach')
    .addHelpText(
      'after',
      examples(['parallel synthesize add-auth --from 1,3', 'parallel synthesize add-auth --agent codex']),
    )
    .action(run(async () => (await import('./commands/synthesize.js')).synthesize));

  program
    .command('judge')
    .argument('<task>')
    .description('have one agent rank the candidates with reasons; records the verdict, picks nothing')
    .option('-a, --agent <name>', "agent that judges (default: the config's judge, else the first agent)")
    .option('--from <list>', 'judge only these candidates, e.g. 1,3 (default: all)', candidateList)
    .option('--no-eval', 'skip the eval commands (the judge sees no eval results)')
    .addHelpText(
      'after',
      `
The agent runs once in its headless form (e.g. \`claude -p\`) with a prompt holding the task's
prompt, every candidate's diff against the base (cut at 96 KiB in all), its eval results and
the files several candidates changed. It must end its answer with a fenced JSON block
{"ranking": [n, ...], "reasons": {"n": "..."}}; compare and report then show the verdict.
${examples([
  'parallel judge add-auth',
  'parallel judge add-auth --agent codex --from 1,3',
  'parallel compare add-auth          rank and reason beside each candidate',
])}`,
    )
    .action(run(async () => (await import('./commands/judge.js')).judge));

  program
    .command('ship')
    .argument('<task>')
    .argument('<n>', 'candidate number', positiveInt)
    .description("push candidate n's branch (after pick: the base branch), optionally as a pull request")
    .option('-r, --remote <name>', "remote to push to (default: the base branch's remote, else origin)")
    .option('--pr', 'open a pull request with the GitHub CLI (gh pr create)')
    .option('--draft', 'with --pr: open it as a draft')
    .option('--no-eval', 'with --pr: leave the eval results out of the description (skip running them)')
    .addHelpText(
      'after',
      `
Never force-pushes: a remote branch that moved on is refused with git's message. With --pr the
title comes from the task and its prompt; the description holds the prompt, the candidate's
compare row, its eval results and the judge's reason (passed to gh with --body-file).
${examples([
  'parallel ship add-auth 2                     push branch add-auth-2 to origin',
  'parallel ship add-auth 2 --pr --draft',
  'parallel pick add-auth 2 && parallel ship add-auth 2 --pr   push the base branch instead',
])}`,
    )
    .action(run(async () => (await import('./commands/ship.js')).ship));

  program
    .command('send')
    .argument('<task>')
    .argument('[text]', 'text to type into each agent pane')
    .description('type a follow-up message into agent panes')
    .option('--file <file>', 'read the text from a file')
    .option('--to <list>', 'only these candidates, e.g. 1,3', candidateList)
    .addHelpText(
      'after',
      examples([
        'parallel send add-auth "Also add tests"',
        'parallel send add-auth --file followup.md --to 1,3',
      ]),
    )
    .action(run(async () => (await import('./commands/send.js')).send));

  program
    .command('restore')
    .argument('<task>')
    .description(
      'bring back branches and worktrees archived by `down --clean --force` (every candidate not yet restored, from its newest snapshot)',
    )
    .option('--list', 'list every snapshot of the task (restored or not) and change nothing')
    .addHelpText('after', examples(['parallel restore add-auth', 'parallel restore add-auth --list']))
    .action(run(async () => (await import('./commands/restore.js')).restore));

  program
    .command('wait')
    .argument('<task>')
    .description('block until every agent is idle, exited, or either (for scripts between up and compare)')
    .addOption(
      new Option('--until <state>', 'idle: done with its turn; exited: process ended; any: needs you or done')
        .choices(['idle', 'exited', 'any'])
        .default('idle'),
    )
    .option('--timeout <seconds>', 'give up after this many seconds (exit 1)', positiveNumber)
    .option('--json', 'print the final states as JSON')
    .addHelpText(
      'after',
      `
Exit 0 when every agent got there; 1 when one ended elsewhere (failed, exited non-zero) or on timeout.

Examples:
  parallel up add-auth --no-attach && parallel wait add-auth && parallel compare add-auth
  parallel wait add-auth --until any --timeout 600
  parallel wait add-auth --until exited --json`,
    )
    .action(run(async () => (await import('./commands/wait.js')).wait));

  program
    .command('watch')
    .argument('[task]', 'the task (default: the only one)')
    .description('live view of every agent: state, since, commits, files, last output line')
    .option('--json', 'print one JSON line per change (for scripts)')
    .addHelpText(
      'after',
      `
Redraws when an agent's state changes. Keys: ↑↓ (or 1-9) select, enter jump to its pane,
s send it a follow-up, r restart agents that ended (parallel up), d its diff, q quit.

Examples:
  parallel watch add-auth
  parallel watch add-auth --json | jq -c '.candidates[] | [.index, .state]'`,
    )
    .action(run(async () => (await import('./commands/watch.js')).watch));

  program
    .command('doctor')
    .description(
      'check what git-parallel needs: git, tmux, Zellij, the agent CLIs, `parallel` on PATH, the task state',
    )
    .option('--json', 'print machine-readable JSON')
    .addHelpText(
      'after',
      `
Exit 1 when something blocks \`parallel up\` (git or node too old, the chosen multiplexer or an agent
missing, a broken config); warnings (a multiplexer \`up\` does not use, GNU parallel on PATH, a stale
lock, an unreadable state.json) leave it at 0.
${examples(['parallel doctor', 'parallel doctor --json | jq \'.checks[] | select(.level != "ok")\''])}`,
    )
    .action(run(async () => (await import('./commands/doctor.js')).doctor));

  program
    .command('completion')
    .argument('<shell>', 'bash, zsh or fish')
    .description('print a shell completion script: commands, flags and task names')
    .addHelpText(
      'after',
      examples([
        'source <(parallel completion bash)          in ~/.bashrc (also completes `git parallel`)',
        'source <(parallel completion zsh)           in ~/.zshrc, after compinit',
        'parallel completion fish > ~/.config/fish/completions/parallel.fish',
      ]),
    )
    .action(run(async () => (await import('./commands/completion.js')).completion));

  program
    .command('hook', { hidden: true })
    .argument('<state>', 'working | waiting | idle (or an agent name, for its own hook payloads)')
    .allowUnknownOption()
    .allowExcessArguments()
    .description('report an agent state (called by agents and their hooks)')
    .action(() => undefined);

  const pool = program
    .command('pool')
    .description(
      'keep ready worktrees under <worktrees dir>/.pool for `up` to take instead of checking out new ones',
    )
    .addHelpText(
      'after',
      examples([
        'parallel pool fill --size 8        check out 8 worktrees of HEAD now',
        'parallel pool status',
        'parallel pool drain                remove them (never one with changes)',
      ]) + '\n\nWith `pool: { size: N }` in the config, `up` refills the pool in the background.',
    );
  pool
    .command('fill')
    .description('check out worktrees until the pool holds --size (default: pool.size in the config)')
    .option('-s, --size <count>', 'how many ready worktrees to keep', positiveInt)
    .option('-b, --base <ref>', 'branch, tag or commit to check out (default: worktrees.base, HEAD)')
    .addHelpText('after', examples(['parallel pool fill --size 4', 'parallel pool fill --base main']))
    .action(run(async () => (await import('./commands/pool.js')).poolFill));
  pool
    .command('status')
    .description('list the ready worktrees')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', examples(['parallel pool status', 'parallel pool status --json']))
    .action(run(async () => (await import('./commands/pool.js')).poolStatus));
  pool
    .command('drain')
    .description('remove the pool worktrees; one with changes is kept and named')
    .option('--json', 'print machine-readable JSON')
    .addHelpText('after', examples(['parallel pool drain']))
    .action(run(async () => (await import('./commands/pool.js')).poolDrain));

  return program;
}
