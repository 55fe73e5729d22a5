import type { ResolvedHost } from '../config/resolve.js';
import { UserError } from '../errors.js';
import { ssh, sshMessage } from '../proc/ssh.js';

/** The host cannot be reached (ssh itself failed); carries ssh's own message. */
export class HostUnreachable extends UserError {
  constructor(
    readonly host: ResolvedHost,
    readonly detail: string,
  ) {
    super(
      `Cannot reach host "${host.name}" (ssh ${host.ssh}): ${detail || 'ssh failed without a message'}. Check that the machine is up and that \`ssh ${host.sshArgs.length ? `${host.sshArgs.join(' ')} ` : ''}${host.ssh} true\` works without a password prompt (a key in ssh-agent or sshArgs: ['-i', key]).`,
    );
    this.name = 'HostUnreachable';
  }
}

/** Like ssh() but throws: HostUnreachable when ssh failed, else a message with the command's own output. */
export async function sshOk(
  host: ResolvedHost,
  words: string[],
  what: string,
  input?: string | Buffer,
): Promise<string> {
  const result = await ssh(host, words, input);
  if (result.exitCode === 255) throw new HostUnreachable(host, sshMessage(result.stderr));
  if (result.exitCode !== 0) {
    throw new UserError(
      `On host "${host.name}", ${what} failed (exit ${result.exitCode}): ${(result.stderr.trim() || result.stdout.trim()).slice(0, 2000) || 'no message'}`,
    );
  }
  return result.stdout;
}
