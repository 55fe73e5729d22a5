/**
 * A real OpenSSH server for the remote-host tests: started on 127.0.0.1 at a free port with a
 * host key and a user key made for the run, a temporary authorized_keys and no PAM, so it
 * accepts exactly this test's key. `stop()` kills the listener and every session it spawned
 * (like a network drop or a host going away: processes that left their session, such as a
 * daemonised tmux server, keep running); `start()` brings it back on the same port.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.js';

export const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p));
export const hasSshd = SSHD !== undefined;

export interface TestSshd {
  port: number;
  /** `user@127.0.0.1` */
  target: string;
  /** Options every ssh call of the test passes (port, key, known_hosts in the temp dir). */
  sshArgs: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs a command over ssh as the test user (argv joined by the remote shell). */
  exec(command: string): string;
}

export async function startSshd(dir: string): Promise<TestSshd> {
  mkdirSync(dir, { recursive: true });
  const hostKey = join(dir, 'host_ed25519');
  const userKey = join(dir, 'user_ed25519');
  for (const key of [hostKey, userKey]) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'git-parallel-test', '-f', key]);
  }
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
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'LogLevel ERROR',
      // The host is to run commands as a clean machine would: bash started by sshd sources the
      // user's ~/.bashrc only at the first shell level, and that file is this test machine's
      // (seconds per session on a loaded one), not part of what the tests check.
      'SetEnv SHLVL=1',
      '',
    ].join('\n'),
  );
  // As root, sshd insists on its privilege-separation directory.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true });
  const target = `${userInfo().username}@127.0.0.1`;
  const sshArgs = [
    '-p',
    String(port),
    '-i',
    userKey,
    '-F',
    '/dev/null',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o',
    'LogLevel=ERROR',
  ];
  let child: ChildProcess | undefined;
  const server: TestSshd = {
    port,
    target,
    sshArgs,
    async start() {
      child = spawn(SSHD!, ['-D', '-e', '-f', config], {
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      // Ready when it greets: a full login per poll would cost seconds on a loaded machine.
      await waitFor(
        () => {
          if (child?.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
          return greets(port);
        },
        { timeout: 60_000, interval: 100, message: `sshd listening on 127.0.0.1:${port}` },
      );
    },
    async stop() {
      if (!child?.pid) return;
      const pids = [child.pid, ...descendants(child.pid)];
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await waitFor(() => pids.every((pid) => !existsSync(`/proc/${pid}`) || zombie(pid)), {
        timeout: 60_000,
        message: 'sshd and its sessions gone',
      });
      child = undefined;
    },
    exec(command: string) {
      return execFileSync('ssh', [...sshArgs, '-o', 'BatchMode=yes', target, command], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
    },
  };
  await server.start();
  return server;
}

/** Whether something on the port answers with an SSH banner. */
function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(5_000, () => done(false));
    socket.once('data', (data) => done(data.toString('latin1').startsWith('SSH-')));
    socket.once('error', () => done(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Every process below `pid` (children, grandchildren …), from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
