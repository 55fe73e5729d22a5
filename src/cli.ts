#!/usr/bin/env node
import { VERSION } from './version.js';

// `--version` answers before anything else is imported: start-up time is a feature.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(args);
}
