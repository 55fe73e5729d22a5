// Many agents: `up`, no-op `up` and `status` with 64 candidates, headless and under tmux (whose
// panes spill into further windows at the reference 200x50), on a 1,000-file repository so that
// the count of agents, not checkout, is what grows. tmux gets a server of its own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markdownTable, median } from '../lib/measure.mjs';

export const id = 'many-agents';
export const title = 'many agents: 64 candidates, headless and tmux';

const COUNT = 64;

export default function manyAgentsCase(ctx) {
  const runs = Math.min(ctx.runs, 3);
  const repo = ctx.repoOf(1_000);
  const rows = [];
  const saved = process.env.TMUX_TMPDIR;
  const sockets = mkdtempSync(join(tmpdir(), 'gp-bench-tmux-'));
  try {
    process.env.TMUX_TMPDIR = sockets;
    delete process.env.TMUX;
    for (const mux of ['none', 'tmux']) {
      const samples = { up: [], noop: [], status: [] };
      let windows = 1;
      for (let run = 0; run < runs; run++) {
        ctx.clean(repo);
        samples.up.push(ctx.up(repo, COUNT, '--mux', mux).ms);
        ctx.verify(repo, 'bench', COUNT, 1_000);
        samples.noop.push(ctx.parallel(repo, 'up', 'bench', '--mux', mux, '--no-attach').ms);
        samples.status.push(ctx.parallel(repo, 'status', 'bench').ms);
        if (mux === 'tmux') {
          windows = execFileSync('tmux', ['list-windows', '-a'], { encoding: 'utf8' })
            .trim()
            .split('\n').length;
          execFileSync('tmux', ['kill-server'], { stdio: 'ignore' });
        }
      }
      ctx.clean(repo);
      const cell = { up: median(samples.up), noop: median(samples.noop), status: median(samples.status) };
      ctx.log(
        `  ${COUNT} × ${mux}: up ${Math.round(cell.up)} ms, no-op up ${Math.round(cell.noop)} ms, status ${Math.round(cell.status)} ms${mux === 'tmux' ? `, ${windows} windows` : ''}`,
      );
      rows.push([
        mux,
        Math.round(cell.up),
        Math.round(cell.noop),
        Math.round(cell.status),
        mux === 'tmux' ? windows : '—',
      ]);
    }
  } finally {
    try {
      execFileSync('tmux', ['kill-server'], { stdio: 'ignore' });
    } catch {}
    if (saved === undefined) delete process.env.TMUX_TMPDIR;
    else process.env.TMUX_TMPDIR = saved;
    rmSync(sockets, { recursive: true, force: true });
  }
  const markdown = [
    markdownTable(['64 candidates', 'up ms', 'no-op up ms', 'status ms', 'tmux windows'], rows),
    '',
    `Medians of ${runs} run(s) on the 1,000-file repository; agents that exit at once (\`true\`).`,
  ].join('\n');
  return { markdown, rows };
}
