// Session management commands of the fake zellij: list-sessions, kill-session,
// delete-session, kill-all-sessions, delete-all-sessions.
import { validateName } from './cmd-sessions.mjs';
import { errExit, exit, hasTty, out, outExit, panic, parseArgs } from './io.mjs';
import { rustDebug, sessionLines } from './render.mjs';
import { killSession } from './sessions.mjs';
import { readSession, readSessions, removeSession, withLock } from './state.mjs';

/** @typedef {import('./state.mjs').SessionRecord} SessionRecord */
/** @typedef {{ dir: string }} Ctx */

/** @param {Ctx} ctx @param {string[]} argv */
export function listSessions(ctx, argv) {
  const { opts } = parseArgs(argv, {
    flags: {
      '-n': 'nf',
      '--no-formatting': 'nf',
      '-s': 'short',
      '--short': 'short',
      '-r': 'rev',
      '--reverse': 'rev',
    },
    usage: 'zellij list-sessions [OPTIONS]',
  });
  const sessions = readSessions(ctx.dir);
  if (sessions.length === 0) return errExit(1, 'No active zellij sessions found.');
  for (const l of sessionLines(sessions, {
    noFormatting: Boolean(opts.nf),
    short: Boolean(opts.short),
    reverse: Boolean(opts.rev),
  }))
    out(l);
  return exit(0);
}

/** @param {Ctx} ctx @param {string[]} argv */
export function killSessionCmd(ctx, argv) {
  const { positionals } = parseArgs(argv, { positionals: 1, usage: 'zellij kill-session [TARGET_SESSION]' });
  const name = positionals[0];
  if (name === undefined) return outExit(1, 'Please specify the session name to kill.');
  withLock(ctx.dir, () => {
    const s = readSession(ctx.dir, name);
    if (s?.status !== 'live') {
      out(`No session named ${rustDebug(name)} found.`);
      exit(1);
    }
    killSession(ctx.dir, /** @type {SessionRecord} */ (s));
  });
  return exit(0);
}

/** Kill (if live) and forget a session. @param {Ctx} ctx @param {string} name */
function deleteOne(ctx, name) {
  const s = readSession(ctx.dir, name);
  if (s?.status === 'live') killSession(ctx.dir, s);
  const after = readSession(ctx.dir, name);
  if (!after) errExit(2, `Session: ${rustDebug(name)} not found.`);
  removeSession(ctx.dir, name);
  out(`Session: ${rustDebug(name)} successfully deleted.`);
}

/** @param {Ctx} ctx @param {string[]} argv */
export function deleteSessionCmd(ctx, argv) {
  const { opts, positionals } = parseArgs(argv, {
    flags: { '-f': 'force', '--force': 'force' },
    positionals: 1,
    usage: 'zellij delete-session [OPTIONS] [TARGET_SESSION]',
  });
  const name = positionals[0];
  if (name === undefined) return outExit(1, 'Please specify the session name to delete.');
  validateName(name);
  withLock(ctx.dir, () => {
    const s = readSession(ctx.dir, name);
    if (s?.status === 'live' && !opts.force) {
      out(`A session by the name ${rustDebug(name)} exists and is active, use --force to delete it.`);
      exit(1);
    }
    if (s?.status === 'live') {
      out(
        `A session by the name ${rustDebug(name)} exists and is active, but will be force killed and deleted.`,
      );
    }
    deleteOne(ctx, name);
  });
  return exit(0);
}

/** @param {Ctx} ctx @param {string[]} argv @param {'kill' | 'delete'} which */
export function allSessionsCmd(ctx, argv, which) {
  const { opts } = parseArgs(argv, {
    flags: {
      '-y': 'yes',
      '--yes': 'yes',
      ...(which === 'delete' ? { '-f': 'force', '--force': 'force' } : {}),
    },
    usage: `zellij ${which}-all-sessions [OPTIONS]`,
  });
  const sessions = readSessions(ctx.dir);
  if (which === 'kill' && !sessions.some((s) => s.status === 'live'))
    return errExit(1, 'No active zellij sessions found.');
  if (!opts.yes) {
    out(
      which === 'kill'
        ? 'WARNING: this action will kill all sessions.'
        : 'WARNING: this action will delete all resurrectable sessions.',
    );
    if (!hasTty()) {
      return panic(
        'called `Result::unwrap()` on an `Err` value: IO(Custom { kind: NotConnected, error: "not a terminal" })',
        'src/commands.rs:61:22',
      );
    }
    return outExit(1, 'Abort.');
  }
  withLock(ctx.dir, () => {
    for (const s of readSessions(ctx.dir)) {
      if (which === 'kill' && s.status === 'live') killSession(ctx.dir, s);
      if (which === 'delete' && (s.status === 'exited' || (opts.force && s.serialized)))
        deleteOne(ctx, s.name);
    }
  });
  return exit(0);
}
