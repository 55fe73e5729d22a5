// Looking at 8 candidates that each changed 10 files: `compare --no-eval` and `report`.
import { rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { addWork } from '../lib/work.mjs';

export const id = 'compare';
export const title = 'looking at the work: 8 candidates with a 10-file commit each';

export default function compareCase(ctx) {
  const repo = ctx.repoOf();
  ctx.clean(repo);
  ctx.up(repo, 8);
  addWork(8);
  const html = join(os.tmpdir(), `git-parallel-bench-report-${process.pid}.html`);
  const commands = [
    ['compare --no-eval', 500, ['compare', 'bench', '--no-eval']],
    ['report', 1500, ['report', 'bench', '--no-eval', '--out', html]],
  ];
  const samples = commands.map(() => ({ ms: [], cpu: [] }));
  ctx.repeat(() => {
    commands.forEach(([, , args], i) => {
      const r = ctx.parallel(repo, ...args);
      samples[i].ms.push(r.ms);
      if (r.cpuMs !== undefined) samples[i].cpu.push(r.cpuMs);
    });
  });
  ctx.clean(repo);
  rmSync(html, { force: true });
  commands.forEach(([name, limit], i) => {
    const row = ctx.record(`${name} (8 candidates)`, samples[i].ms, { cpu: samples[i].cpu });
    ctx.check({ name: `${name} median`, value: row.median, limit });
  });
}
