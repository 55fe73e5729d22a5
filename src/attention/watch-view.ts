import { taskStatus } from '../engine/candidate-status.js';
import type { MuxDriver } from '../mux/types.js';
import { pc } from '../output.js';
import type { Plan } from '../plan/plan.js';
import { type AgentStateName, describeState } from '../task/agent-state.js';

/** One candidate as `watch` shows it (and `watch --json` prints it). */
export interface WatchRow {
  index: number;
  agent: string;
  state: AgentStateName;
  reason: string | null;
  since: string | null;
  exitCode: number | null;
  commitsAhead: number;
  filesChanged: number;
  /** The last line of output the agent's pane (or log) shows. */
  lastLine: string | null;
  /** The multiplexer's id of its pane, for jumping there. */
  pane: string | null;
}

export async function watchRows(plan: Plan, driver: MuxDriver): Promise<WatchRow[]> {
  const [status, session] = await Promise.all([
    taskStatus(plan, driver),
    driver.inspect(plan).catch(() => null),
  ]);
  return Promise.all(
    status.candidates.map(async (c) => {
      const pane = session?.panes.find((p) => p.index === c.index);
      const lines = pane && driver.lastLines ? await driver.lastLines(plan, pane, 1).catch(() => []) : [];
      return {
        index: c.index,
        agent: c.agent,
        state: c.state,
        reason: c.reason,
        since: c.since,
        exitCode: c.exitCode ?? null,
        commitsAhead: c.commitsAhead,
        filesChanged: c.filesChanged,
        lastLine: lines.at(-1) ?? null,
        pane: pane?.id ?? null,
      };
    }),
  );
}

const COLORS: Partial<Record<AgentStateName, (s: string) => string>> = {
  waiting: (s) => pc.bold(pc.yellow(s)),
  idle: pc.cyan,
  working: pc.green,
  failed: pc.red,
  exited: pc.dim,
};

/** The screen: a header, one line per candidate (the selected one marked), a key line; `width` × `height` at most. */
export function renderWatch(
  task: string,
  rows: WatchRow[],
  selected: number,
  message: string,
  width = 80,
  height = 24,
): string {
  const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  const lines = [pc.bold(cut(`parallel watch ${task}  ${new Date().toLocaleTimeString()}`, width)), ''];
  const room = Math.max(1, height - 5);
  const first = Math.min(Math.max(0, selected - room + 1), Math.max(0, rows.length - room));
  for (const [i, row] of rows.slice(first, first + room).entries()) {
    const state = describeState({
      state: row.state,
      reason: row.reason ?? undefined,
      exitCode: row.exitCode ?? undefined,
    });
    const since = row.since ? ago(row.since) : '';
    const head = `${first + i === selected ? '›' : ' '} #${String(row.index).padEnd(2)} ${cut(row.agent, 9).padEnd(9)} `;
    const stateText = cut(`${state} ${since}`.trim(), 24).padEnd(24);
    const work = `${row.commitsAhead}c ${row.filesChanged}f`.padEnd(8);
    const rest = Math.max(0, width - head.length - 24 - 8 - 1);
    const last = cut(row.lastLine ?? '', rest);
    const color = COLORS[row.state] ?? pc.magenta;
    lines.push(`${head}${color(stateText)}${work} ${pc.dim(last)}`);
  }
  lines.push('', cut(message, width));
  lines.push(pc.dim(cut('↑↓ select · enter jump to pane · s send · r restart · d diff · q quit', width)));
  return lines.join('\n');
}

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
}
