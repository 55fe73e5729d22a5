import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { type AgentInvocation, promptArgv } from '../config/presets.js';
import type { ResolvedAgent } from '../config/resolve.js';
import { UserError } from '../errors.js';

/** Linux refuses one argv string over 128 KiB (MAX_ARG_STRLEN). */
const MAX_ARG_BYTES = 128 * 1024 - 1;

export interface AgentRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** What the agent printed on stdout: its answer. */
  stdout: string;
  stderr: string;
}

export interface RunAgentInput {
  agent: ResolvedAgent;
  /** The prompt's text, also in `promptFile`. */
  prompt: string;
  promptFile: string;
  cwd: string;
  env: Record<string, string>;
  /** Both output streams are copied here as they come. */
  logFile: string;
}

/**
 * Runs an agent once in its headless form, without a shell: the prompt goes as one argv word
 * (arg and flag modes) or on stdin from the prompt file, never through shell source.
 */
export function runAgentHeadless(input: RunAgentInput): Promise<AgentRun> {
  const { agent } = input;
  const invocation: AgentInvocation = agent.headless;
  if (invocation.prompt === 'none') {
    throw new UserError(
      `Agent "${agent.name}" takes no prompt (prompt: 'none' in the config), so it cannot judge. Choose another agent with --agent, or set its prompt mode to 'arg' or 'stdin'.`,
      { exitCode: 2 },
    );
  }
  const mode = invocation.prompt;
  const extra = typeof mode === 'object' ? mode.flag.length + 1 : 0;
  if (mode !== 'stdin' && Buffer.byteLength(input.prompt) + extra > MAX_ARG_BYTES) {
    throw new UserError(
      `The judge's prompt (${input.promptFile}) is ${Buffer.byteLength(input.prompt)} bytes, more than the 128 KiB the system allows in one argument, and agent "${agent.name}" takes it as an argument: the task's own prompt is large. Judge fewer candidates with --from, or use an agent that reads the prompt on stdin (prompt: 'stdin' in the config's judge).`,
    );
  }
  const stdinFd = invocation.prompt === 'stdin' ? openSync(input.promptFile, 'r') : 'ignore';
  const log = openSync(input.logFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(agent.command, promptArgv(invocation, input.prompt), {
      cwd: input.cwd,
      env: { ...process.env, ...input.env },
      stdio: [stdinFd, 'pipe', 'pipe'],
    });
    if (typeof stdinFd === 'number') closeSync(stdinFd);
    let stdout = '';
    let stderr = '';
    let closed = false;
    const closeLog = () => {
      if (!closed) closeSync(log);
      closed = true;
    };
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!closed) writeSync(log, chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!closed) writeSync(log, chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      closeLog();
      reject(
        error.code === 'ENOENT'
          ? new UserError(
              `Cannot start the judge agent "${agent.name}": \`${agent.command}\` is not on PATH.${agent.install ? ` Install it with \`${agent.install}\`,` : ''} or choose another agent with --agent.`,
            )
          : error,
      );
    });
    child.on('close', (exitCode, signal) => {
      closeLog();
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}
