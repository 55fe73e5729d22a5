// With 8 candidates up: what people run again and again.
export const id = 'noop';
export const title = 'with 8 candidates up: a second `up`, `status`, `ls`';

export default function noopCase(ctx) {
  const repo = ctx.repoOf();
  ctx.clean(repo);
  ctx.up(repo, 8);
  const dry = JSON.parse(
    ctx.parallel(repo, 'up', 'bench', '--mux', 'none', '--no-attach', '--dry-run', '--json').stdout,
  );
  if (dry.actions.length) throw new Error(`a second up is not a no-op: ${JSON.stringify(dry.actions)}`);
  const commands = [
    ['no-op up', 200, ['up', 'bench', '--mux', 'none', '--no-attach']],
    ['status', 250, ['status', 'bench']],
    ['ls', 150, ['ls']],
  ];
  const samples = commands.map(() => ({ ms: [], cpu: [] }));
  // Interleaved, so that a burst of load on the machine hits all three alike.
  ctx.repeat(() => {
    commands.forEach(([, , args], i) => {
      const r = ctx.parallel(repo, ...args);
      samples[i].ms.push(r.ms);
      if (r.cpuMs !== undefined) samples[i].cpu.push(r.cpuMs);
    });
  });
  ctx.clean(repo);
  commands.forEach(([name, limit], i) => {
    const row = ctx.record(`${name} (8 candidates)`, samples[i].ms, { cpu: samples[i].cpu });
    ctx.check({ name: `${name} median`, value: row.median, limit });
  });
}
