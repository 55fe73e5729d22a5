import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { type CandidateFacts, gatherCandidates, hasChanges } from '../compare/stats.js';
import { type SynthSource, synthPrompt } from '../compare/synth-prompt.js';
import { loadRecordedTask, type RecordedTask, selectCandidates } from '../compare/task.js';
import { apply } from '../engine/apply.js';
import { planActions } from '../engine/converge.js';
import { UserError } from '../errors.js';
import { diffText, resolveCommit, worktreeDiff } from '../git/diff.js';
import { loadDriver } from '../mux/index.js';
import { info, pc } from '../output.js';
import { buildPlan, chooseAgents, expand, type Plan, type RecordedSlot } from '../plan/plan.js';
import { lockTask } from '../task/lock.js';

export interface SynthesizeOptions {
  from?: number[];
  agent?: string;
  attach?: boolean;
}

/**
 * A new candidate `{task}-synth` from the base commit whose agent gets the original prompt plus
 * the chosen candidates' diffs (its own prompt file, synth-prompt.txt). It joins the task's plan
 * and goes through observe → reconcile → apply like every other candidate, so it is recorded in
 * state.json and `up` rebuilds it with its own prompt.
 */
export async function synthesize(task: string, options: SynthesizeOptions = {}): Promise<void> {
  const rt = await loadRecordedTask(task);
  const unlock = await lockTask(rt.plan);
  try {
    const sources = await chooseSources(rt, options.from);
    const slot = newSlot(rt, options.agent);
    const promptFile = join(rt.plan.paths.dir, SYNTH_PROMPT);
    const text = synthPrompt({
      task,
      baseCommit: rt.state.base.commit,
      original: await readFile(rt.plan.paths.promptFile, 'utf8').catch(() => rt.plan.prompt),
      sources: await describeSources(rt, sources, join(rt.plan.paths.dir, 'synth')),
    });
    const plan = planWith(
      rt,
      { ...slot, promptFile: SYNTH_PROMPT, synthesizedFrom: sources.map((s) => s.index) },
      text,
    );
    const candidate = plan.candidates.find((c) => c.index === slot.index)!;
    const driver = await loadDriver(plan.mux);
    const { actions, files } = await planActions(plan, driver, rt.state, `synthesize task "${task}"`);
    await apply(plan, actions, { driver, files });
    info(
      [
        `${pc.green('✔')} Started candidate #${candidate.index} ${pc.bold(candidate.label)} (${candidate.agent.name}) combining ${sources.map((s) => `#${s.index}`).join(', ')}, from ${rt.state.base.commit.slice(0, 12)}.`,
        `  worktree: ${candidate.worktree}`,
        `  prompt:   ${promptFile}`,
        `  look:     ${driver.attachHint(plan)}`,
        `  later:    parallel compare ${task}   /   parallel pick ${task} ${candidate.index}`,
      ].join('\n'),
    );
    const tty = process.stdin.isTTY && process.stdout.isTTY;
    if (options.attach !== false && tty && driver.capabilities.canAttach) {
      await unlock();
      process.exitCode = await driver.attach(plan);
      return;
    }
  } finally {
    await unlock().catch(() => undefined);
  }
}

/** The synthesized candidate's own prompt file, in the task's state dir. */
const SYNTH_PROMPT = 'synth-prompt.txt';

/** The task's plan with one more candidate: the recorded ones keep everything they had. */
function planWith(rt: RecordedTask, slot: NewSlot & RecordedSlot, prompt: string): Plan {
  const own = Object.fromEntries(
    rt.plan.candidates
      .filter((c) => c.promptFile !== rt.plan.paths.promptFile && c.prompt !== undefined)
      .map((c) => [relative(rt.plan.paths.dir, c.promptFile), c.prompt!]),
  );
  return buildPlan({
    config: rt.config,
    configFile: rt.configFile,
    task: rt.state.task,
    repo: rt.repo,
    base: rt.state.base,
    mux: rt.plan.mux,
    prompt: rt.plan.prompt,
    flags: { agent: [...rt.candidates.map((c) => c.agent), slot.agent], layout: rt.plan.layout },
    recorded: [...rt.candidates, slot],
    prompts: { ...own, [slot.promptFile!]: prompt },
    hook: rt.plan.hook,
  });
}

async function chooseSources(rt: RecordedTask, from: number[] | undefined): Promise<CandidateFacts[]> {
  const chosen = selectCandidates(rt, from, '--from').filter((c) => !c.label || from?.includes(c.index));
  const facts = await gatherCandidates(rt.repo.root, rt.state.task, rt.state.base.commit, chosen);
  const empty = facts.filter((f) => !hasChanges(f));
  if (from?.length && empty.length) {
    throw new UserError(
      `--from names candidate${empty.length > 1 ? 's' : ''} ${empty.map((f) => f.index).join(', ')}, which ${empty.length > 1 ? 'have' : 'has'} no changes to combine. Leave ${empty.length > 1 ? 'them' : 'it'} out.`,
      { exitCode: 2 },
    );
  }
  const useful = facts.filter(hasChanges);
  if (!useful.length) {
    throw new UserError(
      `No candidate of task "${rt.state.task}" has any changes yet, so there is nothing to synthesize. \`parallel status ${rt.state.task}\` shows how far they got.`,
    );
  }
  return useful;
}

interface NewSlot {
  index: number;
  branch: string;
  worktree: string;
  label: string;
  agent: string;
}

function newSlot(rt: RecordedTask, agentName: string | undefined): NewSlot {
  const task = rt.state.task;
  const existing = rt.candidates.find((c) => c.label === `${task}-synth`);
  if (existing) {
    throw new UserError(
      `Task "${task}" already has a synthesized candidate (#${existing.index}, branch ${existing.branch}). Look at it with \`parallel compare ${task}\`, or remove it first (\`git worktree remove ${existing.worktree}\` and \`git branch -D ${existing.branch}\`, then take it out of state with \`parallel down ${task} --clean\`).`,
    );
  }
  const agent = chooseAgents(rt.config, {
    agent: [agentName ?? rt.candidates[0]?.agent ?? rt.config.agents[0]!.name],
  })[0]!;
  const index = Math.max(0, ...rt.candidates.map((c) => c.index)) + 1;
  const vars = { repo: rt.repo.name, task, n: 'synth', agent: agent.name };
  const branch = expand(rt.config.worktrees.branch, vars, 'worktrees.branch');
  const worktree = resolve(rt.repo.root, expand(rt.config.worktrees.dir, vars, 'worktrees.dir'));
  const clash = rt.candidates.find((c) => c.branch === branch || c.worktree === worktree);
  if (clash) {
    throw new UserError(
      `The synthesized candidate would reuse candidate ${clash.index}'s ${clash.branch === branch ? `branch ${branch}` : `worktree ${worktree}`}: put {n} in worktrees.branch and worktrees.dir in the config.`,
    );
  }
  return { index, branch, worktree, label: `${task}-synth`, agent: agent.name };
}

/** Each source's diff (worktree state against the base), written to `<dir>/<n>.diff`. */
async function describeSources(
  rt: RecordedTask,
  facts: CandidateFacts[],
  dir: string,
): Promise<SynthSource[]> {
  await mkdir(dir, { recursive: true });
  const base = rt.state.base.commit;
  return Promise.all(
    facts.map(async (f) => {
      const tip = await resolveCommit(rt.repo.root, `refs/heads/${f.branch}`);
      const [diff, stat] = f.worktreeExists
        ? await Promise.all([worktreeDiff(f.worktree, base), worktreeDiff(f.worktree, base, { stat: true })])
        : tip
          ? await Promise.all([
              diffText(rt.repo.root, base, tip),
              diffText(rt.repo.root, base, tip, { stat: true }),
            ])
          : ['', ''];
      const diffFile = join(dir, `${f.index}.diff`);
      await writeFile(diffFile, diff);
      return {
        index: f.index,
        label: f.label,
        agent: f.agent,
        branch: f.branch,
        worktree: f.worktree,
        diff,
        stat,
        diffFile,
        untracked: f.untracked,
      };
    }),
  );
}
