import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type CandidateFacts, gatherCandidates, hasChanges } from '../compare/stats.js';
import { type SynthSource, synthPrompt } from '../compare/synth-prompt.js';
import {
  loadRecordedTask,
  type RecordedCandidate,
  type RecordedTask,
  selectCandidates,
} from '../compare/task.js';
import { copyInto, filesToCopy, runSetup } from '../engine/prepare.js';
import { UserError } from '../errors.js';
import { diffText, resolveCommit, worktreeDiff } from '../git/diff.js';
import { addWorktree } from '../git/worktrees.js';
import { capabilitiesOf } from '../mux/capabilities.js';
import { loadDriver } from '../mux/index.js';
import { info, pc, warn } from '../output.js';
import { buildPlan, type Candidate, chooseAgents, expand, type Plan } from '../plan/plan.js';
import { renderBundle } from '../render/bundle.js';
import { lockTask } from '../task/lock.js';
import { writeFileAtomic, writeState } from '../task/state.js';

export interface SynthesizeOptions {
  from?: number[];
  agent?: string;
  attach?: boolean;
}

/**
 * A new candidate `{task}-synth` from the base commit whose agent gets the original prompt plus
 * the chosen candidates' diffs, started in the task's session and recorded in state.json.
 */
export async function synthesize(task: string, options: SynthesizeOptions = {}): Promise<void> {
  const rt = await loadRecordedTask(task);
  const full = rt.plan;
  const unlock = await lockTask(full);
  let synthPlan: Plan;
  let candidate: Candidate;
  try {
    const sources = await chooseSources(rt, options.from);
    candidate = newCandidate(rt, full, options.agent);
    const paths = { ...full.paths, promptFile: join(full.paths.dir, 'synth-prompt.txt') };
    const text = synthPrompt({
      task,
      baseCommit: rt.state.base.commit,
      original: await readFile(full.paths.promptFile, 'utf8').catch(() => rt.plan.prompt),
      sources: await describeSources(rt, sources, join(full.paths.dir, 'synth')),
    });
    synthPlan = {
      ...full,
      prompt: text,
      paths: { ...paths, layoutFile: join(full.paths.dir, 'synth-layout.kdl') },
      candidates: [candidate],
    };
    await writeFileAtomic(paths.promptFile, text);
    await addWorktree(rt.repo.root, candidate.worktree, candidate.branch, rt.state.base.commit);
    const record: RecordedCandidate = {
      index: candidate.index,
      agent: candidate.agent.name,
      branch: candidate.branch,
      worktree: candidate.worktree,
      label: candidate.label,
      synthesizedFrom: sources.map((s) => s.index),
    };
    await writeState(full.paths.stateFile, { ...rt.state, candidates: [...rt.candidates, record] });
    await copyInto(synthPlan, candidate, await filesToCopy(synthPlan));
    const setup = await runSetup(synthPlan, candidate);
    if (!setup.ok) {
      warn(
        `setup failed in ${candidate.label}: \`${setup.failed!.command}\` exited ${setup.failed!.exitCode}; see ${setup.log}. Its agent starts anyway.`,
      );
    }
    const bundle = await renderBundle(synthPlan);
    if (capabilitiesOf(synthPlan.mux).layoutFile)
      await writeFileAtomic(synthPlan.paths.layoutFile, bundle.layout);
    for (const launcher of bundle.launchers) await writeFileAtomic(launcher.path, launcher.content, 0o755);
    const driver = await loadDriver(synthPlan.mux);
    if (await driver.inspect(full)) await driver.addPane(synthPlan, candidate);
    else await driver.createSession(synthPlan, [candidate]);
    info(
      [
        `${pc.green('✔')} Started candidate #${candidate.index} ${pc.bold(candidate.label)} (${candidate.agent.name}) combining ${sources.map((s) => `#${s.index}`).join(', ')}, from ${rt.state.base.commit.slice(0, 12)}.`,
        `  worktree: ${candidate.worktree}`,
        `  prompt:   ${paths.promptFile}`,
        `  look:     ${driver.attachHint(synthPlan)}`,
        `  later:    parallel compare ${task}   /   parallel pick ${task} ${candidate.index}`,
      ].join('\n'),
    );
    const tty = process.stdin.isTTY && process.stdout.isTTY;
    if (options.attach !== false && tty && driver.capabilities.canAttach) {
      await unlock();
      process.exitCode = await driver.attach(full);
      return;
    }
  } finally {
    await unlock().catch(() => undefined);
  }
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

function newCandidate(rt: RecordedTask, full: Plan, agentName: string | undefined): Candidate {
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
  // The same construction as every other candidate (port, env, launcher, pane name).
  const [candidate] = buildPlan({
    config: rt.config,
    configFile: rt.configFile,
    task,
    repo: rt.repo,
    base: rt.state.base,
    mux: full.mux,
    prompt: undefined,
    flags: { agent: [agent.name] },
    recorded: [{ index, branch, worktree, label: `${task}-synth` }],
  }).candidates;
  return candidate!;
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
