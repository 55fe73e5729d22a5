// `up` against a sequential `git worktree add` loop, in the same run, alternating which goes first.
import { median } from '../lib/measure.mjs';

export const id = 'up';
export const title = '`up` against a sequential `git worktree add` loop (same run, alternating order)';

export default function upCase(ctx) {
  const repo = ctx.repoOf();
  for (const count of ctx.quick ? [1, 8] : [1, 4, 8]) {
    const up = [];
    const cpu = [];
    const loop = [];
    ctx.repeat((run) => {
      for (const which of run % 2 === 0 ? ['up', 'loop'] : ['loop', 'up']) {
        ctx.clean(repo);
        if (which === 'up') {
          const r = ctx.up(repo, count);
          up.push(r.ms);
          if (r.cpuMs !== undefined) cpu.push(r.cpuMs);
          ctx.verify(repo, 'bench', count);
        } else {
          loop.push(ctx.loop(repo, count));
          ctx.verify(repo, 'loop', count);
        }
      }
    });
    ctx.clean(repo);
    const a = ctx.record(`up, ${count} candidate(s)`, up, { cpu });
    const b = ctx.record(`git worktree add loop ×${count}`, loop);
    // Each run's up and loop ran back to back: their pairing cancels load that drifts across runs.
    const paired = (f) => median(up.map((u, i) => f(u, loop[i])));
    if (count === 1) {
      ctx.check({
        name: 'up ×1 − loop ×1',
        value: a.median - b.median,
        limit: 100,
        paired: paired((u, l) => u - l),
      });
    } else {
      ctx.check({
        name: `up ×${count} / loop ×${count}`,
        value: a.median / b.median,
        limit: count === 8 ? 0.75 : undefined,
        unit: '×',
        paired: paired((u, l) => u / l),
      });
    }
  }
}
