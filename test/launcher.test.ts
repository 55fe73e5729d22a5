/**
 * The prompt reaches the agent byte-exact through the generated launcher, for every prompt
 * mode. Each test writes the launcher and the prompt file of a real plan, runs
 * `bash <launcher>` as a subprocess with the fake agent (test/fixtures/bin/fake-agent, which
 * records its argv, stdin, cwd and PARALLEL_* env as JSON) and compares what it received.
 */
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PromptMode } from '../src/config/presets.js';
import { type Multiplexer, resolveConfig } from '../src/config/resolve.js';
import type { AgentConfig } from '../src/config/schema.js';
import { buildPlan, type Plan } from '../src/plan/plan.js';
import { renderLauncher } from '../src/render/launcher.js';
import { type AgentRecord, FAKE_AGENT, readRecords } from './support/repo.js';

const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'gp-launcher-')));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** 100 KB of text that a shell, a KDL writer or an option parser could each get wrong. */
function bigPrompt(): string {
  const chunk = `line "dq" 'sq' $(echo x) \`id\` \\n \\ $HOME \${PATH} ; | & > < * ? [a] {b} ~ ! # % ünïcödé 😀\t-x --help\n`;
  let text = '';
  while (Buffer.byteLength(text) < 100 * 1024) text += chunk;
  return text;
}

const PROMPTS: [label: string, prompt: string][] = [
  ['double and single quotes', `He said "don't" and 'do' ""''`],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${HOME} is the point
  ['command substitution', 'Run $(touch PWNED-dollar) and ${HOME} and $HOME and $1 $@ $$'],
  ['backticks', 'Use `touch PWNED-backtick` here'],
  ['backslashes', 'C:\\Users\\x \\n \\t \\\\ end\\'],
  ['newlines and tabs', 'first line\nsecond\tline\n\n\tindented'],
  ['trailing newlines', 'keep the newlines at the end\n\n\n'],
  ['only newlines', '\n\n'],
  ['leading newline and spaces', '\n   spaced   '],
  ['unicode', 'Résumé — 日本語 — emoji 😀🚀 — RTL עברית — combining é'],
  ['a leading dash', '-rf --help -- --continue'],
  ['a lone dash-dash', '--'],
  ['shell metacharacters', '; rm -rf / && echo | cat > out < in & wait * ? [x] ~ !! #'],
  ['carriage return and escape bytes', 'a\r\nb\x1b[31mred\x1b[0m\x07'],
  ['100 KB', bigPrompt()],
];

const MODES: [label: string, mode: PromptMode][] = [
  ['arg', 'arg'],
  ['stdin', 'stdin'],
  ['{ flag: "--prompt" }', { flag: '--prompt' }],
];

let count = 0;
interface Setup {
  plan: Plan;
  logDir: string;
  launcher: string;
}

/** A plan for a repo under scratch with one candidate, its worktree, prompt file and launcher on disk. */
function setup(options: {
  mode?: PromptMode;
  prompt: string | undefined;
  agent?: AgentConfig;
  mux?: Multiplexer;
  rootName?: string;
}): Setup {
  const base = join(scratch, `case-${++count}`);
  const root = join(base, options.rootName ?? 'repo');
  mkdirSync(join(root, '.git'), { recursive: true });
  const agent: AgentConfig = options.agent ?? {
    name: 'fake',
    command: FAKE_AGENT,
    prompt: options.mode,
    resume: ['--continue'],
  };
  const plan = buildPlan({
    config: resolveConfig({ agents: [agent] }),
    task: 't',
    repo: { root, name: basename(root), commonDir: join(root, '.git'), cwdTop: root },
    base: { ref: 'HEAD', commit: '0'.repeat(40) },
    mux: options.mux ?? 'zellij',
    prompt: options.prompt,
    flags: {},
  });
  const candidate = plan.candidates[0]!;
  mkdirSync(candidate.worktree, { recursive: true });
  mkdirSync(dirname(candidate.launcher), { recursive: true });
  if (options.prompt !== undefined) writeFileSync(plan.paths.promptFile, options.prompt);
  writeFileSync(candidate.launcher, renderLauncher(plan, candidate));
  chmodSync(candidate.launcher, 0o755);
  return { plan, logDir: join(base, 'log'), launcher: candidate.launcher };
}

function launch(s: Setup, env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      'bash',
      [s.launcher],
      {
        cwd: scratch,
        env: { ...process.env, FAKE_AGENT_LOG_DIR: s.logDir, FAKE_AGENT_EDIT: 'none', ...env },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, _stdout, stderr) => done({ code: error ? Number(error.code) : 0, stderr }),
    );
    child.stdin?.end();
  });
}

/** The fake agent's records, oldest first. */
const records = (s: Setup): AgentRecord[] => readRecords(s.logDir);

/** What the agent received as its prompt, by mode. */
function received(record: AgentRecord, mode: PromptMode): string | null {
  if (mode === 'stdin') return record.stdinPrompt;
  return record.prompt;
}

describe.each(MODES)('prompt mode %s', (_label, mode) => {
  it.concurrent.each(PROMPTS)('%s arrives byte-exact', async (_name, prompt) => {
    const s = setup({ mode, prompt });
    const { code, stderr } = await launch(s);
    expect(code, stderr).toBe(0);
    const [record] = records(s);
    expect(record, 'the agent ran once').toBeDefined();
    const got = received(record!, mode);
    expect(got?.length).toBe(prompt.length);
    expect(Buffer.from(got ?? '').equals(Buffer.from(prompt)), 'byte-exact').toBe(true);

    // The argv carries the prompt only in the documented place, as one argument.
    if (mode === 'arg') expect(record!.argv).toEqual(['--', prompt]);
    else if (mode === 'stdin') expect(record!.argv).toEqual([]);
    else expect(record!.argv).toEqual([`--prompt=${prompt}`]);

    // Nothing the prompt says was executed.
    expect(existsSync(join(scratch, 'PWNED-dollar'))).toBe(false);
    expect(existsSync(join(scratch, 'PWNED-backtick'))).toBe(false);
    expect(existsSync(join(s.plan.candidates[0]!.worktree, 'PWNED-dollar'))).toBe(false);
    expect(existsSync(join(s.plan.candidates[0]!.worktree, 'PWNED-backtick'))).toBe(false);
    // The launcher source never contains it (checked by its first line, when that is distinctive).
    const probe = prompt.split('\n')[0]!.slice(0, 60);
    if (probe.length >= 8) expect(readFileSync(s.launcher, 'utf8')).not.toContain(probe);
  });
});

describe('a second start resumes instead of re-sending the prompt', () => {
  it.each(MODES)('%s', async (_label, mode) => {
    const s = setup({ mode, prompt: 'do the thing once\n' });
    expect((await launch(s)).code).toBe(0);
    const second = await launch(s);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('resuming');
    const [first, again] = records(s);
    expect(first!.resumed).toBe(false);
    expect(received(first!, mode)).toBe('do the thing once\n');
    expect(again!.resumed).toBe(true);
    expect(again!.argv).toEqual(['--continue']);
    expect(again!.prompt).toBeNull();
    expect(again!.stdinPrompt).toBeNull();
  });

  it('an agent without a resume option is not started again with the prompt (headless)', async () => {
    const s = setup({
      prompt: 'once',
      mux: 'none',
      agent: { name: 'fake', command: FAKE_AGENT, prompt: 'arg', resume: false },
    });
    expect((await launch(s)).code).toBe(0);
    const second = await launch(s);
    expect(second.code).toBe(0);
    // Headless, the launcher's own messages go to the agent's log, complete once it has ended.
    expect(readFileSync(join(s.plan.paths.logDir, '1.log'), 'utf8')).toContain('no resume option');
    expect(records(s)).toHaveLength(1);
  });
});

describe('the run directory', () => {
  it('records the started marker, the pid and the exit code of the agent', async () => {
    const s = setup({ mode: 'arg', prompt: 'x' });
    const run = s.plan.paths.runDir;
    const { code } = await launch(s, { FAKE_AGENT_EXIT: '7' });
    expect(code).toBe(7);
    expect(readFileSync(join(run, '1.exit'), 'utf8').trim()).toBe('7');
    expect(readFileSync(join(run, '1.pid'), 'utf8').trim()).toMatch(/^\d+$/);
    expect(readFileSync(join(run, '1.started'), 'utf8').trim()).toMatch(/^\d{4}-\d\d-\d\dT/);

    const again = await launch(s, { FAKE_AGENT_EXIT: '0' });
    expect(again.code).toBe(0);
    expect(readFileSync(join(run, '1.exit'), 'utf8').trim()).toBe('0');
  });

  it('a missing worktree exits 1 with the command that repairs it, and starts nothing', async () => {
    const s = setup({ mode: 'arg', prompt: 'x' });
    expect((await launch(s)).code).toBe(0); // an earlier run leaves its pid and exit 0
    rmSync(s.plan.candidates[0]!.worktree, { recursive: true });
    const { code, stderr } = await launch(s);
    expect(code).toBe(1);
    expect(stderr).toContain('parallel up t');
    expect(records(s)).toHaveLength(1);
    // tmux can mark a pane that dies this fast dead without its status: the exit file has it,
    // with no pid file beside it (an earlier run's is removed), so inspect knows it is this run's.
    expect(readFileSync(join(s.plan.paths.runDir, '1.exit'), 'utf8').trim()).toBe('1');
    expect(existsSync(join(s.plan.paths.runDir, '1.pid'))).toBe(false);
  });
});

describe('environment and working directory', () => {
  it('the agent runs in its worktree with the PARALLEL_* variables and the config env', async () => {
    const s = setup({
      prompt: 'p',
      agent: {
        name: 'fake',
        command: FAKE_AGENT,
        env: { PARALLEL_EXTRA: "it's $HOME `x`" },
      },
    });
    expect((await launch(s)).code).toBe(0);
    const [record] = records(s);
    const c = s.plan.candidates[0]!;
    expect(record!.cwd).toBe(c.worktree);
    expect(record!.env).toMatchObject({
      PARALLEL_TASK: 't',
      PARALLEL_INDEX: '1',
      PARALLEL_PORT: String(c.port),
      PARALLEL_PROMPT_FILE: s.plan.paths.promptFile,
      PARALLEL_EXTRA: "it's $HOME `x`",
    });
  });

  it('a repository path with spaces, quotes, $ and backticks works and runs nothing', async () => {
    const s = setup({ mode: 'arg', prompt: 'hello', rootName: `my repo "q" 'x' $(touch PWNED-path) \`id\`` });
    const { code, stderr } = await launch(s);
    expect(code, stderr).toBe(0);
    expect(records(s)[0]!.prompt).toBe('hello');
    expect(records(s)[0]!.cwd).toBe(s.plan.candidates[0]!.worktree);
    expect(existsSync(join(scratch, 'PWNED-path'))).toBe(false);
  });

  it('headless (mux none) uses the preset headless arguments: claude -p -- <prompt>', async () => {
    const prompt = '-p is not a flag here\n';
    const s = setup({ prompt, mux: 'none', agent: { preset: 'claude', command: FAKE_AGENT } });
    expect((await launch(s)).code).toBe(0);
    expect(records(s)[0]!.argv).toEqual(['-p', '--', prompt]);
  });

  it('no prompt: the agent starts with its arguments only', async () => {
    const s = setup({ mode: 'arg', prompt: undefined });
    expect((await launch(s)).code).toBe(0);
    expect(records(s)[0]!.argv).toEqual([]);
  });

  it("prompt mode 'none' never passes the prompt", async () => {
    const s = setup({ mode: 'none', prompt: 'ignored' });
    expect((await launch(s)).code).toBe(0);
    const [record] = records(s);
    expect(record!.argv).toEqual([]);
    expect(record!.stdinPrompt ?? '').toBe('');
  });
});
