// The presets against the real agent CLIs from npm (cached between runs): each preset's argv,
// with a prompt that starts with "-", must get past the CLI's argument parser and stop at its
// login, auth or network step — never at a usage error. No account or network is needed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
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

function runCli(command: string, args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'gp-agent-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'gp-agent-repo-'));
  execFileSync('git', ['init', '-q'], { cwd });
  const env = { PATH: process.env.PATH, HOME: home, TERM: 'dumb', CI: '1', NO_COLOR: '1' };
  const result = spawnSync(bin(command), args, {
    cwd,
    env,
    timeout: 10_000,
    input: '',
    encoding: 'utf8',
    killSignal: 'SIGKILL',
  });
  return {
    output: `${result.stdout}\n${result.stderr}`,
    status: result.status,
    timedOut: result.error !== undefined,
  };
}

describe.concurrent.each(Object.keys(ACCEPTED) as Exclude<PresetName, 'aider'>[])(
  'preset %s against the real CLI',
  (name) => {
    const preset = PRESETS[name];

    it('headless argv with a leading-dash prompt is accepted', () => {
      const { output, timedOut } = runCli(preset.command, promptArgv(preset.headless, PROMPT));
      expect(output).not.toMatch(REFUSED);
      // A CLI that went on to the network and hung there accepted its arguments too.
      if (!timedOut) expect(output).toMatch(ACCEPTED[name]);
    }, 30_000);

    it('--help lists the resume option the preset uses', () => {
      const resume = preset.interactive.resume;
      const flag = resume.find((a) => a.startsWith('-')) ?? resume[0]!;
      const help = runCli(
        preset.command,
        resume[0]!.startsWith('-') ? ['--help'] : [resume[0]!, '--help'],
      ).output;
      expect(help).toContain(flag);
    }, 30_000);
  },
);
