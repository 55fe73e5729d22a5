import { UserError } from '../errors.js';
import { loadDriver } from '../mux/index.js';
import { unknownTaskError } from '../plan/task-name.js';
import { loadTask } from '../task/context.js';

export async function attach(task: string): Promise<void> {
  const { plan, state } = await loadTask(task, {});
  if (!state) throw unknownTaskError(task, plan.repo.root);
  const driver = await loadDriver(plan.mux);
  if (!(process.stdin.isTTY && process.stdout.isTTY)) {
    throw new UserError(
      `\`parallel attach\` needs a terminal (stdin and stdout are not a TTY). From a terminal run it again, or: ${driver.attachHint(plan)}`,
    );
  }
  if (!(await driver.inspect(plan))) {
    throw new UserError(
      `The session of task "${task}" is not running. Start it again (it resumes the agents) with: parallel up ${task}`,
    );
  }
  process.exitCode = await driver.attach(plan);
}
