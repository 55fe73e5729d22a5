import { readFile } from 'node:fs/promises';
import { loadRecordedTask, selectCandidates } from '../compare/task.js';
import { UserError } from '../errors.js';
import { loadDriver } from '../mux/index.js';
import { info, pc, warn } from '../output.js';

export interface SendOptions {
  file?: string;
  to?: number[];
}

/** Types a follow-up message (then Enter) into the agent panes of a task. */
export async function send(task: string, text: string | undefined, options: SendOptions = {}): Promise<void> {
  const message = (await messageFrom(text, options.file)).replace(/\n+$/, '');
  if (!message.trim())
    throw new UserError('The message is empty; pass some text or a non-empty --file.', { exitCode: 2 });
  const rt = await loadRecordedTask(task);
  const targets = selectCandidates(rt, options.to, '--to');
  const plan = rt.plan;
  const driver = await loadDriver(rt.state.mux);
  if (rt.state.mux === 'none') {
    // The headless driver has no terminal: let it explain (it throws a UserError).
    await driver.sendText(plan, { index: targets[0]?.index, id: '', alive: false }, message);
    return;
  }
  const session = await driver.inspect(plan);
  if (!session) {
    throw new UserError(
      `The ${rt.state.mux} session ${rt.state.session} of task "${task}" is not running, so there is no pane to type into. \`parallel up ${task}\` starts it again (agents resume), then send again.`,
    );
  }
  const sent: number[] = [];
  const skipped: string[] = [];
  for (const c of targets) {
    const pane = session.panes.find((p) => p.index === c.index);
    if (!pane) skipped.push(`#${c.index} has no pane`);
    else if (!pane.alive) {
      skipped.push(
        `#${c.index}'s agent has exited${pane.exitCode === undefined ? '' : ` (exit ${pane.exitCode})`}`,
      );
    } else {
      await driver.sendText(plan, pane, message);
      sent.push(c.index);
    }
  }
  if (!sent.length) {
    throw new UserError(
      `Nothing was sent: ${skipped.join('; ')}. \`parallel up ${task}\` restarts missing agents (they resume).`,
    );
  }
  if (skipped.length) warn(`not sent to ${skipped.join('; ')}.`);
  info(
    `${pc.green('✔')} Sent ${[...message].length} character(s) to ${sent.map((n) => `#${n}`).join(', ')}.`,
  );
}

async function messageFrom(text: string | undefined, file: string | undefined): Promise<string> {
  if (text !== undefined && file !== undefined) {
    throw new UserError('Pass the message as TEXT or with --file, not both.', { exitCode: 2 });
  }
  if (file !== undefined) {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      throw new UserError(
        `Cannot read --file ${file}: ${(error as NodeJS.ErrnoException).code ?? error}. Pass the path of a readable text file.`,
        { exitCode: 2 },
      );
    }
  }
  if (text === undefined) {
    throw new UserError(
      'What should be sent? Pass the message: `parallel send <task> "TEXT"` or `--file F`.',
      {
        exitCode: 2,
      },
    );
  }
  return text;
}
