import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedHost } from '../config/resolve.js';
import { shellQuote } from '../render/shell.js';

export interface SshResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * ssh's options for every call, after the host's own `sshArgs` (ssh keeps the first value it
 * reads for an option, so the user's win). BatchMode: a password prompt would hang a command
 * that has no terminal. The control master turns each further call into a round trip on one
 * connection instead of a new key exchange.
 */
export function sshOptions(host: ResolvedHost): string[] {
  return [
    ...host.sshArgs,
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=10',
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ControlMaster=auto',
    '-o',
    `ControlPath=${controlDir()}/%C`,
    '-o',
    'ControlPersist=60',
  ];
}

/** Socket paths must stay under ~100 bytes: a short directory of this user's, not the task's. */
export const controlDir = (): string =>
  process.env.PARALLEL_SSH_CONTROL_DIR ?? join(tmpdir(), `gp-ssh-${process.getuid?.() ?? 'u'}`);

/**
 * The remote command as one string for the remote shell: every word quoted, so a path or
 * argument is data there, never shell syntax.
 */
export const remoteCommand = (words: string[]) => words.map(shellQuote).join(' ');

/** `ssh <options>`: for a launcher script or GIT_SSH_COMMAND. */
export const sshArgv = (host: ResolvedHost) => ['ssh', ...sshOptions(host)];

/** The argv that runs `remote` (one string for the host's shell) on the host. */
export const sshCommandArgv = (host: ResolvedHost, remote: string) => [
  ...sshOptions(host),
  '--',
  host.ssh,
  remote,
];

/**
 * Runs `words` on the host (argv, quoted for its shell); `input` goes to its stdin byte-exact.
 * Resolves with the exit code; ssh's own failure (it cannot connect) is exit 255.
 */
export function ssh(host: ResolvedHost, words: string[], input?: string | Buffer): Promise<SshResult> {
  mkdirSync(controlDir(), { recursive: true, mode: 0o700 });
  return new Promise((resolve) => {
    const child = spawn('ssh', sshCommandArgv(host, remoteCommand(words)), {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    collect(child, resolve);
    if (input !== undefined) {
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    }
  });
}

/**
 * Runs `producer` here and pipes its stdout into `words` on the host (a tar stream, say);
 * resolves with the host side's exit code and stderr (255: ssh could not connect).
 */
export function sshPipe(
  host: ResolvedHost,
  producer: { command: string; args: string[]; cwd: string },
  words: string[],
): Promise<SshResult> {
  mkdirSync(controlDir(), { recursive: true, mode: 0o700 });
  return new Promise((resolve) => {
    const source = spawn(producer.command, producer.args, {
      cwd: producer.cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const child = spawn('ssh', sshCommandArgv(host, remoteCommand(words)), {
      stdio: [source.stdout, 'pipe', 'pipe'],
    });
    collect(child, resolve);
  });
}

function collect(child: ReturnType<typeof spawn>, resolve: (result: SshResult) => void): void {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let failed: Error | undefined;
  child.on('error', (error) => {
    failed = error;
  });
  child.on('close', (code) => {
    if (failed) resolve({ stdout, stderr: `cannot run ssh: ${failed.message}`, exitCode: 255 });
    else resolve({ stdout, stderr, exitCode: code ?? 255 });
  });
}

/** ssh's last non-empty stderr line, which says what went wrong ("Connection refused", …). */
export const sshMessage = (stderr: string) =>
  stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1) ?? '';
