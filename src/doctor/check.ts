/** One line of `parallel doctor`: what was looked at, what was found, and what to do about it. */
export interface Check {
  /** Stable key for scripts: `git`, `mux.tmux`, `agent.claude`, `path.parallel`, `task.add-auth`… */
  id: string;
  /** ok: fine; info: worth knowing; warning: something does not work, but `up` can run; blocker: `up` cannot. */
  level: 'ok' | 'info' | 'warning' | 'blocker';
  /** What was found, one line. */
  message: string;
  /** The version found, when one applies. */
  found?: string;
  /** The lowest version that works, when one applies. */
  need?: string;
  path?: string;
  /** What to do, when something is to be done. */
  fix?: string;
}

/** Numeric parts of the first `x.y[.z]` in a version banner (`tmux 3.3a`, `git version 2.39.5`). */
export function parseVersion(text: string): number[] | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

/** The version part of a banner as printed (`3.3a`, `2.39.5`), for messages. */
export const versionText = (text: string): string | undefined => /\d+\.\d+(?:\.\d+)?[a-z]?/.exec(text)?.[0];

/** found ≥ need, part by part. */
export function atLeast(found: number[], need: string): boolean {
  const wanted = parseVersion(need) ?? [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    const a = found[i] ?? 0;
    const b = wanted[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * A program with a minimum version: missing or older is `level` (a blocker where the tool cannot
 * work without it), otherwise ok.
 */
export function versionCheck(input: {
  id: string;
  name: string;
  banner?: string;
  path?: string;
  need: string;
  why: string;
  level: 'warning' | 'blocker';
  fix: string;
}): Check {
  const { id, name, banner, path, need, why, level, fix } = input;
  if (banner === undefined) return { id, level, message: `${name} is not on PATH`, need, fix };
  const version = parseVersion(banner);
  const found = versionText(banner);
  if (!version) {
    return {
      id,
      level: 'warning',
      message: `${name}: cannot read its version from "${banner.trim()}"`,
      need,
      path,
    };
  }
  if (!atLeast(version, need)) {
    return { id, level, message: `${name} ${found} is older than ${need} (${why})`, found, need, path, fix };
  }
  return { id, level: 'ok', message: `${name} ${found}`, found, need, path };
}
