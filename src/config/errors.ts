import type { z } from 'zod';
import { editDistance } from '../edit-distance.js';
import { UserError } from '../errors.js';
import { LAYOUT_NAMES } from '../render/layout-names.js';
import { MAX_AGENTS } from './limits.js';
import { PRESET_NAMES } from './presets.js';
import { agentSchema, configSchema } from './schema.js';

type Issue = z.core.$ZodIssue;

/** Turns the first zod issue into one paragraph naming the file, the field and the fix. */
export function configIssueError(file: string, error: z.ZodError): UserError {
  const issue = narrow(error.issues[0]!);
  const field = formatPath(issue.path);
  const extra = error.issues.length > 1 ? ` (${error.issues.length - 1} more problem(s) after this one)` : '';
  return new UserError(
    `Invalid config in ${file}: ${describe(issue, field)}${extra}. ${fixFor(issue, field)}`,
    {
      exitCode: 2,
    },
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || '(top level)';
}

/**
 * A union reports "Invalid input" with one issue list per option. When exactly one option
 * matched the value's type (an object for the object form), its own issue says more; when none
 * did, the union's expected forms are listed.
 */
function narrow(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  const relevant = issue.errors.filter(
    (branch) =>
      !branch.every(
        (inner) =>
          (inner.code === 'invalid_type' || inner.code === 'invalid_value') && inner.path.length === 0,
      ),
  );
  if (relevant.length !== 1 || !relevant[0]![0]) return issue;
  const inner = relevant[0]![0];
  return narrow({ ...inner, path: [...issue.path, ...inner.path] } as Issue);
}

function describe(issue: Issue, field: string): string {
  if (issue.code === 'unrecognized_keys') {
    const where = field === '(top level)' ? 'at the top level' : `in "${field}"`;
    const guesses = issue.keys
      .map((key) => [key, closest(key, knownKeys(issue.path))] as const)
      .filter(([, guess]) => guess)
      .map(([key, guess]) => `"${key}": did you mean "${guess}"?`);
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} ${where}${guesses.length ? ` (${guesses.join('; ')})` : ''}`;
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0]?.message ?? issue.message;
    const parent = formatPath(issue.path.slice(0, -1));
    return `key ${JSON.stringify(String(issue.path.at(-1)))} in "${parent}": ${inner}`;
  }
  if (issue.code === 'invalid_union') {
    return `field "${field}": ${UNION_EXPECTED[kind(issue.path)] ?? 'no accepted form matches the value'}${received(issue)}`;
  }
  return `field "${field}": ${issue.message}`;
}

const UNION_EXPECTED: Record<string, string> = {
  'agents[].prompt': 'expected "arg", "stdin", "none" or { flag: "--option" }',
  'agents[].resume': 'expected a list of arguments (strings) or false',
  'eval[]': 'expected a command string or { name, command, timeout? }',
  judge: 'expected an agent name or an agent object such as { preset: "claude" }',
};

function received(issue: Issue): string {
  if (!('input' in issue)) return '';
  const input = issue.input;
  const text = JSON.stringify(input);
  return text !== undefined && text.length <= 40 ? `, got ${text}` : `, got ${typeof input}`;
}

function fixFor(issue: Issue, field: string): string {
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(issue.path);
    return known.length
      ? `Remove or rename it; the keys allowed here are ${known.join(', ')} (defineConfig() types them all).`
      : 'Remove or rename it; defineConfig() types the allowed keys.';
  }
  // A bad record key is about the record ("env"), not about the value under that key.
  const fix = FIXES[kind(issue.code === 'invalid_key' ? issue.path.slice(0, -1) : issue.path)];
  if (fix) return typeof fix === 'function' ? fix(issue) : fix;
  return `Fix the value of "${field}" and run the command again.`;
}

const quoteIt = 'Environment values are strings: quote it (e.g. PORT: "3000").';
const envKey = 'Use a name of letters, digits and "_" that does not start with a digit (e.g. "API_URL").';
const FIXES: Record<string, string | ((issue: Issue) => string)> = {
  agents: (issue) =>
    issue.code === 'custom'
      ? `Lower the counts so that they add up to ${MAX_AGENTS} or fewer.`
      : 'List at least one agent, e.g. agents: [{ preset: "claude", count: 3 }], or remove "agents" for the default (3 × claude).',
  'agents[]': 'Each agent is an object such as { preset: "claude", count: 2 } or { command: "my-agent" }.',
  'agents[].preset': `Use one of the built-in presets (${PRESET_NAMES.join(', ')}), or drop "preset" and set "command" (plus "args" and "prompt") for a custom agent.`,
  'agents[].count': `Set a whole number from 1 to ${MAX_AGENTS}, or remove it for 1.`,
  'agents[].name':
    'An agent name shows in pane titles and --agent: use letters, digits, "-", "_" or ".", e.g. "claude-fast".',
  'agents[].command': 'Set the command to run (a name on PATH or a path), e.g. command: "my-agent".',
  'agents[].args': (issue) =>
    `Write the arguments before the prompt as a list of strings, e.g. args: ${exampleList(issue, ['--model', 'sonnet'])}.`,
  'agents[].args[]': 'Every argument is a string: quote it (e.g. "3").',
  'agents[].prompt':
    'Use "arg" (the prompt after --), "stdin", "none", or { flag: "--prompt" } (passed as --prompt=TEXT).',
  'agents[].prompt.flag': 'Write the option with its dashes, e.g. prompt: { flag: "--prompt" }.',
  'agents[].resume':
    'List the arguments that continue the agent\'s last session (e.g. resume: ["--continue"]), or write resume: false if it cannot resume.',
  'agents[].resume[]': 'Every argument is a string: quote it.',
  'agents[].env': envKey,
  'agents[].env.*': quoteIt,
  env: envKey,
  'env.*': quoteIt,
  prompt: 'Write the default prompt as a string, or remove it and pass --prompt / --prompt-file.',
  worktrees: 'Write worktrees: { dir, branch, base } (each optional).',
  'worktrees.dir':
    'Use a path template with {n}, e.g. "../{repo}-worktrees/{task}-{n}" (relative to the repository root), or remove it for that default.',
  'worktrees.branch': 'Use a branch template with {n}, e.g. "{task}-{n}", or remove it for that default.',
  'worktrees.base': 'Use a branch, tag or commit, e.g. "main", or remove it for HEAD.',
  session:
    'Use a template such as "{repo}-{task}" (placeholders {repo} and {task}), or remove it for that default.',
  multiplexer: 'Use "auto" (the default), "zellij", "tmux" or "none" (headless).',
  layout: `Use one of ${LAYOUT_NAMES.join(', ')}, or the path of a KDL template ending in .kdl.`,
  setup: (issue) =>
    `Write the commands as a list of strings, e.g. setup: ${exampleList(issue, ['npm ci'])} (they run in order in each new worktree).`,
  'setup[]': 'Every setup entry is a non-empty command string, e.g. "npm ci".',
  copy: (issue) => `Write the files as a list of strings, e.g. copy: ${exampleList(issue, ['.env'])}.`,
  'copy[]': 'Every copy entry is a non-empty path string, e.g. ".env".',
  eval: 'Write a list, e.g. eval: ["npm test", { name: "lint", command: "npm run lint" }].',
  'eval[]':
    'Write each eval as a command string ("npm test") or { name: "test", command: "npm test", timeout: 120000 }.',
  'eval[].name': 'Use letters, digits, "-", "_" or ".", e.g. "unit-tests".',
  'eval[].command': 'Set the shell command to run, e.g. "npm test".',
  'eval[].timeout': 'Set a positive whole number of milliseconds (e.g. 120000), or remove it for 10 minutes.',
  'agents[].host':
    'Name one of the machines under "hosts" (e.g. hosts: { box: { ssh: "me@devbox", dir: "/srv/git-parallel/repo" } }), or remove "host" to run the agent on this machine.',
  hosts:
    'Write hosts: { NAME: { ssh: "user@machine", dir: "/absolute/path/on/it", sshArgs: ["-p", "2222"] } }; a name uses letters, digits, "-", "_" or ".".',
  'hosts.*':
    'Each host is { ssh: "user@machine", dir: "/absolute/path/on/it" } plus optional sshArgs (a list of ssh options).',
  'hosts.*.ssh': 'Write the destination you would give ssh, e.g. ssh: "me@devbox" (options go in sshArgs).',
  'hosts.*.dir':
    'Give an absolute directory on that machine where git-parallel may keep this repository and its worktrees, e.g. dir: "/srv/git-parallel/myrepo" (it is created if missing).',
  'hosts.*.sshArgs': (issue) =>
    `Write the ssh options as a list of strings, e.g. sshArgs: ${exampleList(issue, ['-p', '2222'])}.`,
  'hosts.*.sshArgs[]': 'Every ssh argument is a string: quote it (e.g. "2222").',
  stagger: 'Set the milliseconds between agent starts, from 0 to 60000 (0: all at once).',
  pool: 'Write pool: { size: 4 } (how many ready worktrees `up` can take), or remove it for no pool.',
  'pool.size': 'Set a whole number from 0 to 32 (0: no pool), e.g. pool: { size: 4 }.',
  judge:
    'Name the agent `parallel judge` runs (a configured agent or a preset, e.g. judge: "claude"), or give it its own agent, e.g. judge: { preset: "codex" }.',
  notify:
    'Use true (bell and desktop notification, the default), false, or { command: "my-notifier" } (it gets $PARALLEL_MESSAGE).',
  'notify.command': 'Set the shell command to run, e.g. "my-notifier" (it gets $PARALLEL_MESSAGE).',
  startupWait:
    'Set the milliseconds `up` watches new agents for a failed start, from 0 to 120000 (default 3000).',
};

/** `agents[2].env.API KEY` → `agents[].env.*`: the key FIXES and the known-keys table use. */
function kind(path: readonly PropertyKey[]): string {
  let out = '';
  path.forEach((key, i) => {
    if (typeof key === 'number') out += '[]';
    else if (path[i - 1] === 'env' && (i === 1 || typeof path[i - 2] === 'number')) out += '.*';
    else if (path[i - 1] === 'hosts' && i === 1) out += '.*';
    else out += out ? `.${String(key)}` : String(key);
  });
  return out;
}

/** The user's own string, as the list they probably meant: 'npm ci' → ['npm ci']. */
function exampleList(issue: Issue, fallback: string[]): string {
  const input = 'input' in issue ? issue.input : undefined;
  const items = typeof input === 'string' && input.length <= 60 ? [input] : fallback;
  return `[${items.map((item) => `'${item.replace(/'/g, "\\'")}'`).join(', ')}]`;
}

function knownKeys(path: readonly PropertyKey[]): string[] {
  const shapes: Record<string, string[]> = {
    '': Object.keys(configSchema.shape),
    'agents[]': Object.keys(agentSchema.shape),
    judge: Object.keys(agentSchema.shape).filter((key) => key !== 'count'),
    worktrees: ['dir', 'branch', 'base'],
    pool: ['size'],
    'eval[]': ['name', 'command', 'timeout'],
    'agents[].prompt': ['flag'],
    'hosts.*': ['ssh', 'dir', 'sshArgs'],
  };
  return shapes[kind(path)] ?? [];
}

/** The known key within edit distance 2 (or sharing a 4-letter prefix), if there is one. */
function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best ?? known.find((k) => key.length >= 4 && k.startsWith(key.slice(0, 4)));
}
