#!/usr/bin/env node
import { VERSION } from './version.js';

// `--version` answers before anything else is imported: start-up time is a feature.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === '-V')) {
  process.stdout.write(`${VERSION}\n`);
} else if (args[0] === 'hook') {
  // Runs inside the agents on each of their events: nothing else is loaded.
  await (await import('./hook/run.js')).runHook(args.slice(1));
} else {
  const { main } = await import('./main.js');
  process.exitCode = await main(args);
}
