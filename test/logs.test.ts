/**
 * Bounded logs: a headless agent's log and an eval's log keep their newest output within the
 * cap (maxLogBytes), an archive keeps only the end of a log, and tails are read from the end.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CappedLog } from '../src/logs/capped.js';
import { readLogTail, readTail } from '../src/logs/tail.js';
import { createFixture, type Fixture, upTask, waitFor } from './support/task-fixture.js';

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);

describe('CappedLog and tails', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps the newest output within the cap, in the file and its older half', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gp-logs-'));
    const file = join(dir, 'x.log');
    const log = new CappedLog(file, 10_000);
    for (let i = 0; i < 5_000; i++) log.write(`line ${i}\n`);
    log.write(Buffer.alloc(30_000, 'z'));
    log.write('the end\n');
    log.close();
    expect(sizeOf(file) + sizeOf(`${file}.1`)).toBeLessThanOrEqual(10_000);
    const tail = await readLogTail(file, 10_000);
    expect(tail?.text.endsWith('zzzthe end\n')).toBe(true);
    expect(tail?.text).not.toContain('line 4999');
  });

  it('reads a tail from the end of the file and starts it at a line', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gp-logs-'));
    const file = join(dir, 'big.log');
    await writeFile(file, Array.from({ length: 50_000 }, (_, i) => `entry ${i}`).join('\n'));
    const tail = await readTail(file, 100);
    expect(tail?.cut).toBe(true);
    expect(tail?.text.startsWith('entry ')).toBe(true);
    expect(tail?.text.endsWith('entry 49999')).toBe(true);
    expect(await readTail(join(dir, 'missing.log'), 100)).toBeUndefined();
  });
});

describe('capped agent and eval logs (built CLI, headless)', () => {
  let fx: Fixture | undefined;
  afterEach(async () => {
    await fx?.cleanup();
    fx = undefined;
  });

  it("a chatty headless agent's log stays within maxLogBytes and keeps its last line", async () => {
    fx = await createFixture({ config: { maxLogBytes: '64k' } });
    await upTask(fx, 'chat', 1, { FAKE_AGENT_OUTPUT: String(600 * 1024) });
    const log = join(fx.commonDir, 'parallel', 'chat', 'logs', '1.log');
    await waitFor(
      async () => (await readLogTail(log, 64 * 1024))?.text.includes('fake-agent: last line'),
      'the last line',
    );
    expect(sizeOf(log) + sizeOf(`${log}.1`)).toBeLessThanOrEqual(64 * 1024);
    expect(sizeOf(log) + sizeOf(`${log}.1`)).toBeGreaterThanOrEqual(32 * 1024 - 200);
  });

  it("an eval's log stays within maxLogBytes and keeps its end", async () => {
    fx = await createFixture({
      config: { maxLogBytes: 65_536 },
      eval: [{ name: 'loud', command: 'yes "eval output line" | head -c 500000; echo EVAL END' }],
    });
    await upTask(fx, 'ev', 1);
    const result = await fx.cli(['compare', 'ev']);
    expect(result.exitCode, result.stderr).toBe(0);
    const logs = join(fx.commonDir, 'parallel', 'ev', 'logs');
    const log = join(logs, readdirSync(logs).find((n) => n.startsWith('eval-1-loud') && n.endsWith('.log'))!);
    expect(sizeOf(log) + sizeOf(`${log}.1`)).toBeLessThanOrEqual(65_536);
    expect((await readLogTail(log, 65_536))?.text).toMatch(/EVAL END\n\n# exit 0 after/);
  });

  it('an archive keeps only the end of a big log', async () => {
    fx = await createFixture({ config: { maxLogBytes: '8m' } });
    await upTask(fx, 'arc', 1, { FAKE_AGENT_OUTPUT: String(3 * 1024 * 1024) });
    const log = join(fx.commonDir, 'parallel', 'arc', 'logs', '1.log');
    await waitFor(
      async () => (await readTail(log, 1024))?.text.includes('fake-agent: last line'),
      'the last line',
    );
    expect(sizeOf(log)).toBeGreaterThan(2 * 1024 * 1024);
    const down = await fx.cli(['down', 'arc', '--clean', '--force']);
    expect(down.exitCode, down.stderr).toBe(0);
    const archives = join(fx.commonDir, 'parallel', 'archive');
    const [archive] = readdirSync(archives);
    const archived = join(archives, archive!, 'state', 'logs', '1.log');
    expect(sizeOf(archived)).toBeLessThanOrEqual(1024 * 1024 + 100);
    const text = await readFile(archived, 'utf8');
    expect(text).toContain('only the last part of this log was archived');
    expect(text).toContain('fake-agent: last line');
  });
});
