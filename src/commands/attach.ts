import { UserError } from '../errors.js';
import { loadDriver } from '../mux/index.js';
import { info } from '../output.js';
import { unknownTaskError } from '../plan/task-name.js';
import { loadTask } from '../task/context.js';

/** Attaches to the task's session; with a candidate number, shows that candidate's pane first. */
export async function attach(task: string, n?: number): Promise<void> {
  const { plan, state } = await loadTask(task, {});
  if (!state) throw unknownTaskError(task, plan.repo.root);
  if (n !== undefined && !state.candidates.some((c) => c.index === n)) {
    throw new UserError(
      `Task "${task}" has no candidate ${n}; its candidates are ${state.candidates.map((c) => c.index).join(', ')}.`,
    );
  }
  const driver = await loadDriver(plan.mux);
  if (!(process.stdin.isTTY && process.stdout.isTTY)) {
    throw new UserError(
      `\`parallel attach\` needs a terminal (stdin and stdout are not a TTY). From a terminal run it again, or: ${driver.attachHint(plan)}`,
    );
  }
  const session = await driver.inspect(plan);
  if (!session) {
    throw new UserError(
      `The session of task "${task}" is not running. Start it again (it resumes the agents) with: parallel up ${task}`,
    );
  }
  if (session.foreign) {
    throw new UserError(
      `The session ${session.name} is not task "${task}"'s (another task, another clone of the repository, or a session of your own), so git-parallel does not attach to it. Set \`session\` in the config to a name of its own and run \`parallel up ${task}\`.`,
    );
  }
  if (n !== undefined) {
    const pane = session.panes.find((p) => p.index === n);
    if (!pane) {
      throw new UserError(
        `Candidate ${n} of task "${task}" has no pane in the session. Start it again with \`parallel restart ${task} ${n}\`.`,
      );
    }
    if (driver.focusPane) await driver.focusPane(plan, pane.id);
    else {
      info(
        `${plan.mux} cannot focus a pane from outside: candidate ${n}'s pane is the one titled "#${n} …".`,
      );
    }
  }
  process.exitCode = await driver.attach(plan);
}
