import { git, gitEnv } from './run.js';

/**
 * git talking to another machine's repository over ssh: `sshCommand` is the ssh command line
 * (with the host's options) git runs for the transport, `url` is `destination:path`.
 */
const transportEnv = (sshCommand: string): NodeJS.ProcessEnv => ({
  ...gitEnv(),
  GIT_SSH_COMMAND: sshCommand,
  GIT_SSH_VARIANT: 'ssh',
});

/** Sends `commit` (and only the objects the other side lacks) to `ref` there; exit code and message. */
export function pushCommit(root: string, url: string, sshCommand: string, commit: string, ref: string) {
  return git(root, ['push', '--quiet', '--no-verify', '--force', url, `${commit}:${ref}`], {
    env: transportEnv(sshCommand),
  });
}

/** Fetches `refspecs` (forced: they mirror the other side) from `url`; exit code and message. */
export function fetchRefs(root: string, url: string, sshCommand: string, refspecs: string[]) {
  return git(root, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', url, ...refspecs], {
    env: transportEnv(sshCommand),
  });
}
