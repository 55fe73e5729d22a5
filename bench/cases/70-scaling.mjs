// How the cost grows: `up`, no-op `up`, `status` and `compare --no-eval` at 1, 8 and 32
// candidates (on the BENCH_FILES repository) and at 1k, 10k and 100k files (1 candidate), with
// the peak memory of `up` at 32 candidates. Quick mode: 1 and 8 candidates, 1k and 10k files.
import { markdownTable, median } from '../lib/measure.mjs';
import { addWork } from '../lib/work.mjs';

export const id = 'scaling';
export const title = 'scaling: candidates × files';

const COMMANDS = ['up', 'no-op up', 'status', 'compare --no-eval'];

export default function scalingCase(ctx) {
  const runs = Math.min(ctx.runs, 3);
  const agents = ctx.quick ? [1, 8] : [1, 8, 32];
  const sizes = [...new Set(ctx.quick ? [1_000, ctx.files] : [1_000, ctx.files, 100_000])];
  const cells = new Map();
  let peak;
  const measure = (files, count) => {
    const key = `${files}/${count}`;
    if (cells.has(key)) return;
    const repo = ctx.repoOf(files);
    const samples = Object.fromEntries(COMMANDS.map((c) => [c, []]));
    const rss = [];
    for (let run = 0; run < runs; run++) {
      ctx.clean(repo);
      const up = ctx.up(repo, count);
      samples.up.push(up.ms);
      if (up.rssMiB !== undefined) rss.push(up.rssMiB);
      ctx.verify(repo, 'bench', count, files);
      samples['no-op up'].push(ctx.parallel(repo, 'up', 'bench', '--mux', 'none', '--no-attach').ms);
      samples.status.push(ctx.parallel(repo, 'status', 'bench').ms);
      if (run === 0) addWork(count);
      samples['compare --no-eval'].push(ctx.parallel(repo, 'compare', 'bench', '--no-eval').ms);
    }
    ctx.clean(repo);
    const cell = Object.fromEntries(COMMANDS.map((c) => [c, median(samples[c])]));
    cells.set(key, cell);
    ctx.log(
      `  ${files} files, ${count} candidate(s): ${COMMANDS.map((c) => `${c} ${Math.round(cell[c])} ms`).join(', ')}${rss.length ? `, up peak ${Math.max(...rss).toFixed(0)} MiB` : ''}`,
    );
    if (count === 32 && rss.length) peak = Math.max(...rss);
  };
  for (const count of agents) measure(ctx.files, count);
  for (const files of sizes) measure(files, 1);

  const at = (files, count, command) => cells.get(`${files}/${count}`)[command];
  const [fewest, most] = [agents[0], agents.at(-1)];
  const [smallest, largest] = [sizes[0], sizes.at(-1)];
  const slope = (a, b, span) => (span ? ((b - a) / span).toFixed(1) : '—');
  const rows = COMMANDS.map((c) => [
    c,
    ...agents.map((n) => Math.round(at(ctx.files, n, c))),
    slope(at(ctx.files, fewest, c), at(ctx.files, most, c), most - fewest),
    ...sizes.map((f) => Math.round(at(f, 1, c))),
    slope(at(smallest, 1, c), at(largest, 1, c), (largest - smallest) / 1000),
  ]);
  const markdown = [
    markdownTable(
      [
        'median ms',
        ...agents.map((n) => `${n} cand.`),
        'ms per candidate',
        ...sizes.map((f) => `${f / 1000}k files`),
        'ms per 1k files',
      ],
      rows,
    ),
    '',
    `Candidates on the ${ctx.files}-file repository; files with 1 candidate; ${runs} run(s) per cell; ` +
      `compare after each candidate committed a 10-file change.` +
      (peak === undefined
        ? ''
        : ` Peak memory of \`up\` at 32 candidates: ${peak.toFixed(0)} MiB (largest process).`),
  ].join('\n');
  return { markdown, cells: Object.fromEntries(cells), peakUpMiB32: peak };
}
