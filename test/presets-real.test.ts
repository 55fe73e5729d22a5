// The presets against the real agent CLIs from npm (cached between runs): each preset's argv,
// with a prompt that starts with "-", must get past the CLI's argument parser and stop at its
// login, auth or network step — never at a usage error. No account or network is needed.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, type PresetName, promptArgv } from '../src/config/presets.js';

const CACHE = process.env.GIT_PARALLEL_AGENT_CACHE ?? join(homedir(), '.cache', 'git-parallel-agent-clis');
const PACKAGES = ['@anthropic-ai/claude-code', '@google/gemini-cli', '@openai/codex', 'opencode-ai'];
const PROMPT = '-n hi';
// claude: unknown option; codex: unexpected argument; gemini: Unknown argument / Not enough arguments;
// opencode: prints its help (Commands:/Positionals:) and exits 1.
const REFUSED =
  /unknown option|unknown argument|unexpected argument|Usage:|error: unrecognized|Not enough arguments|Input must be provided|^Commands:|Positionals:/im;

/** What each CLI prints once it has accepted its arguments and reached login/auth/network. */
const ACCEPTED: Record<Exclude<PresetName, 'aider'>, RegExp> = {
  claude: /Not logged in|Please run \/login|API key/i,
  gemini: /Auth method|GEMINI_API_KEY/i,
  codex:
    /Not inside a trusted directory|stdin is not a terminal|Reading additional input|login|OPENAI_API_KEY|network|error sending request|stream disconnected/i,
  opencode: /build ·|provider|network|Error/i,
};

const bin = (name: string) => join(CACHE, 'node_modules', '.bin', name);

beforeAll(() => {
  if (PACKAGES.every((_, i) => existsSync(bin(['claude', 'gemini', 'codex', 'opencode'][i]!)))) return;
  mkdirSync(CACHE, { recursive: true });
  execFileSync(
    'npm',
    ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '--loglevel=error', ...PACKAGES],
    {
      stdio: 'inherit',
      timeout: 15 * 60_000,
    },
  );
}, 16 * 60_000);

/**
 * Runs one agent CLI in a fresh home and repository. Asynchronous, so the concurrent tests
 * really run side by side and each one's time limit counts only its own run.
 */
async function runCli(command: string, args: string[], limitMs: number) {
  const home = mkdtempSync(join(tmpdir(), 'gp-agent-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'gp-agent-repo-'));
  execFileSync('git', ['init', '-q'], { cwd });
  const env = { PATH: process.env.PATH, HOME: home, TERM: 'dumb', CI: '1', NO_COLOR: '1' };
  // Its own process group: a CLI that started helpers (an updater, a server) is stopped with them.
  const child = spawn(bin(command), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let timedOut = false;
  // A CLI that reached the network may wait there; by then it has accepted its arguments.
  const timer = setTimeout(() => {
    timedOut = true;
    process.kill(-child.pid!, 'SIGKILL');
  }, limitMs);
  const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  clearTimeout(timer);
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // the group is gone already
  }
  child.stdout.destroy();
  child.stderr.destroy();
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
  return { output, status, timedOut };
}

/** --help must finish; a real run may wait on the network, after its arguments were accepted. */
const HELP_LIMIT_MS = 30_000;
const RUN_LIMIT_MS = 10_000;

// One CLI at a time: each is a large Node program, and eight at once on two cores take longer
// than any of them alone.
describe.each(Object.keys(ACCEPTED) as Exclude<PresetName, 'aider'>[])(
  'preset %s against the real CLI',
  (name) => {
    const preset = PRESETS[name];

    it('headless argv with a leading-dash prompt is accepted', async () => {
      const { output, timedOut } = await runCli(
        preset.command,
        promptArgv(preset.headless, PROMPT),
        RUN_LIMIT_MS,
      );
      expect(output).not.toMatch(REFUSED);
      // A CLI that went on to the network and hung there accepted its arguments too.
      if (!timedOut) expect(output).toMatch(ACCEPTED[name]);
    }, 60_000);

    it('--help lists the resume option the preset uses', async () => {
      const resume = preset.interactive.resume;
      const flag = resume.find((a) => a.startsWith('-')) ?? resume[0]!;
      const help = await runCli(
        preset.command,
        resume[0]!.startsWith('-') ? ['--help'] : [resume[0]!, '--help'],
        HELP_LIMIT_MS,
      );
      expect(help.timedOut, `${preset.command} --help did not finish within ${HELP_LIMIT_MS} ms`).toBe(false);
      expect(help.output).toContain(flag);
    }, 60_000);
  },
);
