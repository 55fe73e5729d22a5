import { findRepo } from '../git/repo.js';
import { out, printJsonOutput } from '../output.js';
import { listTasks } from '../task/state.js';

export async function ls(options: { json?: boolean; names?: boolean }): Promise<void> {
  const repo = await findRepo(process.cwd());
  const tasks = await listTasks(repo.commonDir);
  // For shell completion: task names only, one a line, nothing else.
  if (options.names) return void (tasks.length && out(tasks.map((t) => t.task).join('\n')));
  const rows = tasks.map((t) => ({
    task: t.task,
    candidates: t.candidates.length,
    mux: t.mux,
    session: t.session,
    base: { ref: t.base.ref, commit: t.base.commit, branch: t.base.branch ?? null },
    createdAt: t.createdAt,
  }));
  if (options.json) return printJsonOutput({ tasks: rows });
  if (rows.length === 0) return out('No tasks yet. Start one with: parallel <task> --prompt "…"');
  const lines = rows.map(
    (r) =>
      `${r.task.padEnd(24)} ${String(r.candidates).padStart(2)} candidate(s)  ${r.mux.padEnd(6)} ${r.session.padEnd(28)} base ${r.base.branch ?? r.base.commit.slice(0, 12)}`,
  );
  out(lines.join('\n'));
}
