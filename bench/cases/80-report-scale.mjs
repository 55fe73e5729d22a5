// The report at scale: 8 candidates that each changed every file of a 1,000-file and (not with
// --quick) a 10,000-file repository. `report`'s time and peak memory, the page's size against
// the raw diff, and Chromium's load event (headless, CHROMIUM_PATH or /usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TASK, WORKTREES } from '../lib/context.mjs';
import { sourceTree } from '../lib/fixture.mjs';

export const id = 'report-scale';
export const title = 'report of 8 candidates × every file changed (1k files; 10k unless --quick)';

const CANDIDATES = 8;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'a',
  GIT_AUTHOR_EMAIL: 'a@e',
  GIT_COMMITTER_NAME: 'a',
  GIT_COMMITTER_EMAIL: 'a@e',
};

export default async function reportScaleCase(ctx) {
  if (!existsSync(CHROMIUM)) {
    ctx.log(`  skipped: no Chromium at ${CHROMIUM}`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const sizes = ctx.quick ? [1000] : [1000, 10_000];
  const targets = { 1000: { loadMs: 3000, ratio: 3 }, 10000: { loadMs: 10_000, rssMiB: 300 } };
  for (const files of sizes) {
    const repo = ctx.repoOf(files);
    ctx.clean(repo);
    ctx.up(repo, CANDIDATES);
    const base = ctx.git(repo, 'rev-parse', 'HEAD').trim();
    let rawBytes = 0;
    for (let n = 1; n <= CANDIDATES; n++) {
      const wt = join(WORKTREES, `${TASK}-${n}`);
      for (const [path, content] of sourceTree(files)) {
        const lines = content.split('\n');
        lines[1] = `export const changedBy${n} = ${n}; // candidate ${n}`;
        lines.splice(lines.length - 1, 0, `export const added${n} = 'candidate ${n}';`);
        writeFileSync(join(wt, path), lines.join('\n'));
      }
      execFileSync('git', ['commit', '-qam', `candidate ${n}`], { cwd: wt, env: ENV });
      rawBytes += execFileSync('git', ['diff', base, `${TASK}-${n}`], {
        cwd: repo,
        maxBuffer: 1 << 30,
      }).length;
    }
    const out = join(mkdtempSync(join(os.tmpdir(), 'gp-bench-report-')), 'report.html');
    const run = ctx.parallel(repo, 'report', TASK, '--no-eval', '--out', out);
    const htmlBytes = statSync(out).size;
    const loadMs = await chromiumLoad(chromium, out, ctx.log);
    rmSync(dirname(out), { recursive: true, force: true });
    ctx.clean(repo);
    const label = `report ${CANDIDATES}×${files.toLocaleString('en')} files`;
    ctx.record(label, [run.ms], {
      cpu: run.cpuMs === undefined ? [] : [run.cpuMs],
      rss: run.rssMiB === undefined ? [] : [run.rssMiB],
      note: `HTML ${(htmlBytes / 1048576).toFixed(1)} MiB for ${(rawBytes / 1048576).toFixed(1)} MiB of diff; peak ${run.rssMiB ?? '?'} MiB; Chromium load ${loadMs ?? 'timed out'} ms`,
    });
    const t = targets[files];
    if (t.ratio)
      ctx.check({
        name: `${label}: HTML / raw diff`,
        value: htmlBytes / rawBytes,
        limit: t.ratio,
        unit: '×',
      });
    if (t.rssMiB && run.rssMiB !== undefined)
      ctx.check({ name: `${label}: report peak MiB`, value: run.rssMiB, limit: t.rssMiB, unit: 'MiB' });
    ctx.check({
      name: `${label}: Chromium load event`,
      value: loadMs ?? Number.POSITIVE_INFINITY,
      limit: t.loadMs,
    });
  }
}

/** navigation start → load event end of the page, in a warmed-up headless Chromium. */
async function chromiumLoad(chromium, file, log) {
  const profile = mkdtempSync(join(os.tmpdir(), 'gp-bench-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const warm = await browser.newPage();
    await warm.goto('about:blank');
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 120_000 });
    return await page.evaluate(() => Math.round(performance.getEntriesByType('navigation')[0].loadEventEnd));
  } catch (error) {
    log(`  chromium: ${error.message.split('\n')[0]}`);
    return undefined;
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
