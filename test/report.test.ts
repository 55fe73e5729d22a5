import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esc } from '../src/report/html.js';
import { createFixture, type Fixture, git, upTask } from './support/task-fixture.js';

/** The text as rendered (what a reader sees), not the DOM's textContent. */
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, rendered text is the point.
const shown = (locator: Locator) => locator.innerText();

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('esc', () => {
  it('escapes HTML metacharacters', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('parallel report (end to end, headless Chromium)', () => {
  let fx: Fixture;
  let browser: BrowserContext;
  let profile: string;
  let reportFile: string;

  beforeAll(async () => {
    fx = await createFixture({ eval: [{ name: 'has-two', command: 'cat candidate-2.txt' }] });
    await upTask(fx, 'r', 3);
    // Candidate 3: a change with HTML in it, and uncommitted work.
    const wt3 = fx.worktree('r', 3);
    await writeFile(join(wt3, 'shared.txt'), '<script>alert("x")</script>\n');
    await git(wt3, 'commit', '-q', '-am', 'html');
    await writeFile(join(wt3, 'README.md'), '# uncommitted edit\n');
    const result = await fx.cli(['report', 'r']);
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

  it('is self-contained: inlined CSS, no script, no external URL', async () => {
    const html = await readFile(reportFile, 'utf8');
    expect(html).toContain('.d2h-wrapper');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    expect(html).toContain('&lt;script&gt;alert');
  });

  it('loads in Chromium with no console error or request and shows every candidate side by side', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(reportFile).href, { waitUntil: 'load' });
    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(reportFile).href]);
    for (const n of [1, 2, 3]) {
      const section = page.locator(`#candidate-${n}`);
      await expect.poll(() => section.isVisible()).toBe(true);
      expect(await shown(section.locator('h2'))).toContain(`r-${n}`);
      expect(await section.locator('.d2h-file-side-diff').count()).toBeGreaterThanOrEqual(2);
      expect(await shown(section)).toContain(`candidate-${n}.txt`);
    }
    expect(await page.locator('#summary tbody tr').count()).toBe(3);
    const third = page.locator('#candidate-3');
    expect(await shown(third)).toContain('<script>alert("x")</script>');
    expect(await shown(third)).toContain('Uncommitted work');
    expect(await page.locator('#candidate-2 .badge.pass').count()).toBe(1);
    expect(await page.locator('#candidate-1 .badge.fail').count()).toBe(1);
    await page.close();
  });

  it('--out writes elsewhere; an unknown task is an error', async () => {
    const out = join(fx.tmp, 'out', 'report.html');
    const result = await fx.cli(['report', 'r', '--out', out, '--no-eval']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(out);
    expect(await readFile(out, 'utf8')).toContain('candidate-3');
    const bad = await fx.cli(['report', 'zzz']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/no task "zzz"/);
  });
});
