/**
 * Hostile input to `up`: task names refused before anything runs or is created; prompts that
 * reach the agent byte-exact through every prompt mode (property-tested through the launcher,
 * then through every driver); repository and agent paths with spaces, quotes and `$HOME`.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromptMode } from '../src/config/presets.js';
import { resolveAgent, resolveConfig } from '../src/config/resolve.js';
import type { Repo } from '../src/git/repo.js';
import { buildPlan } from '../src/plan/plan.js';
import { renderLauncher } from '../src/render/launcher.js';
import {
  type AgentSpec,
  branches,
  FAKE_AGENT,
  fakeAgent,
  hasTmux,
  hasZellijDouble,
  makeRepo,
  type TestRepo,
  tmux,
  waitFor,
  worktreeList,
} from './support/repo.js';
import { expectOk, type Mux, zellij } from './support/up-flow.js';

describe('hostile task names are refused by up before anything runs or is created', () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await makeRepo();
  });
  afterAll(() => repo.cleanup());

  const names = [
    '../x',
    '-rf',
    '$(touch pwned)',
    '`touch pwned`',
    'a;touch pwned',
    'a\ntouch pwned',
    'a/b',
    '.hidden',
    'x..y',
    'a'.repeat(300),
    'ünïcødé',
    'x.lock',
  ];

  it.concurrent.for(names)('%j', async (name) => {
    const result = await repo.run(['up', '--mux', 'none', '--no-attach', '--prompt', 'x', '--', name]);
    expect(result.code, result.stderr).toBe(2);
    const text = result.stderr.trim();
    expect(text).toMatch(/^error: Invalid task name .*: .*\. A task name is used as a branch/);
    expect(text.split('\n').length).toBe(1);
    expectNothing(repo);
  });

  it('also through the `parallel <task>` shorthand and as an option-looking word', async () => {
    const shorthand = await repo.run(['$(touch pwned)', '--mux', 'none', '--prompt', 'x']);
    expect(shorthand.code).toBe(2);
    expect(shorthand.stderr).toMatch(/Invalid task name/);
    const option = await repo.run(['up', '-rf', '--mux', 'none']);
    expect(option.code).not.toBe(0);
    expectNothing(repo);
  });

  function expectNothing(r: TestRepo): void {
    for (const dir of [r.dir, r.parent])
      expect(readdirSync(dir).filter((f) => f.includes('pwned'))).toEqual([]);
    expect(existsSync(join(r.dir, '.git', 'parallel'))).toBe(false);
    expect(existsSync(join(r.parent, 'repo-worktrees'))).toBe(false);
    expect(worktreeList(r).length).toBe(1);
    expect(branches(r)).toEqual(['main']);
  }
});

/** Characters that break naive quoting, plus arbitrary unicode. */
const NASTY = [
  "'",
  '"',
  '$',
  '`',
  '\\',
  '\n',
  '\r',
  '\t',
  ' ',
  '-',
  '--',
  '$(',
  ')',
  '${',
  '}',
  '%',
  '%s',
  '*',
  '?',
  '[',
  ']',
  '~',
  '!',
  '#',
  ';',
  '&',
  '|',
  '<',
  '>',
  '\u0085',
  '\u2028',
  '\u200b',
  'é',
  'e\u0301',
  'ß',
  '日本',
  '🚀',
  '\u{1F468}\u200D\u{1F469}',
  'x',
  '\u001b[31m',
  '\u007f',
];
const promptArb = (withNul: boolean) =>
  fc
    .tuple(
      fc.constantFrom('', '-', '--', '-rf ', '--prompt=', '\n'),
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...NASTY, ...(withNul ? ['\0'] : [])), maxLength: 40 }),
        fc.string({ unit: 'binary', maxLength: 40 }).map((s) => (withNul ? s : s.replaceAll('\0', ''))),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
      ),
      fc.constantFrom('', '\n', '\n\n', ' ', '\\', 'x', '\r\n'),
    )
    .map(([head, body, tail]) => head + body + tail);

/**
 * The real launcher, run by bash, with a recorder instead of an agent: printf '%s\0' "$@" for
 * argv modes (every argument, NUL-terminated) and cat for stdin. Many prompts per batch, one
 * plan per prompt, run by two bash loops.
 */
describe('prompts reach the agent byte-exact through the launcher (fast-check)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'gp-prompts-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  let batch = 0;
  async function runBatch(mode: PromptMode, prompts: string[]): Promise<void> {
    const dir = join(tmp, `b${batch++}`);
    const root = join(dir, 'repo');
    const repo: Repo = { root, name: 'repo', commonDir: join(root, '.git'), cwdTop: root };
    const argv = mode !== 'stdin';
    const agent = resolveAgent({
      name: 'rec',
      command: argv ? '/usr/bin/printf' : '/bin/cat',
      args: argv ? ['%s\\0'] : [],
      prompt: mode,
      resume: ['--continue'],
    });
    const config = { ...resolveConfig({}), agents: [agent] };
    const base = { ref: 'HEAD', commit: '0'.repeat(40), branch: 'main' };
    const launchers: string[] = [];
    /** Where each agent's output lands: the headless launcher writes its own log, a pane's goes to stdout. */
    const outputs: string[] = [];
    for (const [i, prompt] of prompts.entries()) {
      // Every tenth runs headless (its output goes through the log writer, a few more processes).
      const mux = i % 10 === 0 ? 'none' : 'tmux';
      const plan = buildPlan({ config, task: `p${i}`, repo, base, mux, prompt, flags: { agents: 1 } });
      const candidate = plan.candidates[0]!;
      mkdirSync(candidate.worktree, { recursive: true });
      mkdirSync(plan.paths.launchDir, { recursive: true });
      writeFileSync(plan.paths.promptFile, prompt);
      writeFileSync(candidate.launcher, renderLauncher(plan, candidate));
      launchers.push(candidate.launcher);
      outputs.push(
        mux === 'none' ? join(plan.paths.logDir, `${candidate.index}.log`) : `${candidate.launcher}.out`,
      );
    }
    // Two loops (two cores); each launcher's stdout goes next to it.
    const halves = [launchers.filter((_, i) => i % 2 === 0), launchers.filter((_, i) => i % 2 === 1)];
    await Promise.all(
      halves.map(
        (list) =>
          new Promise<void>((resolve, reject) => {
            const script = 'for f in "$@"; do bash "$f" > "$f.out" 2> "$f.err"; done';
            execFile('bash', ['-c', script, 'loop', ...list], { maxBuffer: 1 << 20 }, (error) =>
              error ? reject(error) : resolve(),
            );
          }),
      ),
    );
    for (const [i, prompt] of prompts.entries()) {
      const out = readFileSync(outputs[i]!);
      const expected =
        mode === 'stdin'
          ? Buffer.from(prompt)
          : mode === 'arg'
            ? Buffer.from(`--\0${prompt}\0`)
            : Buffer.from(`${(mode as { flag: string }).flag}=${prompt}\0`);
      if (!out.equals(expected)) {
        throw new Error(
          `mode ${JSON.stringify(mode)}: prompt ${JSON.stringify(prompt)} arrived as ${JSON.stringify(out.toString())}; stderr: ${readFileSync(`${launchers[i]}.err`, 'utf8')}`,
        );
      }
    }
  }

  // 400 prompts per run (each one a launcher run); PARALLEL_PROMPT_SCALE=10 for a longer soak.
  const scale = Number(process.env.PARALLEL_PROMPT_SCALE ?? 1);
  const modes: [string, PromptMode, number][] = [
    ['arg', 'arg', 200],
    ['{flag}', { flag: '--prompt' }, 100],
    ['stdin', 'stdin', 100],
  ];
  // Each launcher run is a few processes (bash, and the headless log writer): allow for a slow machine.
  it.for(modes)('%s', { timeout: 180_000 }, async ([, mode, count]) => {
    const size = 100;
    await fc.assert(
      fc.asyncProperty(
        fc.array(promptArb(mode === 'stdin'), { minLength: size, maxLength: size }),
        (prompts) => runBatch(mode, prompts),
      ),
      { numRuns: Math.max(1, Math.round((count * scale) / size)), endOnFailure: true },
    );
  });

  it('a 100 KB prompt as an argument and a 1 MB prompt on stdin', async () => {
    const big = 'ä$`\\"\'\n'.repeat(100_000 / 12);
    await runBatch('arg', [big]);
    await runBatch('stdin', ['x'.repeat(1 << 20)]);
  });
});

const agentsByMode: AgentSpec[] = [
  fakeAgent({ name: 'by-arg', count: 1, prompt: 'arg' }),
  fakeAgent({ name: 'by-stdin', count: 1, prompt: 'stdin' }),
  fakeAgent({ name: 'by-flag', count: 1, prompt: { flag: '--prompt' } }),
];

/** Each agent got the prompt through its mode, in its worktree. */
async function expectPrompts(repo: TestRepo, task: string, prompt: string): Promise<void> {
  const records = await waitFor(
    () => {
      const mine = repo.records().filter((r) => r.env.PARALLEL_TASK === task);
      return mine.length >= 3 && mine;
    },
    { timeout: 15_000, message: `3 agents of ${task} started` },
  );
  const by = (i: number) => records.find((r) => r.env.PARALLEL_INDEX === String(i))!;
  // argv as received, exactly (the fake agent's own parse of `--prompt=` after `--` is naive).
  expect(by(1).argv).toEqual(['--', prompt]);
  expect(by(2).argv).toEqual([]);
  expect(by(2).stdinPrompt).toBe(prompt);
  expect(by(3).argv).toEqual([`--prompt=${prompt}`]);
  for (const i of [1, 2, 3]) expect(by(i).cwd).toBe(repo.worktree(task, i));
}

function stopMux(repo: TestRepo, mux: Mux): void {
  try {
    if (mux === 'tmux') tmux(repo, ['kill-server']);
    if (mux === 'zellij') zellij(repo, ['kill-all-sessions', '-y']);
  } catch {
    // nothing running
  }
}

const drivers: Mux[] = [
  'none',
  ...(hasTmux ? (['tmux'] as const) : []),
  ...(hasZellijDouble ? (['zellij'] as const) : []),
];

// Three `up`s in a row (and a second `up` below): on a loaded two-core machine that is more than
// the default minute. They do not test the start-up watch (startupWait: 0): each `up` returns once
// its agents are started, and expectPrompts waits for what they recorded.
const DRIVER_LIMIT = { timeout: 180_000 };

describe.concurrent('prompts reach the agent byte-exact through every driver (arg, stdin, flag)', () => {
  it.for(drivers)('--mux %s', DRIVER_LIMIT, async (mux) => {
    const repo = await makeRepo({
      zellij: mux === 'zellij',
      config: { agents: agentsByMode, startupWait: 0 },
    });
    try {
      const prompts = fc.sample(promptArb(false), { numRuns: 2, seed: 42 });
      prompts.push('-rf --continue $(touch pwned) `touch pwned` \'"\\\n\n');
      // One task after the other: concurrent `up`s of different tasks in one repository race
      // in `git worktree add` (see the report: registerWorktree retries `-b` after the branch was made).
      for (const [i, prompt] of prompts.entries()) {
        const file = join(repo.parent, `prompt-${i}.txt`);
        writeFileSync(file, prompt);
        const result = await repo.run(['up', `p${i}`, '--mux', mux, '--no-attach', '--prompt-file', file]);
        expectOk(result, `up p${i} with prompt ${JSON.stringify(prompt)}`);
      }
      for (const [i, prompt] of prompts.entries()) await expectPrompts(repo, `p${i}`, prompt);
      expect(readdirSync(repo.dir).filter((f) => f.includes('pwned'))).toEqual([]);
    } finally {
      stopMux(repo, mux);
      await repo.cleanup();
    }
  });
});

/** A repository path and an agent path with spaces, quotes and a literal `$HOME`. */
describe.concurrent('paths with spaces, quotes and a literal $HOME', () => {
  it.for(drivers)('--mux %s', DRIVER_LIMIT, async (mux) => {
    const weird = `it's "a" $HOME dir`;
    const repo = await makeRepo({ name: weird, zellij: mux === 'zellij', config: null });
    try {
      const binDir = join(repo.parent, `bin dir 'q' $HOME`);
      mkdirSync(binDir);
      const agentPath = join(binDir, 'fake "agent"');
      copyFileSync(FAKE_AGENT, agentPath);
      const agents = agentsByMode.map((a) => ({ ...a, command: agentPath }));
      writeFileSync(join(repo.dir, 'parallel.config.json'), JSON.stringify({ agents, startupWait: 0 }));
      repo.git(['add', 'parallel.config.json']);
      repo.git(['commit', '-q', '-m', 'config']);
      const prompt = `in ${weird}: $HOME "quotes"\n`;
      const file = join(repo.parent, 'prompt.txt');
      writeFileSync(file, prompt);
      const result = await repo.run(['up', 'feat', '--mux', mux, '--no-attach', '--prompt-file', file]);
      expectOk(result, 'up in a weird path');
      await expectPrompts(repo, 'feat', prompt);
      expect(repo.worktree('feat', 1)).toContain(weird);
      const again = await repo.run(['up', 'feat', '--mux', mux, '--no-attach', '--json']);
      expectOk(again, 'second up in a weird path');
      expect(JSON.parse(again.stdout).actions).toEqual([]);
    } finally {
      stopMux(repo, mux);
      await repo.cleanup();
    }
  });
});
