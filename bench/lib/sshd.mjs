// A real OpenSSH server on 127.0.0.1 for the remote case: keys made for the run, no PAM, its
// files under `dir`, and an ssh_config (`Host gp-bench-host`) that the bench config points at
// with `sshArgs: ['-F', file]`, so the committed config stays the same from run to run.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p));
export const HOST_ALIAS = 'gp-bench-host';
export const sshConfigFile = (dir) => join(dir, 'ssh_config');

export async function startSshd(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const hostKey = join(dir, 'host_ed25519');
  const userKey = join(dir, 'user_ed25519');
  for (const key of [hostKey, userKey])
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${userKey}.pub`), { mode: 0o600 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'LogLevel ERROR',
      // As a fresh machine: this machine's own ~/.bashrc is not run for every ssh session.
      'SetEnv SHLVL=1',
      '',
    ].join('\n'),
  );
  writeFileSync(
    sshConfigFile(dir),
    [
      `Host ${HOST_ALIAS}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${userInfo().username}`,
      `  IdentityFile ${userKey}`,
      '  IdentitiesOnly yes',
      '  StrictHostKeyChecking no',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  LogLevel ERROR',
      '',
    ].join('\n'),
  );
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true });
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: 'ignore', detached: true });
  const deadline = Date.now() + 30_000;
  while (
    spawnSync('ssh', ['-F', sshConfigFile(dir), '-o', 'BatchMode=yes', HOST_ALIAS, 'true']).status !== 0
  ) {
    if (Date.now() > deadline) throw new Error(`sshd on 127.0.0.1:${port} did not accept the bench key`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // gone
      }
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
