import { findRepo } from '../git/repo.js';
import { out, printJson } from '../output.js';
import { listTasks } from '../task/state.js';

export async function ls(options: { json?: boolean }): Promise<void> {
  const repo = await findRepo(process.cwd());
  const tasks = await listTasks(repo.commonDir);
  const rows = tasks.map((t) => ({
    task: t.task,
    agents: t.candidates.length,
    mux: t.mux,
    session: t.session,
    base: t.base.branch ?? t.base.commit.slice(0, 12),
    created: t.createdAt,
  }));
  if (options.json) return printJson(rows);
  if (rows.length === 0) return out('No tasks yet. Start one with: parallel <task> --prompt "…"');
  const lines = rows.map(
    (r) =>
      `${r.task.padEnd(24)} ${String(r.agents).padStart(2)} agent(s)  ${r.mux.padEnd(6)} ${r.session.padEnd(28)} base ${r.base}`,
  );
  out(lines.join('\n'));
}
