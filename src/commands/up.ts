import { existsSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { type StartFailure, watchStartup } from '../attention/startup.js';
import { PRESET_NAMES } from '../config/presets.js';
import { apply } from '../engine/apply.js';
import { changesByCandidate } from '../engine/changes.js';
import { planActions } from '../engine/converge.js';
import { type Action, describeAction } from '../engine/reconcile.js';
import { UserError } from '../errors.js';
import { dirtyFiles } from '../git/worktrees.js';
import { loadDriver } from '../mux/index.js';
import { which } from '../mux/which.js';
import { info, pc, printJsonOutput, warn } from '../output.js';
import { invocationFor, type Plan } from '../plan/plan.js';
import { assertValidTaskName } from '../plan/task-name.js';
import { loadTask, type TaskContext, type TaskFlags } from '../task/context.js';
import { lockTask } from '../task/lock.js';
import { assertSamePrompt } from '../task/prompt-change.js';
import { withEditedPrompt } from '../task/prompt-editor.js';
import { readState, recoverState } from '../task/state.js';

export interface UpOptions extends TaskFlags {
  attach?: boolean;
  /** Accept a prompt that differs from the task's: it goes to the candidates started from now on. */
  promptForNew?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * Every check that can fail on bad input runs before the first file is written; the task's
 * directory appears only once the plan is sound, and goes again if nothing was done in it.
 */
export async function up(task: string, flags: UpOptions): Promise<void> {
  assertValidTaskName(task);
  const options = await withEditedPrompt(task, flags);
  let ctx = await load(task, options);
  let driver = await loadDriver(ctx.plan.mux);
  if (options.dryRun) {
    const { actions } = await planActions(ctx.plan, driver, ctx.state);
    if (options.json) printJsonOutput(summary(ctx.plan, actions));
    else
      info(
        actions.length
          ? actions.map((a) => `  ${describeAction(a)}`).join('\n')
          : '  nothing to do: everything is up',
      );
    return;
  }
  const madeDir = !existsSync(ctx.plan.paths.dir);
  const unlock = await lockTask(ctx.plan);
  let started = false;
  let failures: StartFailure[] = [];
  try {
    // Another `up` may have finished while this one waited for the lock: look again.
    const now = await readState(ctx.plan.paths.stateFile);
    if (JSON.stringify(now) !== JSON.stringify(ctx.state)) {
      ctx = await load(task, options);
      driver = await loadDriver(ctx.plan.mux);
    }
    const { plan } = ctx;
    const { actions, files } = await planActions(plan, driver, ctx.state);
    // The uncommitted-changes check (a full `git status` of the base) runs alongside the creation.
    const dirty = warnBeforeCreating(plan, actions);
    started = actions.length > 0;
    const crash = process.env.PARALLEL_TEST_CRASH_AFTER;
    const appliedAt = Date.now();
    try {
      await apply(plan, actions, { driver, files, crashAfter: crash ? Number(crash) : undefined });
    } catch (error) {
      throw unfinished(plan, error);
    }
    const dirtyWarning = await dirty;
    if (dirtyWarning) warn(dirtyWarning);
    // New worktrees may have come from the pool: top it up behind this command.
    if (plan.pool.size > 0 && actions.some((a) => a.kind === 'create-worktree'))
      (await import('../pool/refill.js')).refillInBackground(plan.repo.root, plan.base.commit);
    failures = await watchStartup(plan, driver, startedAgents(actions), appliedAt);
    if (options.json) printJsonOutput({ ...summary(plan, actions), failed: failures });
    else summarize(plan, actions, driver.attachHint(plan), failures, driver.spillNote?.(plan));
  } finally {
    await unlock();
    if (madeDir && !started) await removeIfEmpty(ctx.plan.paths.dir);
  }
  if (failures.length) {
    if (!options.json) info(describeFailures(ctx.plan, failures));
    process.exitCode = 1;
    return;
  }
  const tty = process.stdin.isTTY && process.stdout.isTTY;
  if (options.attach !== false && tty && driver.capabilities.canAttach) {
    process.exitCode = await driver.attach(ctx.plan);
  }
}

/** loadTask + the checks on its plan; rebuilds a lost state.json from the task's traces. */
async function load(task: string, options: UpOptions): Promise<TaskContext> {
  let ctx = await loadTask(task, options);
  if (!ctx.state) ctx = await recover(task, options, ctx);
  assertAgentsInstalled(ctx.plan);
  assertPromptPassable(ctx.plan);
  if (ctx.state) {
    const given = options.prompt !== undefined || options.promptFile !== undefined;
    await assertSamePrompt(ctx.plan, given, !!options.promptForNew);
  }
  return ctx;
}

async function recover(task: string, options: UpOptions, ctx: TaskContext): Promise<TaskContext> {
  const known = [...ctx.config.agents.map((a) => a.name), ...PRESET_NAMES];
  const found = await recoverState(ctx.plan, { probeMux: options.mux === undefined, knownAgents: known });
  if (!found) return ctx;
  const flags: UpOptions = { ...options };
  if (found.mux) flags.mux = found.mux;
  if (found.agents && !options.agent?.length) {
    const total = Math.max(options.agents ?? 0, found.agents.length);
    flags.agent = Array.from({ length: total }, (_, i) => found.agents![i % found.agents!.length]!);
    flags.agents = undefined;
  }
  const next = await loadTask(task, flags);
  if (found.base && options.base === undefined) next.plan.base = found.base;
  warn(
    `the state of task "${task}" (${ctx.plan.paths.stateFile}) was missing or unreadable; rebuilt it from the task's branches, launcher scripts and ${found.mux ? `running ${found.mux} session` : 'the config'}.`,
  );
  return next;
}

/** Warns at once about what is known; resolves with the uncommitted-changes warning, if any. */
async function warnBeforeCreating(plan: Plan, actions: Action[]): Promise<string | undefined> {
  if (!actions.some((a) => a.kind === 'create-worktree' || (a.kind === 'remote-worktree' && a.base)))
    return undefined;
  if (plan.prompt === undefined) {
    warn(
      'no prompt given (--prompt, --prompt-file or `prompt` in the config): the agents start without one.',
    );
  }
  if (!plan.base.branch) {
    warn(
      `the base "${plan.base.ref}" is not a branch (detached HEAD, tag or commit): the candidates start from commit ${plan.base.commit.slice(0, 12)}, but \`parallel pick\` needs a branch to bring the chosen one into. Create one first if you will pick (\`git switch -c <name>\`).`,
    );
  }
  if (plan.base.ref !== 'HEAD') return undefined;
  const dirty = await dirtyFiles(plan.repo.cwdTop).catch(() => []);
  return dirty.length
    ? `${dirty.length} uncommitted change(s) in ${plan.repo.cwdTop} are not in the candidates: they start from the last commit (${plan.base.commit.slice(0, 12)}). Commit first if the agents need them.`
    : undefined;
}

const summary = (plan: Plan, actions: Action[]) => ({
  task: plan.task,
  session: plan.session,
  mux: plan.mux,
  actions,
});

/** Candidates whose agent this run started: a new session, an added pane or a restarted one. */
function startedAgents(actions: Action[]): number[] {
  return actions.flatMap((a) =>
    a.kind === 'create-session'
      ? a.indexes
      : a.kind === 'add-pane' || a.kind === 'restart-pane'
        ? [a.index]
        : [],
  );
}

function describeFailures(plan: Plan, failures: StartFailure[]): string {
  const blocks = failures.map((f) => {
    const why = [f.reason, f.exitCode !== undefined ? `exit ${f.exitCode}` : undefined]
      .filter(Boolean)
      .join(', ');
    const next = f.resumes
      ? 'it had started a session, so the next `up` resumes it'
      : 'it never got a session going, so the next `up` starts it again with the prompt';
    const output = f.lastLines.length
      ? f.lastLines.map((l) => pc.dim(`      │ ${l}`)).join('\n')
      : pc.dim('      (no output captured)');
    return `  #${f.index} ${f.agent} failed at start (${why || 'exited'}); ${next}. Its last output:\n${output}`;
  });
  return `${pc.red('error:')} ${failures.length} agent(s) of task "${plan.task}" failed at start:\n${blocks.join('\n')}\nFix the cause (log in, set the API key, check the agent's command), then run \`parallel up ${plan.task}\` again.`;
}

function summarize(
  plan: Plan,
  actions: Action[],
  hint: string,
  failures: StartFailure[] = [],
  spilled?: string,
): void {
  const changes = changesByCandidate(plan, actions);
  const fresh = [...changes.values()].every((change) => change === 'created');
  const session = actions.some((a) => a.kind === 'create-session')
    ? `started ${plan.mux} session ${plan.session}`
    : `${plan.mux} session ${plan.session}`;
  const lines = [
    actions.length === 0
      ? `${pc.green('✔')} Task ${pc.bold(plan.task)} is already up (${plan.candidates.length} agents, ${plan.mux} session ${plan.session}); nothing changed.`
      : `${failures.length ? pc.red('✘') : pc.green('✔')} Task ${pc.bold(plan.task)}: ${plan.candidates.length} agents on ${plan.base.commit.slice(0, 12)} (${session}).`,
    ...plan.candidates.map((c) => {
      const mark = failures.some((f) => f.index === c.index) ? pc.red('✘') : ' ';
      const change = changes.get(c.index) ?? 'left alone';
      const shown =
        actions.length === 0 || fresh
          ? ''
          : `  ${change === 'left alone' ? pc.dim(change) : pc.yellow(change)}`;
      return `${mark} ${pc.dim(`#${c.index}`)} ${c.agent.name.padEnd(10)} ${c.branch.padEnd(20)} ${c.host ? `${c.host.name}:` : ''}${c.worktree}${shown}`;
    }),
    ...(spilled ? [`  windows: ${spilled}`] : []),
    `  look:    ${hint}`,
    `  status:  parallel status ${plan.task}`,
  ];
  info(lines.join('\n'));
}

/** Checked before anything is created: a missing agent would leave dead panes behind. */
function assertAgentsInstalled(plan: Plan): void {
  const seen = new Set<string>();
  // A remote candidate's agent is looked for on its host (remote/reconcile).
  for (const { agent } of plan.candidates.filter((c) => !c.host)) {
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

/** A NUL byte cannot travel in argv; the launcher's `$(cat …)` would silently drop it. */
function assertPromptPassable(plan: Plan): void {
  const byArgv = plan.candidates.find((c) => {
    if (!c.prompt?.includes('\0')) return false;
    const mode = invocationFor(c.agent, plan.mux).prompt;
    return mode !== 'stdin' && mode !== 'none';
  });
  if (byArgv) {
    throw new UserError(
      `The prompt contains a NUL byte, which agent "${byArgv.agent.name}" cannot receive (it takes the prompt as an argument). Remove it; a NUL usually means a binary file was passed to --prompt-file. Nothing was created.`,
      { exitCode: 2 },
    );
  }
}

/** A failure half-way: say so plainly, and that running `up` again continues from there. */
function unfinished(plan: Plan, error: unknown): unknown {
  const again = `run \`parallel up ${plan.task}\` again to continue`;
  if (error instanceof UserError) {
    if (/parallel up|again/.test(error.message)) return error;
    return new UserError(`${sentence(error.message)} What was already done is kept; ${again}.`, {
      exitCode: error.exitCode,
      cause: error.cause ?? error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new UserError(
    `Bringing task "${plan.task}" up stopped half-way: ${sentence(message)} What was already done is kept (no worktree, branch or commit is removed); fix the cause and ${again}.`,
    { cause: error },
  );
}

const sentence = (text: string) => {
  const trimmed = text.trim().replace(/\s*\n\s*/g, ' ');
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
};

/** The task directory (and `parallel/`) made by a run that then did nothing: leave no trace. */
async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
    await rmdir(dirname(dir));
  } catch {
    // not empty, or already gone
  }
}
