import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { watchAttention } from '../attention/observe.js';
import { renderWatch, type WatchRow, watchRows } from '../attention/watch-view.js';
import { loadRecordedTask, type RecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { findRepo } from '../git/repo.js';
import { loadDriver } from '../mux/index.js';
import type { MuxDriver } from '../mux/types.js';
import { jsonLine, out } from '../output.js';
import { listTasks } from '../task/state.js';

/**
 * A live view of every candidate of a task, redrawn when a state file changes (file watching;
 * process facts every few seconds for agents killed without a word). On a terminal it takes
 * keys; otherwise (or with --json) it prints one line per change.
 */
export async function watch(task: string | undefined, options: { json?: boolean }): Promise<void> {
  const rt = await loadRecordedTask(task ?? (await onlyTask()));
  const driver = await loadDriver(rt.plan.mux);
  const interactive = !options.json && process.stdin.isTTY && process.stdout.isTTY;
  if (!interactive) return stream(rt, driver, options.json === true);
  return new Screen(rt, driver).run();
}

async function onlyTask(): Promise<string> {
  const tasks = await listTasks((await findRepo(process.cwd())).commonDir);
  if (tasks.length === 1) return tasks[0]!.task;
  throw new UserError(
    tasks.length
      ? `Which task? This repository has ${tasks.map((t) => t.task).join(', ')}: run \`parallel watch <task>\`.`
      : 'No tasks yet. Start one with: parallel <task> --prompt "…"',
    { exitCode: 2 },
  );
}

/** One line per change: JSON for scripts, or the text rows. Runs until interrupted. */
function stream(rt: RecordedTask, driver: MuxDriver, json: boolean): Promise<void> {
  let previous = '';
  let busy = Promise.resolve();
  const print = () => {
    busy = busy.then(async () => {
      const rows = await watchRows(rt.plan, driver);
      const key = JSON.stringify(rows.map(({ lastLine: _, ...row }) => row));
      if (key === previous) return;
      previous = key;
      if (json) out(jsonLine({ task: rt.plan.task, at: new Date().toISOString(), candidates: rows }));
      else out(renderWatch(rt.plan.task, rows, -1, '', process.stdout.columns ?? 80, rows.length + 5));
    });
  };
  print();
  watchAttention(rt.plan, print);
  return new Promise(() => undefined);
}

/** Runs its arguments through the user's pager (shell source, not a template). */
const PAGED = '"$@" | $PAGER';

class Screen {
  private rows: WatchRow[] = [];
  private selected = 0;
  private message = '';
  private stop: () => void = () => undefined;
  private busy = Promise.resolve();
  private done!: () => void;

  constructor(
    private readonly rt: RecordedTask,
    private readonly driver: MuxDriver,
  ) {}

  run(): Promise<void> {
    return new Promise((resolve) => {
      this.done = resolve;
      this.enter();
      this.refresh();
    });
  }

  private enter(): void {
    process.stdout.write('\x1b[?1049h\x1b[?25l');
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on('data', this.onKey);
    process.stdout.on('resize', this.draw);
    this.stop = watchAttention(this.rt.plan, () => this.refresh());
  }

  private leave(): void {
    this.stop();
    process.stdin.off('data', this.onKey);
    process.stdout.off('resize', this.draw);
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stdout.write('\x1b[?25h\x1b[?1049l');
  }

  private refresh(): void {
    this.busy = this.busy.then(async () => {
      this.rows = await watchRows(this.rt.plan, this.driver);
      this.selected = Math.min(this.selected, Math.max(0, this.rows.length - 1));
      this.draw();
    });
  }

  private draw = (): void => {
    const { columns = 80, rows = 24 } = process.stdout;
    const screen = renderWatch(this.rt.plan.task, this.rows, this.selected, this.message, columns, rows);
    process.stdout.write(`\x1b[H\x1b[2J${screen}`);
  };

  private onKey = (data: Buffer): void => {
    const key = data.toString();
    const row = this.rows[this.selected];
    if (key === 'q' || key === '\x03') {
      this.leave();
      this.done();
    } else if (key === '\x1b[A' || key === 'k') this.move(-1);
    else if (key === '\x1b[B' || key === 'j') this.move(1);
    else if (/^[1-9]$/.test(key)) {
      const at = this.rows.findIndex((r) => r.index === Number(key));
      if (at >= 0) this.move(at - this.selected);
    } else if (row && (key === '\r' || key === 'a')) void this.outside(() => this.jump(row));
    else if (row && key === 's') void this.outside(() => this.send(row));
    else if (row && key === 'd')
      void this.outside(() => this.cli(['diff', this.rt.plan.task, String(row.index)], true));
    else if (key === 'r') void this.outside(() => this.cli(['up', this.rt.plan.task, '--no-attach'], false));
  };

  private move(delta: number): void {
    this.selected = Math.max(0, Math.min(this.rows.length - 1, this.selected + delta));
    this.draw();
  }

  /** Leaves the view for the terminal (attach, pager, prompt), then comes back. */
  private async outside(work: () => Promise<string>): Promise<void> {
    this.leave();
    try {
      this.message = await work();
    } catch (error) {
      this.message = error instanceof Error ? error.message : String(error);
    }
    this.enter();
    this.refresh();
  }

  private async jump(row: WatchRow): Promise<string> {
    if (row.pane && this.driver.focusPane) await this.driver.focusPane(this.rt.plan, row.pane);
    await this.driver.attach(this.rt.plan);
    return `back from #${row.index}`;
  }

  private async send(row: WatchRow): Promise<string> {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const text = await new Promise<string>((resolve) => rl.question(`Send to #${row.index}: `, resolve));
    rl.close();
    if (!text.trim()) return 'nothing sent';
    const { send } = await import('./send.js');
    await send(this.rt.plan.task, text, { to: [row.index] });
    return `sent to #${row.index}`;
  }

  /** Runs this CLI again (`diff` through a pager, `up` to restart agents that ended). */
  private cli(args: string[], page: boolean): Promise<string> {
    const self = [process.execPath, process.argv[1]!, ...args];
    const argv = page ? ['sh', '-c', PAGED, 'sh', ...self] : self;
    return new Promise((resolve) => {
      const env = { ...process.env, PAGER: process.env.PAGER || 'less -R' };
      const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env });
      child.on('close', (code) => resolve(`parallel ${args[0]} exited ${code}`));
      child.on('error', (error) => resolve(error.message));
    });
  }
}
