#!/usr/bin/env node
// Waits until every agent of a task has exited (or 60 s), polling `parallel status --json`.
import { execFileSync } from 'node:child_process';

const [cli, task] = process.argv.slice(2);
const deadline = Date.now() + 60_000;
while (Date.now() < deadline) {
  const status = JSON.parse(execFileSync(process.execPath, [cli, 'status', task, '--json']).toString());
  if (status.candidates.every((c) => c.agentState !== 'running' && c.commitsAhead > 0)) process.exit(0);
  await new Promise((r) => setTimeout(r, 200));
}
console.error('agents still running after 60 s');
