import { join } from 'node:path';
import { packageAsset } from '../assets.js';
import { hookScript, hookWiring } from '../attention/wiring.js';
import type { AgentInvocation } from '../config/presets.js';
import { capabilitiesOf } from '../mux/capabilities.js';
import type { Candidate, Plan } from '../plan/plan.js';
import { CAPPED_LOG_SHELL, cappedLogRedirect } from './capped-log.js';
import { shellQuote, shellWords } from './shell.js';
import { fillTemplate } from './template.js';

/**
 * One bash script per pane, from templates/launcher.sh. It enters the worktree, exports the candidate's environment and
 * starts the agent with the prompt read from the prompt file at run time, so the prompt is
 * never part of any shell source or layout. A second start in the same worktree (a rebuilt
 * pane, a resurrected Zellij session) resumes the agent instead of sending the prompt again.
 * Around the agent it reports the start and the exit to `parallel hook` (when the plan has one),
 * which keeps the candidate's state and forgets a start that failed before any session began.
 */
export function renderLauncher(plan: Plan, candidate: Candidate): string {
  const headless = capabilitiesOf(plan.mux).headless;
  const wiring = hookWiring(plan, candidate, plan.hook);
  const agent = headless ? candidate.agent.headless : candidate.agent.interactive;
  const invocation = { ...agent, args: [...wiring.args, ...agent.args] };
  if (invocation.resume) invocation.resume = [...wiring.args, ...invocation.resume];
  const command = candidate.agent.command;
  const n = candidate.index;
  const run = plan.paths.runDir;
  const state = plan.hook ? { PARALLEL_STATE_DIR: plan.paths.dir, PARALLEL_HOOK: hookScript(plan) } : {};
  const exports = Object.entries({
    ...candidate.env,
    PARALLEL_PROMPT_FILE: candidate.promptFile,
    ...state,
    ...wiring.env,
  })
    .map(([key, value]) => `export ${key}=${shellQuote(value)}`)
    .join('\n');
  return fillTemplate(packageAsset('templates', 'launcher.sh'), {
    task: plan.task,
    n: String(n),
    agent: candidate.agent.name,
    headless_log: headless ? headlessLog(plan, n) : '',
    worktree: shellQuote(candidate.worktree),
    exports,
    run_dir: shellQuote(run),
    report_function: hookFunction(plan, n),
    resume_state: invocation.resume || headless ? startState(candidate) : 'shell',
    resume: indent(resumeBlock(command, invocation, headless)),
    start_state: startState(candidate),
    start: indent(startBlock(command, invocation, candidate)),
  });
}

/** An agent with hooks is `starting` until they speak; one without is taken to work while it runs. */
const startState = (candidate: Candidate) => (candidate.agent.hooks ? 'starting' : 'working');

/** `report`: tells `parallel hook` about the run; never fails the launcher, never reads its input. */
function hookFunction(plan: Plan, n: number): string {
  if (!plan.hook) return 'report() { :; }';
  const argv = shellWords([...plan.hook]);
  const where = shellWords(['--dir', plan.paths.dir, '--n', String(n), '--source', 'launcher']);
  return `report() { ${argv} "$@" ${where} </dev/null >/dev/null 2>&1 || true; }`;
}

/** Headless, the output goes to a log that keeps its newest part (no terminal to scroll). */
function headlessLog(plan: Plan, n: number): string {
  const log = shellQuote(join(plan.paths.logDir, `${n}.log`));
  return `${CAPPED_LOG_SHELL}
mkdir -p -- ${shellQuote(plan.paths.logDir)}
${cappedLogRedirect(log, plan.maxLogBytes)}`;
}

function startBlock(command: string, invocation: AgentInvocation, candidate: Candidate): string {
  const file = shellQuote(candidate.promptFile);
  const mode = invocation.prompt;
  if (candidate.prompt === undefined || mode === 'none') return shellWords([command, ...invocation.args]);
  if (mode === 'stdin') return `${shellWords([command, ...invocation.args])} < ${file}`;
  // $(…) drops trailing newlines; the sentinel keeps the prompt byte-exact.
  const read = `prompt=$(cat -- ${file}; printf x); prompt=\${prompt%x}`;
  const promptWord = mode === 'arg' ? '-- "$prompt"' : `${shellQuote(`${mode.flag}=`)}"$prompt"`;
  return `${read}\n${shellWords([command, ...invocation.args])} ${promptWord}`;
}

function resumeBlock(command: string, invocation: AgentInvocation, headless: boolean): string {
  if (invocation.resume) {
    return `echo "git-parallel: ${command} already ran in this worktree; resuming it." >&2\n${shellWords([command, ...invocation.resume])}`;
  }
  const note = `echo "git-parallel: ${command} already ran in this worktree and has no resume option; the prompt is not sent again." >&2`;
  return headless ? `${note}\ntrue` : `${note}\n"\${SHELL:-bash}"`;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
