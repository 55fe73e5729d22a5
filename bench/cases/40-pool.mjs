// `up` ×8 taking worktrees from a warm pool (`parallel pool fill`, not timed) against the
// sequential `git worktree add` loop, in the same run, alternating which goes first.
import { median } from '../lib/measure.mjs';

export const id = 'pool';
export const title = '`up` ×8 from a warm pool against the `git worktree add` loop ×8';

export default function poolCase(ctx) {
  const repo = ctx.repoOf();
  const up = [];
  const cpu = [];
  const loop = [];
  ctx.repeat((run) => {
    for (const which of run % 2 === 0 ? ['up', 'loop'] : ['loop', 'up']) {
      ctx.clean(repo);
      if (which === 'up') {
        ctx.parallel(repo, 'pool', 'fill', '--size', '8');
        const r = ctx.up(repo, 8);
        up.push(r.ms);
        if (r.cpuMs !== undefined) cpu.push(r.cpuMs);
        ctx.verify(repo, 'bench', 8);
        const left = JSON.parse(ctx.parallel(repo, 'pool', 'status', '--json').stdout).ready.length;
        if (left !== 0) throw new Error(`up left ${left} pool entries: it did not take them all`);
      } else {
        loop.push(ctx.loop(repo, 8));
        ctx.verify(repo, 'loop', 8);
      }
    }
  });
  ctx.clean(repo);
  const a = ctx.record('up ×8 from a warm pool', up, { cpu });
  const b = ctx.record('git worktree add loop ×8 (pool case)', loop);
  ctx.check({
    name: 'warm-pool up ×8 / loop ×8',
    value: a.median / b.median,
    limit: 0.2,
    unit: '×',
    paired: median(up.map((u, i) => u / loop[i])),
  });
}
