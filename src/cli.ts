#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `--version` answers before anything else is imported: start-up time is a feature.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(args);
}
