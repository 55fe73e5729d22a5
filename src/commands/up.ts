import { isAbsolute, join } from 'node:path';
import { apply } from '../apply.js';
import { loadTask, type TaskFlags } from '../context.js';
import { UserError } from '../errors.js';
import { generatedFiles } from '../files.js';
import { dirtyFiles } from '../git/worktrees.js';
import { lockTask } from '../lock.js';
import { loadDriver } from '../mux/index.js';
import { which } from '../mux/which.js';
import { observe } from '../observe.js';
import { info, pc, printJson, warn } from '../output.js';
import type { Plan } from '../plan.js';
import { describeAction, reconcile } from '../reconcile.js';

export interface UpOptions extends TaskFlags {
  attach?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

export async function up(task: string, options: UpOptions): Promise<void> {
  const { plan, state } = await loadTask(task, options);
  assertAgentsInstalled(plan);
  const driver = await loadDriver(plan.mux);
  const unlock = options.dryRun ? async () => {} : await lockTask(plan);
  try {
    const files = await generatedFiles(plan, state);
    const observed = await observe(plan, driver, files);
    const { actions, problems } = reconcile(plan, observed);
    if (problems.length) {
      throw new UserError(`Cannot bring task "${task}" up; nothing was changed. ${problems.join(' ')}`);
    }
    if (options.dryRun) {
      if (options.json) printJson({ task, session: plan.session, mux: plan.mux, actions });
      else
        info(
          actions.length
            ? actions.map((a) => `  ${describeAction(a)}`).join('\n')
            : '  nothing to do: everything is up',
        );
      return;
    }
    if (!plan.prompt && actions.some((a) => a.kind === 'create-worktree')) {
      warn(
        'no prompt given (--prompt, --prompt-file or `prompt` in the config): the agents start without one.',
      );
    }
    if (actions.some((a) => a.kind === 'create-worktree') && plan.base.ref === 'HEAD') {
      const dirty = await dirtyFiles(plan.repo.cwdTop);
      if (dirty.length) {
        warn(
          `${dirty.length} uncommitted change(s) in ${plan.repo.cwdTop} are not in the candidates: they start from the last commit (${plan.base.commit.slice(0, 12)}). Commit first if the agents need them.`,
        );
      }
    }
    const crash = process.env.PARALLEL_TEST_CRASH_AFTER;
    await apply(plan, actions, { driver, files, crashAfter: crash ? Number(crash) : undefined });
    if (options.json) printJson({ task, session: plan.session, mux: plan.mux, actions });
    else summarize(plan, actions.length, driver.attachHint(plan));
  } finally {
    await unlock();
  }
  const tty = process.stdin.isTTY && process.stdout.isTTY;
  if (options.attach !== false && tty && plan.mux !== 'none') {
    process.exitCode = await driver.attach(plan);
  }
}

function summarize(plan: Plan, changes: number, hint: string): void {
  const lines = [
    changes === 0
      ? `${pc.green('✔')} Task ${pc.bold(plan.task)} is already up (${plan.candidates.length} agents, ${plan.mux} session ${plan.session}).`
      : `${pc.green('✔')} Task ${pc.bold(plan.task)}: ${plan.candidates.length} agents on ${plan.base.commit.slice(0, 12)} (${plan.mux} session ${plan.session}).`,
    ...plan.candidates.map(
      (c) => `  ${pc.dim(`#${c.index}`)} ${c.agent.name.padEnd(10)} ${c.branch.padEnd(20)} ${c.worktree}`,
    ),
    `  look:    ${hint}`,
    `  status:  parallel status ${plan.task}`,
  ];
  info(lines.join('\n'));
}

/** Checked before anything is created: a missing agent would leave dead panes behind. */
function assertAgentsInstalled(plan: Plan): void {
  const seen = new Set<string>();
  for (const { agent } of plan.candidates) {
    if (seen.has(agent.command)) continue;
    seen.add(agent.command);
    const command =
      agent.command.includes('/') && !isAbsolute(agent.command)
        ? join(plan.repo.root, agent.command)
        : agent.command;
    if (!which(command)) {
      const install = agent.install
        ? `Install it with \`${agent.install}\``
        : 'Install it or fix `command` in the config';
      throw new UserError(
        `Agent "${agent.name}" needs \`${agent.command}\`, which is not on PATH. ${install}, or choose another agent with --agent. Nothing was created.`,
      );
    }
  }
}
