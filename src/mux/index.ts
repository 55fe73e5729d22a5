import { UserError } from '../errors.js';
import type { Plan } from '../plan/plan.js';
import { capabilitiesOf, type Multiplexer } from './capabilities.js';
import type { MuxDriver } from './types.js';
import { which } from './which.js';

const INSTALL: Record<Exclude<Multiplexer, 'none'>, string> = {
  zellij:
    'install Zellij (https://zellij.dev/documentation/installation, e.g. `cargo install --locked zellij` or your package manager)',
  tmux: 'install tmux (`apt-get install tmux`, `brew install tmux`)',
};

/** `auto` means zellij if on PATH, else tmux, else the headless driver. */
export function chooseMultiplexer(wanted: Multiplexer | 'auto', flag: string): Multiplexer {
  if (wanted === 'auto') return which('zellij') ? 'zellij' : which('tmux') ? 'tmux' : 'none';
  if (wanted !== 'none' && !which(wanted)) {
    const other =
      wanted === 'zellij' ? ' or use `--mux tmux` / `--mux none`' : ' or use `--mux none` (headless)';
    throw new UserError(
      `${flag} asks for ${wanted}, but \`${wanted}\` is not on PATH. To fix: ${INSTALL[wanted]}${other}.`,
    );
  }
  return wanted;
}

export async function loadDriver(name: Multiplexer): Promise<MuxDriver> {
  switch (name) {
    case 'zellij':
      return new (await import('./zellij.js')).ZellijDriver();
    case 'tmux':
      return new (await import('./tmux.js')).TmuxDriver();
    case 'none':
      return new (await import('./none.js')).HeadlessDriver();
  }
}

/** The headless driver last: it only reads run markers, which a live session may have left too. */
const PROBE_ORDER: readonly Multiplexer[] = ['tmux', 'zellij', 'none'];

/** The multiplexer whose session (or headless processes) runs this plan's agents now, if any. */
export async function runningMultiplexer(plan: Plan): Promise<Multiplexer | undefined> {
  for (const mux of PROBE_ORDER) {
    const { binary, headless } = capabilitiesOf(mux);
    if (binary && !which(binary)) continue;
    const driver = await loadDriver(mux);
    const session = await driver.inspect({ ...plan, mux }).catch(() => null);
    // Headless "sessions" are only run markers: they count while an agent still runs.
    if (session && (!headless || session.panes.some((p) => p.alive))) return mux;
  }
  return undefined;
}
