import type { Multiplexer } from './capabilities.js';

/**
 * The multiplexer that runs agents on a host reached over ssh: tmux there, one server of
 * git-parallel's own (its socket in the host's dir, no user config), one session per candidate.
 */
export const HOST_MUX: Multiplexer = 'tmux';

const hostTmux = (socket: string) => ['tmux', '-S', socket, '-f', '/dev/null'];

/** argv (on the host) that attaches a terminal to a candidate's session. */
export const hostAttach = (socket: string, session: string) => [
  ...hostTmux(socket),
  'attach-session',
  '-t',
  `=${session}`,
];

/** argv (on the host) that succeeds while the session exists. */
export const hostHasSession = (socket: string, session: string) => [
  ...hostTmux(socket),
  'has-session',
  '-t',
  `=${session}`,
];

/** What one `send-keys -l` carries; tmux refuses client messages over ~16 KB. */
const CHUNK = 2_000;

/** argv (on the host) that types `text`, then Enter, into the session's pane (one tmux call). */
export function hostSendKeys(socket: string, session: string, text: string): string[] {
  const target = `=${session}:`;
  const chars = [...text];
  const words = hostTmux(socket);
  for (let i = 0; i < chars.length; i += CHUNK) {
    words.push('send-keys', '-t', target, '-l', '--', chars.slice(i, i + CHUNK).join(''), ';');
  }
  words.push('send-keys', '-t', target, 'Enter');
  return words;
}

/**
 * bash functions for the programs git-parallel runs on a host; they read `$sock`.
 * mux_found: the multiplexer is on PATH. pane SESSION: `none`, `alive` or `dead <status>`.
 * mux_start SESSION DIR LAUNCHER: (re)starts the session running the launcher, its pane kept
 * after the agent ends (for its exit status). mux_stop SESSION.
 */
export const HOST_MUX_FUNCTIONS = String.raw`
mux_found() { command -v tmux >/dev/null; }
tm() { tmux -S "$sock" -f /dev/null "$@"; }
pane() {
  local line
  line=$(tm list-panes -t "=$1" -F '#{pane_dead} #{pane_dead_status}' 2>/dev/null | head -n1)
  case $line in '') echo none ;; 0*) echo alive ;; *) echo "dead $(echo "$line" | cut -d' ' -f2)" ;; esac
}
mux_stop() { tm kill-session -t "=$1" 2>/dev/null || true; }
mux_start() {
  mux_stop "$1"
  tm new-session -d -s "$1" -x 200 -y 50 -c "$2" -- bash "$3" \; set-option -w -t "=$1:" remain-on-exit on
}
`;
