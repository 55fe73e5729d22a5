import { z } from 'zod';
import { MULTIPLEXERS } from '../mux/capabilities.js';
import { MAX_AGENTS } from './limits.js';
import { PRESET_NAMES } from './presets.js';
import { parseSize } from './size.js';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected letters, digits, "-", "_" or "." (e.g. "claude-fast")');
const envMap = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'),
  z.string(),
);

const promptMode = z.union([
  z.enum(['arg', 'stdin', 'none']),
  z.strictObject({
    flag: z.string().regex(/^--?[A-Za-z0-9][\w-]*$/, 'expected an option such as "--prompt"'),
  }),
]);

export const agentSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES).optional(),
  name: name.optional(),
  command: z.string().min(1, 'expected a command name or path').optional(),
  args: z.array(z.string()).optional(),
  prompt: promptMode.optional(),
  count: z.number().int('expected a whole number').min(1, 'expected at least 1').max(MAX_AGENTS).optional(),
  env: envMap.optional(),
  resume: z.union([z.array(z.string()), z.literal(false)]).optional(),
  host: name.optional(),
});

const evalSchema = z.union([
  z.string().min(1),
  z.strictObject({
    name: name,
    command: z.string().min(1),
    timeout: z.number().int().positive().optional(),
  }),
]);

/** A machine that runs candidates over SSH. */
export const hostSchema = z.strictObject({
  ssh: z
    .string()
    .regex(
      /^[^\s-][^\s]*$/,
      'expected an ssh destination such as "user@devbox" or a Host alias from ~/.ssh/config',
    ),
  dir: z
    .string()
    .regex(/^\/[^\n]*$/, 'expected an absolute path on the host, such as "/srv/git-parallel/myrepo"'),
  sshArgs: z.array(z.string()).optional(),
});

export const configSchema = z
  .strictObject({
    agents: z.array(agentSchema).min(1, 'expected at least one agent').optional(),
    prompt: z.string().optional(),
    worktrees: z
      .strictObject({
        dir: z.string().min(1).optional(),
        branch: z.string().min(1).optional(),
        base: z.string().min(1).optional(),
      })
      .optional(),
    session: z.string().min(1).optional(),
    multiplexer: z.enum(['auto', ...MULTIPLEXERS]).optional(),
    layout: z.string().min(1).optional(),
    setup: z.array(z.string().min(1)).optional(),
    copy: z.array(z.string().min(1)).optional(),
    env: envMap.optional(),
    eval: z.array(evalSchema).optional(),
    stagger: z.number().min(0).max(60_000).optional(),
    /** The agent `parallel judge` runs: a configured agent's name, a preset name, or an agent of its own. */
    judge: z.union([name, agentSchema.omit({ count: true })]).optional(),
    notify: z.union([z.boolean(), z.strictObject({ command: z.string().min(1) })]).optional(),
    startupWait: z.number().int().min(0).max(120_000).optional(),
    pool: z
      .strictObject({
        size: z.number().int('expected a whole number').min(0, 'expected 0 or more').max(32).optional(),
      })
      .optional(),
    hosts: z.record(name, hostSchema).optional(),
    evalJobs: z.number().int('expected a whole number').min(1, 'expected at least 1').optional(),
    maxLogBytes: z
      .union([
        z.number().int('expected a whole number of bytes').min(4096, 'expected at least 4096 bytes'),
        z
          .string()
          .refine((text) => (parseSize(text) ?? 0) >= 4096, 'expected a size such as "50MB" (at least 4k)'),
      ])
      .optional(),
  })
  .superRefine((config, ctx) => {
    const total = (config.agents ?? []).reduce((sum, agent) => sum + (agent.count ?? 1), 0);
    if (total > MAX_AGENTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['agents'],
        input: config.agents,
        message: `the counts add up to ${total} agents, more than ${MAX_AGENTS}`,
      });
    }
    const known = Object.keys(config.hosts ?? {});
    config.agents?.forEach((agent, i) => {
      if (agent.host === undefined || known.includes(agent.host)) return;
      ctx.addIssue({
        code: 'custom',
        path: ['agents', i, 'host'],
        input: agent.host,
        message: `unknown host "${agent.host}" (${known.length ? `hosts defined: ${known.join(', ')}` : 'no hosts are defined'})`,
      });
    });
  });

export type HostConfig = z.infer<typeof hostSchema>;
export type AgentConfig = z.infer<typeof agentSchema>;
/** What a user writes in parallel.config.ts. */
export type UserConfig = z.input<typeof configSchema>;
