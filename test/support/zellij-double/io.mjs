// Small process helpers shared by the fake zellij's commands: synchronous output, clap-like
// errors, exiting via an exception (so locks are released), the "hang forever" mode.
import fs from 'node:fs';

export class Exit extends Error {
  /** @param {number} code */
  constructor(code) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** @param {string} text */
export const out = (text) => fs.writeSync(1, `${text}\n`);
/** @param {string} text */
export const err = (text) => fs.writeSync(2, `${text}\n`);

/** @param {number} code @returns {never} */
export function exit(code) {
  throw new Exit(code);
}

/** Print to stderr, then exit. @param {number} code @param {string} text @returns {never} */
export function errExit(code, text) {
  err(text);
  return exit(code);
}

/** Print to stdout, then exit. @param {number} code @param {string} text @returns {never} */
export function outExit(code, text) {
  out(text);
  return exit(code);
}

/** @param {string} message @param {string} [usage] @returns {never} */
export function clapError(message, usage = 'zellij [OPTIONS] [COMMAND]') {
  err(`error: ${message}\n\nUsage: ${usage}\n\nFor more information, try '--help'.`);
  return exit(2);
}

/** A Rust panic on the main thread (exit status 101). @param {string} message @param {string} where */
export function panic(message, where) {
  err(
    `thread 'main' panicked at ${where}:\n${message}\nnote: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace`,
  );
  return exit(101);
}

export function rawModePanic() {
  return panic(
    'could not enable raw mode: Os { code: 6, kind: Uncategorized, message: "No such device or address" }',
    'zellij-client/src/os_input_output.rs:180:49',
  );
}

/** Like the real CLI's connect loop (retries every 50 ms forever). @returns {Promise<never>} */
export function hangForever() {
  setInterval(() => {}, 50);
  return new Promise(() => {});
}

export const hasTty = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

/**
 * Minimal clap-style parser for one (sub)command.
 * @param {string[]} argv
 * @param {{ flags?: Record<string, string>, values?: Record<string, string>, usage?: string,
 *   positionals?: number, stopAt?: string[] }} spec
 *   flags/values map `--long`/`-s` to a key; `stopAt`: a positional that ends parsing (eg. `options`).
 */
export function parseArgs(argv, spec) {
  /** @type {Record<string, string | boolean>} */
  const opts = {};
  /** @type {string[]} */
  const positionals = [];
  /** @type {string[]} */
  let rest = [];
  /** @type {string[] | null} */
  let tail = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    if (a.startsWith('-') && a !== '-' && !/^-\d/.test(a)) {
      if (spec.flags?.[flag]) opts[spec.flags[flag]] = true;
      else if (spec.values?.[flag]) {
        const v = inline ?? argv[++i];
        if (v === undefined)
          clapError(`a value is required for '${flag} <VALUE>' but none was supplied`, spec.usage);
        opts[spec.values[flag]] = /** @type {string} */ (v);
      } else clapError(`unexpected argument '${a}' found`, spec.usage);
      continue;
    }
    if (spec.stopAt?.includes(a)) {
      tail = argv.slice(i);
      break;
    }
    if (positionals.length >= (spec.positionals ?? 0))
      clapError(`unexpected argument '${a}' found`, spec.usage);
    positionals.push(a);
  }
  return { opts, positionals, rest, tail };
}
