// Argument parsing of the modelled `zellij action …` subcommands, and `action new-pane`.
import path from 'node:path';
import { clapError, errExit, out, parseArgs } from './io.mjs';
import { spawnPane } from './procs.mjs';

/** @typedef {import('./state.mjs').SessionRecord} SessionRecord */
/** @typedef {import('./state.mjs').PaneRecord} PaneRecord */
/** @typedef {{ dir: string, session?: string }} Ctx */

/** @param {string} name @param {string[]} args */
export function parseActionArgs(name, args) {
  const usage = `zellij action ${name} [OPTIONS]`;
  const pane = { '-p': 'paneId', '--pane-id': 'paneId' };
  switch (name) {
    case 'new-pane':
      return parseArgs(args, {
        flags: {
          '-c': 'closeOnExit',
          '--close-on-exit': 'closeOnExit',
          '-s': 'startSuspended',
          '--start-suspended': 'startSuspended',
          '-f': 'floating',
          '--floating': 'floating',
          '--stacked': 'stacked',
          '-i': 'inPlace',
          '--in-place': 'inPlace',
          '--no-focus': 'noFocus',
          '-b': 'blocking',
          '--blocking': 'blocking',
        },
        values: {
          '--cwd': 'cwd',
          '-n': 'name',
          '--name': 'name',
          '-d': 'direction',
          '--direction': 'direction',
          '-x': 'x',
          '-y': 'y',
          '--width': 'w',
          '--height': 'h',
          '--tab-id': 'tabId',
          '-p': 'plugin',
          '--plugin': 'plugin',
        },
        usage,
      });
    case 'list-panes':
      return parseArgs(args, {
        flags: Object.fromEntries(
          ['tab', 'command', 'state', 'geometry', 'all', 'json'].flatMap((k) => [
            [`--${k}`, k],
            [`-${k === 'geometry' ? 'g' : k[0]}`, k],
          ]),
        ),
        usage,
      });
    case 'write-chars':
    case 'paste':
    case 'rename-pane':
      return parseArgs(args, { values: pane, positionals: 1, usage });
    case 'write':
    case 'send-keys':
      return parseArgs(args, { values: pane, positionals: Number.POSITIVE_INFINITY, usage });
    case 'close-pane':
      return parseArgs(args, { values: pane, usage });
    case 'new-tab':
      return parseArgs(args, {
        values: {
          '-l': 'layout',
          '--layout': 'layout',
          '-n': 'name',
          '--name': 'name',
          '-c': 'cwd',
          '--cwd': 'cwd',
          '--layout-string': 'layoutString',
        },
        usage,
      });
    default:
      return parseArgs(args, { usage });
  }
}

/** @param {Ctx} ctx @param {SessionRecord} s @param {Record<string, string | boolean>} opts @param {string[]} command @param {boolean} isRun */
export function newPane(ctx, s, opts, command, isRun) {
  if (command.length === 0 && (opts.closeOnExit || opts.startSuspended)) {
    return clapError(
      'the following required arguments were not provided:\n  <COMMAND>...',
      'zellij action new-pane --close-on-exit -- <COMMAND>...',
    );
  }
  if (isRun && command.length === 0)
    return clapError(
      'the following required arguments were not provided:\n  <COMMAND>...',
      'zellij run -- <COMMAND>...',
    );
  const tabId =
    typeof opts.tabId === 'string'
      ? Number(opts.tabId)
      : (s.panes.find((q) => q.id === s.focusedPane)?.tabId ?? s.tabs[0]?.id ?? 0);
  if (!s.tabs.some((t) => t.id === tabId)) return errExit(2, `Tab with id ${tabId} not found`);
  /** @type {PaneRecord} */
  const pane = {
    id: s.nextTerminalId++,
    kind: 'terminal',
    tabId,
    floating: Boolean(opts.floating),
    name: typeof opts.name === 'string' ? opts.name : null,
    command: command[0] ?? null,
    args: command.slice(1),
    edit: null,
    cwd: path.resolve(process.cwd(), typeof opts.cwd === 'string' ? opts.cwd : '.'),
    closeOnExit: Boolean(opts.closeOnExit),
    suspended: Boolean(opts.startSuspended),
    pid: null,
    pluginUrl: null,
    selectable: true,
    runs: 0,
  };
  s.panes.push(pane);
  if (!opts.noFocus) s.focusedPane = pane.id;
  if (pane.command && !pane.suspended) spawnPane(ctx.dir, s, pane);
  out(`terminal_${pane.id}`);
}
