import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ansiToHtml } from '../src/report/ansi.js';
import { esc } from '../src/report/html.js';
import { createFixture, type Fixture, git, upTask } from './support/task-fixture.js';

/** The text as rendered (what a reader sees), not the DOM's textContent. */
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, rendered text is the point.
const shown = (locator: Locator) => locator.innerText();

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ESC = '\u001b';
/** The browser global, typed here (the tests compile without the DOM library). */
type Styles = { getComputedStyle(element: unknown): { color: string } };

describe('esc and ansiToHtml', () => {
  it('escapes HTML metacharacters', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
  it('turns SGR colours into classes, drops other escapes, keeps the last state of a \\r line', () => {
    expect(ansiToHtml(`${ESC}[1;31mbad${ESC}[0m <ok>`)).toBe('<span class="a-b a-f1">bad</span> &lt;ok&gt;');
    expect(ansiToHtml(`${ESC}]0;title\u0007a${ESC}[2Kb${ESC}[38;5;208mc`)).toBe('abc');
    expect(ansiToHtml('10%\r50%\r100%\ndone')).toBe('100%\ndone');
  });
});

describe('parallel report (end to end, headless Chromium)', () => {
  let fx: Fixture;
  let browser: BrowserContext;
  let profile: string;
  let reportFile: string;
  const bigLines = Array.from({ length: 400 }, (_, i) => `line ${i} of a file far over the cap`).join('\n');

  const open = async (file: string) => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return { page, problems, requests };
  };
  const row = (page: Page, path: string) => page.locator('#index tr[data-r]', { hasText: path }).first();
  /** The opened file's column of candidate n. */
  const column = (page: Page, path: string, n: number) =>
    row(page, path).locator(`xpath=following-sibling::tr[1][@class="open"]//div[@data-candidate="${n}"]`);

  beforeAll(async () => {
    fx = await createFixture({
      eval: [`printf '\\033[1;31mRED\\033[0m tail\\n'; cat candidate-2.txt`],
    });
    await upTask(fx, 'r', 3);
    // 1: only a committed file far over the per-file cap (the old page said "No changes" here).
    const wt1 = fx.worktree('r', 1);
    await git(wt1, 'reset', '-q', '--hard', 'HEAD~1');
    await writeFile(join(wt1, 'big.txt'), `${bigLines}\n`);
    await git(wt1, 'add', 'big.txt');
    await git(wt1, 'commit', '-q', '-m', 'big');
    // 2: untracked text and binary files.
    const wt2 = fx.worktree('r', 2);
    await writeFile(join(wt2, 'notes.md'), 'untracked <b>notes</b>\nsecond line\n');
    await writeFile(join(wt2, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
    // 3: a change with HTML in it, and uncommitted work.
    const wt3 = fx.worktree('r', 3);
    await writeFile(join(wt3, 'shared.txt'), '<script>alert("x")</script>\n');
    await git(wt3, 'commit', '-q', '-am', 'html');
    await writeFile(join(wt3, 'README.md'), '# uncommitted edit\n');
    const result = await fx.cli(['report', 'r', '--max-file-bytes', '2k']);
    expect(result.exitCode, result.stderr).toBe(0);
    reportFile = result.stdout.trim();
    profile = await mkdtemp(join(tmpdir(), 'gp-chromium-'));
    // A fresh profile (--user-data-dir) per run: playwright passes it for a persistent context.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
    await fx?.cleanup();
  });

  it('writes <state dir>/report.html and prints its path', () => {
    expect(reportFile).toBe(join(fx.commonDir, 'parallel', 'r', 'report.html'));
  });

  it('is self-contained: one hashed inline script, no external URL, diffs deflated not rendered', async () => {
    const html = await readFile(reportFile, 'utf8');
    expect(html).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    expect(html).not.toContain('alert("x")');
    expect(html).not.toContain('line 399 of');
    expect(html).not.toMatch(/\u001b/);
  });

  it('loads with no console error or request: summary, prompt, index, evals named by command, ANSI styled', async () => {
    const { page, problems, requests } = await open(reportFile);
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
    expect(await page.locator('#summary tbody tr').count()).toBe(3);
    expect(await shown(page.locator('#prompt'))).toContain('do it');
    const files = await page.locator('#index tr[data-r] td.p').allInnerTexts();
    expect(files).toEqual([
      'README.md',
      'big.txt',
      'blob.bin',
      'candidate-2.txt',
      'candidate-3.txt',
      'notes.md',
      'shared.txt',
    ]);
    expect(await page.locator('#index thead th').count()).toBe(4);
    const second = page.locator('#candidate-2');
    expect(await second.locator('.badge.pass').count()).toBe(1);
    expect(await shown(second.locator('table.evals td').first())).toMatch(/^printf /);
    await second.locator('details summary').first().click();
    const red = second.locator('pre span.a-b.a-f1');
    expect(await shown(red)).toBe('RED');
    expect(await red.evaluate((e) => (globalThis as unknown as Styles).getComputedStyle(e).color)).toBe(
      'rgb(207, 34, 46)',
    );
    expect(await page.locator('#candidate-1 .badge.fail').count()).toBe(1);
    await page.close();
  });

  it('renders a file only when opened, a column per candidate that touched it', async () => {
    const { page, problems } = await open(reportFile);
    expect(await page.locator('table.diff').count()).toBe(0);
    await row(page, 'shared.txt').click();
    const grid = page.locator('tr.open .grid');
    await expect.poll(() => grid.locator('table.diff').count()).toBe(1);
    expect(await grid.locator('.col').count()).toBe(1);
    expect(await shown(grid.locator('.col[data-candidate="3"] tr.add'))).toContain(
      '<script>alert("x")</script>',
    );
    expect(await shown(grid.locator('.col[data-candidate="3"] tr.del'))).toContain('original');
    await row(page, 'shared.txt').click();
    expect(await page.locator('tr.open').count()).toBe(0);
    // Uncommitted work in candidate 3.
    await row(page, 'README.md').click();
    const readme = page.locator('tr.open .col[data-candidate="3"]');
    await expect.poll(() => readme.locator('tr.add').count()).toBe(1);
    expect(await shown(readme)).toMatch(/uncommitted/i);
    expect(await shown(readme.locator('tr.add'))).toContain('# uncommitted edit');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows untracked files (text as added lines, binary as a note)', async () => {
    const { page, problems } = await open(reportFile);
    await row(page, 'notes.md').click();
    const notes = column(page, 'notes.md', 2);
    await expect.poll(() => notes.locator('tr.add').count()).toBe(2);
    expect(await shown(notes.locator('tr.add').first())).toContain('untracked <b>notes</b>');
    await row(page, 'blob.bin').click();
    const blob = column(page, 'blob.bin', 2);
    await expect.poll(() => shown(blob)).toContain('Binary file, 6 B');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('cuts a file over the per-file cap, says so and how to see it; never "No changes" beside it', async () => {
    const { page } = await open(reportFile);
    const first = page.locator('#candidate-1');
    expect(await shown(first)).not.toContain('No changes');
    expect(await shown(page.locator('#files'))).toContain('1 diff(s) were cut at 2 KiB per file');
    const bigRow = row(page, 'big.txt');
    expect(await shown(bigRow)).toContain('✂');
    await bigRow.click();
    const col = page.locator('tr.open .col[data-candidate="1"]');
    await expect.poll(() => shown(col)).toContain('parallel diff r 1');
    expect(await shown(col)).toContain('line 0 of');
    expect(await shown(col)).not.toContain('line 399 of');
    await page.close();
  });

  it('report caps: files past --max-files are counted, diffs past --max-report-bytes are left out', async () => {
    const out = join(fx.tmp, 'capped.html');
    const result = await fx.cli([
      'report',
      'r',
      '--no-eval',
      '--out',
      out,
      '--max-files',
      '3',
      '--max-report-bytes',
      '1k',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const { page, problems } = await open(out);
    expect(problems).toEqual([]);
    const files = page.locator('#files');
    expect(await shown(files)).toContain('3 of 7 files are listed');
    expect(await shown(files)).toMatch(/left out once the report held 1 KiB/);
    expect(await page.locator('#index tr[data-r]').count()).toBe(3);
    await row(page, 'big.txt').click();
    const col = page.locator('tr.open .col[data-candidate="1"]');
    await expect.poll(() => shown(col)).toContain('Left out');
    expect(await shown(col)).toContain('parallel diff r 1');
    await page.close();
  });

  it('--out writes elsewhere; --open without a display prints the path and why; an unknown task is an error', async () => {
    const out = join(fx.tmp, 'out', 'report.html');
    const result = await fx.cli(['report', 'r', '--out', out, '--no-eval', '--open'], {
      DISPLAY: '',
      WAYLAND_DISPLAY: '',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(out);
    expect(result.stderr).toContain('no display');
    expect(result.stderr).toContain(pathToFileURL(out).href);
    expect(await readFile(out, 'utf8')).toContain('candidate-3');
    const bad = await fx.cli(['report', 'zzz']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/no task "zzz"/);
  });
});
