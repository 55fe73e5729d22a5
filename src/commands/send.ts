import { readFile } from 'node:fs/promises';
import { type AttentionState, resolveState } from '../attention/resolve.js';
import { loadRecordedTask, selectCandidates } from '../compare/task.js';
import { UserError } from '../errors.js';
import { loadDriver } from '../mux/index.js';
import { info, pc, warn } from '../output.js';
import { type AgentStateName, describeState, readAgentState } from '../task/agent-state.js';

export interface SendOptions {
  file?: string;
  to?: number[];
}

/** Types a follow-up message (then Enter) into the agent panes of a task. */
export async function send(task: string, text: string | undefined, options: SendOptions = {}): Promise<void> {
  const message = (await messageFrom(text, options.file)).replace(/\n+$/, '');
  if (!message.trim())
    throw new UserError('The message is empty; pass some text or a non-empty --file.', { exitCode: 2 });
  const rt = await loadRecordedTask(task, process.cwd(), { fetch: false });
  const all = selectCandidates(rt, options.to, '--to');
  const plan = rt.plan;
  // Candidates on other machines get the text in their agent's tmux session there.
  const remote = plan.candidates.filter((c) => c.host && all.some((t) => t.index === c.index));
  const targets = all.filter((c) => !c.host);
  const sent: number[] = [];
  const skipped: string[] = [];
  if (remote.length) {
    const { sendRemote } = await import('../remote/send.js');
    for (const c of remote) {
      const failure = await sendRemote(plan, c, message);
      if (failure) skipped.push(failure);
      else sent.push(c.index);
    }
    if (!targets.length) return report(message, sent, skipped);
  }
  const driver = await loadDriver(rt.state.mux);
  if (!driver.capabilities.canType) {
    // A driver without a terminal lets itself explain (it throws a UserError).
    await driver.sendText(plan, { index: targets[0]?.index, id: '', alive: false }, message);
    return;
  }
  const session = await driver.inspect(plan);
  if (!session) {
    throw new UserError(
      `The ${rt.state.mux} session ${rt.state.session} of task "${task}" is not running, so there is no pane to type into. \`parallel up ${task}\` starts it again (agents resume), then send again.`,
    );
  }
  for (const c of targets) {
    const pane = session.panes.find((p) => p.index === c.index);
    const state = resolveState(readAgentState(plan.paths.dir, c.index), pane);
    if (!pane) skipped.push(`#${c.index} has no pane (\`parallel up ${task}\` starts its agent again)`);
    else if (!RECEIVES.includes(state.state)) skipped.push(refusal(task, c.index, state));
    else {
      await driver.sendText(plan, pane, message);
      sent.push(c.index);
    }
  }
  report(message, sent, skipped);
}

function report(message: string, sent: number[], skipped: string[]): void {
  if (!sent.length) throw new UserError(`Nothing was sent: ${skipped.join('; ')}.`);
  if (skipped.length) warn(`not sent to ${skipped.join('; ')}.`);
  info(
    `${pc.green('✔')} Sent ${[...message].length} character(s) to ${sent.map((n) => `#${n}`).join(', ')}.`,
  );
}

/** Only a live agent reads what is typed; a shell would run it as a command. */
const RECEIVES: readonly AgentStateName[] = ['working', 'waiting', 'idle'];

function refusal(task: string, index: number, state: AttentionState): string {
  const what = describeState(state);
  if (state.state === 'shell') {
    return `#${index}'s pane holds a shell, not its agent (state ${what}), so the text would run as shell commands; attach (\`parallel attach ${task}\`) and start the agent there yourself`;
  }
  if (state.state === 'starting') {
    return `#${index}'s agent is still starting (state ${what}); wait until it is ready (\`parallel wait ${task} --until any\`) and send again`;
  }
  return `#${index}'s agent is not running (state ${what}); \`parallel up ${task}\` starts it again (it resumes if it had a session), then send again`;
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
