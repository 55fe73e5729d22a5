// Entry point of the fake `zellij` (test/fixtures/bin/zellij): global flags and dispatch,
// following src/main.rs of Zellij 0.44 as documented in /work/shared/zellij/REFERENCE.md.
import { action } from './cmd-actions.mjs';
import { allSessionsCmd, deleteSessionCmd, killSessionCmd, listSessions } from './cmd-manage.mjs';
import { attach, startInteractive } from './cmd-sessions.mjs';
import { clapError, Exit, err, errExit, hangForever, outExit } from './io.mjs';
import { layoutSource } from './layout-source.mjs';
import { logCall, SOCK_MAX, socketPath, stateDir } from './state.mjs';

const VERSION = () => process.env.FAKE_ZELLIJ_VERSION ?? '0.44.1';
const UNMODELLED = new Set([
  'setup',
  'web',
  'watch',
  'w',
  'plugin',
  'edit',
  'e',
  'pipe',
  'subscribe',
  'list-aliases',
  'la',
  'convert-config',
  'convert-layout',
  'convert-theme',
  'sequence',
]);
const GLOBAL_VALUES = /** @type {Record<string, string>} */ ({
  '-s': 'session',
  '--session': 'session',
  '-l': 'layout',
  '--layout': 'layout',
  '--layout-string': 'layoutString',
  '-n': 'newSessionWithLayout',
  '--new-session-with-layout': 'newSessionWithLayout',
  '-c': 'config',
  '--config': 'config',
  '--config-dir': 'configDir',
  '--data-dir': 'dataDir',
  '--max-panes': 'maxPanes',
  '--server': 'server',
});

/** @param {string[]} argv */
function parseGlobals(argv) {
  /** @type {Record<string, string | boolean>} */
  const g = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (a === '-V' || a === '--version') g.version = true;
    else if (a === '-h' || a === '--help') g.help = true;
    else if (a === '-d' || a === '--debug') g.debug = true;
    else if (GLOBAL_VALUES[flag]) {
      const v = inline ?? argv[++i];
      if (v === undefined)
        clapError(
          `a value is required for '${flag} <${GLOBAL_VALUES[flag].toUpperCase()}>' but none was supplied`,
        );
      g[GLOBAL_VALUES[flag]] = /** @type {string} */ (v);
    } else if (a.startsWith('-')) clapError(`unexpected argument '${a}' found`);
    else break;
  }
  return { g, command: argv[i], args: argv.slice(i + 1) };
}

/** @param {string[]} argv */
async function run(argv) {
  const dir = stateDir(process.env);
  logCall(dir, argv);
  if (process.env.FAKE_ZELLIJ_HANG === '1') return hangForever();
  const { g, command, args } = parseGlobals(argv);
  if (g.version) return outExit(0, `zellij ${VERSION()}`);
  if (g.help)
    return outExit(0, `zellij ${VERSION()} (git-parallel test double)\n\nUsage: zellij [OPTIONS] [COMMAND]`);
  const session = typeof g.session === 'string' ? g.session : undefined;
  if (session !== undefined) {
    const len = Buffer.byteLength(socketPath(dir, session));
    if (len >= SOCK_MAX) {
      clapError(
        `invalid value '${session}' for '--session <SESSION>': session name must be less than ${Math.max(0, SOCK_MAX - len - 1)} characters`,
      );
    }
  }
  if (typeof g.server === 'string') return errExit(2, 'zellij (test double): --server is not modelled');
  /** @type {import('./layout-source.mjs').LayoutSource | undefined} */
  let layout;
  if (typeof g.layoutString === 'string') layout = { kind: 'string', text: g.layoutString };
  else if (typeof g.layout === 'string') layout = layoutSource(g.layout, false);
  const ctx = { dir, session, layout };
  if (command === 'action' || command === 'ac') return action(ctx, args);
  if (command === 'run' || command === 'r') return action(ctx, args, { run: true });
  if (command === 'list-sessions' || command === 'ls') return listSessions(ctx, args);
  if (command === 'kill-all-sessions' || command === 'ka') return allSessionsCmd(ctx, args, 'kill');
  if (command === 'kill-session' || command === 'k') return killSessionCmd(ctx, args);
  if (command === 'delete-all-sessions' || command === 'da') return allSessionsCmd(ctx, args, 'delete');
  if (command === 'delete-session' || command === 'd') return deleteSessionCmd(ctx, args);
  if (command !== undefined && UNMODELLED.has(command))
    return errExit(2, `zellij (test double): '${command}' is not modelled`);
  if (command !== undefined && !['attach', 'a', 'options'].includes(command))
    return clapError(`unrecognized subcommand '${command}'`);
  // `--layout` with a target session adds tabs to it instead of creating a session (0.41+).
  const target = session ?? process.env.ZELLIJ_SESSION_NAME;
  if (layout && target !== undefined) {
    const tabArgs =
      layout.kind === 'string'
        ? ['--layout-string', layout.text]
        : ['--layout', layout.kind === 'file' ? layout.path : layout.name];
    return action({ dir, session: target }, ['new-tab', ...tabArgs]);
  }
  if (typeof g.newSessionWithLayout === 'string') ctx.layout = layoutSource(g.newSessionWithLayout, false);
  if (command === 'attach' || command === 'a') return attach(ctx, args);
  return startInteractive(ctx);
}

/** @param {string[]} argv */
export async function main(argv) {
  try {
    await run(argv);
    process.exitCode = 0;
  } catch (e) {
    if (e instanceof Exit) {
      process.exitCode = e.code;
      return;
    }
    err(`zellij (test double) crashed: ${/** @type {Error} */ (e)?.stack ?? e}`);
    process.exitCode = 70;
  }
}
