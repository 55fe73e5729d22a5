#!/usr/bin/env node
// `npm run fuzz -- --seed S --runs N [--path P] [--lanes L]`: the model-based fault search of
// test/fuzz-never-lose-work.test.ts with no time limit (replays a failure with its seed and path).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    runs: { type: 'string', default: '1000' },
    path: { type: 'string' },
    lanes: { type: 'string' },
  },
});
const env = { ...process.env, FUZZ_RUNS: values.runs, FUZZ_TIME_MS: '0' };
if (values.seed) env.FUZZ_SEED = values.seed;
if (values.path) env.FUZZ_PATH = values.path;
if (values.lanes) env.FUZZ_LANES = values.lanes;
const result = spawnSync('npx', ['vitest', 'run', 'test/fuzz-never-lose-work.test.ts', '--testTimeout=0'], {
  stdio: 'inherit',
  env,
});
process.exit(result.status ?? 1);
