import type { Check } from '../doctor/check.js';
import { versionCheck } from '../doctor/check.js';
import { runCaptured } from '../proc/run.js';
import { CAPABILITIES, type Multiplexer } from './capabilities.js';
import { which } from './which.js';

type Terminal = Exclude<Multiplexer, 'none'>;

/** What each multiplexer must be at least, for the commands its driver sends. */
const REQUIREMENTS: Record<Terminal, { versionArgs: string[]; need: string; why: string; install: string }> =
  {
    zellij: {
      versionArgs: ['--version'],
      need: '0.44.0',
      why: 'the driver lists panes with `action list-panes --json` and names them with `rename-pane --pane-id`',
      install: 'install Zellij 0.44 or newer (https://zellij.dev/documentation/installation)',
    },
    tmux: {
      versionArgs: ['-V'],
      need: '3.0',
      why: 'the driver keeps pane options (`set-option -p`) and starts panes with `split-window -e`',
      install: 'install tmux 3.0 or newer (`apt-get install tmux`, `brew install tmux`)',
    },
  };

export interface MuxProbe {
  mux: Terminal;
  path?: string;
  /** Its version banner; undefined when it is not on PATH. */
  banner?: string;
}

/** Each terminal multiplexer's place on PATH and version banner. */
export async function probeMultiplexers(): Promise<MuxProbe[]> {
  return Promise.all(
    (Object.keys(REQUIREMENTS) as Terminal[]).map(async (mux) => {
      const path = which(CAPABILITIES[mux].binary!);
      if (!path) return { mux };
      const run = await runCaptured(path, REQUIREMENTS[mux].versionArgs, {
        cwd: process.cwd(),
        env: process.env,
        timeoutMs: 5_000,
      });
      return { mux, path, banner: (run.stdout || run.stderr).trim() || 'no version printed' };
    }),
  );
}

/**
 * Pure: the probes judged against what the config asks for. A missing or old multiplexer blocks
 * only when `up` would use it (asked for by name, or picked by `auto` because it is on PATH);
 * otherwise another one (at worst the headless driver) runs the agents, and it is a warning.
 */
export function judgeMultiplexers(probes: MuxProbe[], wanted: Multiplexer | 'auto'): Check[] {
  const chosen: Multiplexer =
    wanted !== 'auto' ? wanted : (probes.find((p) => p.path !== undefined)?.mux ?? 'none');
  const checks = probes.map((probe) => {
    const need = REQUIREMENTS[probe.mux];
    const used = probe.mux === chosen;
    const fix =
      probe.mux === 'zellij'
        ? `${need.install}, or set multiplexer: 'tmux' (or --mux tmux / none)`
        : `${need.install}, or use --mux none (headless)`;
    const check = versionCheck({
      id: `mux.${probe.mux}`,
      name: probe.mux,
      banner: probe.banner,
      path: probe.path,
      need: need.need,
      why: need.why,
      level: used ? 'blocker' : 'warning',
      fix,
    });
    if (!used && check.level !== 'ok') check.message += `; \`up\` uses ${chosen}`;
    return check;
  });
  const headless = chosen === 'none' ? ': agents run in the background, output in log files' : '';
  const source =
    wanted === 'auto' ? 'auto: the first of zellij, tmux, none on PATH' : 'the config asks for it';
  checks.push({
    id: 'mux',
    level: 'info',
    message: `\`up\` uses ${chosen} (${source})${headless}`,
  });
  return checks;
}
