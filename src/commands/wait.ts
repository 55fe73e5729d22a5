import { attentionSnapshot, type CandidateAttention, watchAttention } from '../attention/observe.js';
import { loadRecordedTask } from '../compare/task.js';
import { UserError } from '../errors.js';
import { loadDriver } from '../mux/index.js';
import { info, out, printJsonOutput } from '../output.js';
import { type AgentStateName, describeState } from '../task/agent-state.js';

export type WaitUntil = 'idle' | 'exited' | 'any';
export const WAIT_UNTIL: WaitUntil[] = ['idle', 'exited', 'any'];

export interface WaitOptions {
  until?: WaitUntil;
  timeout?: number;
  json?: boolean;
}

/**
 * What each `--until` waits for, and where an agent stops counting (it can no longer get
 * there: it ended, or its pane holds a shell).
 */
const GOALS: Record<WaitUntil, { reached: AgentStateName[]; final: AgentStateName[] }> = {
  idle: { reached: ['idle'], final: ['exited', 'failed', 'shell'] },
  exited: { reached: ['exited'], final: ['failed'] },
  any: { reached: ['waiting', 'idle', 'exited', 'failed', 'shell'], final: [] },
};

/**
 * Blocks until every agent of the task reaches the state (`idle`: done with its turn; `exited`:
 * its process ended; `any`: needs the person or is done). Exit 0 when all did; 1 when one ended
 * elsewhere (failed, say) or the timeout passed.
 */
export async function wait(task: string, options: WaitOptions): Promise<void> {
  const until = options.until ?? 'idle';
  const goal = GOALS[until];
  const rt = await loadRecordedTask(task);
  const driver = await loadDriver(rt.plan.mux);
  const settled = (list: CandidateAttention[]) =>
    list.every((c) => goal.reached.includes(c.state) || goal.final.includes(c.state));
  let last = await attentionSnapshot(rt.plan, driver);
  if (!settled(last)) {
    last = await new Promise<CandidateAttention[]>((resolve) => {
      let busy = false;
      const check = async () => {
        if (busy) return;
        busy = true;
        const now = await attentionSnapshot(rt.plan, driver);
        busy = false;
        last = now;
        if (settled(now)) finish(now);
      };
      const stop = watchAttention(rt.plan, () => void check(), 2_000);
      const timer =
        options.timeout !== undefined ? setTimeout(() => finish(last), options.timeout * 1000) : undefined;
      const finish = (list: CandidateAttention[]) => {
        stop();
        clearTimeout(timer);
        resolve(list);
      };
    });
  }
  const ok = last.every((c) => goal.reached.includes(c.state) && !(c.state === 'exited' && c.exitCode));
  if (options.json) printJsonOutput({ task, until, reached: ok, candidates: last });
  else out(last.map((c) => `#${c.index} ${c.agent.padEnd(10)} ${describeState(c)}`).join('\n'));
  if (!ok) {
    const missing = last.filter(
      (c) => !goal.reached.includes(c.state) || (c.state === 'exited' && c.exitCode),
    );
    const why = settled(last) ? 'ended elsewhere' : `not there after ${options.timeout} s`;
    info(
      `not every agent reached "${until}": ${missing.map((c) => `#${c.index} ${describeState(c)}`).join(', ')} (${why}).`,
    );
    process.exitCode = 1;
  }
}

export function parseUntil(value: string): WaitUntil {
  if ((WAIT_UNTIL as string[]).includes(value)) return value as WaitUntil;
  throw new UserError(`--until must be one of ${WAIT_UNTIL.join(', ')} (got "${value}").`, { exitCode: 2 });
}
