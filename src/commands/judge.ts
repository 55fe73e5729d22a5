import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectComparison, evalProblems } from '../compare/collect.js';
import { findOverlap, touchedFiles } from '../compare/stats.js';
import { loadRecordedTask, type RecordedTask, selectCandidates } from '../compare/task.js';
import type { CandidateJson } from '../compare/types.js';
import type { ResolvedAgent } from '../config/resolve.js';
import { UserError } from '../errors.js';
import { diffText, worktreeDiff } from '../git/diff.js';
import { parseJudgeAnswer } from '../judge/answer.js';
import { judgePrompt } from '../judge/prompt.js';
import { runAgentHeadless } from '../judge/run-agent.js';
import { info, pc, warn } from '../output.js';
import { chooseAgents } from '../plan/plan.js';
import { writeFileAtomic } from '../task/state.js';
import { judgeDir, type Verdict, writeVerdict } from '../task/verdict.js';
import { progressLine } from './compare.js';

export interface JudgeOptions {
  agent?: string;
  from?: number[];
  /** commander's --no-eval sets eval: false. */
  eval?: boolean;
}

/**
 * Runs one agent headless over every candidate's diff, eval results and overlap, and records
 * its ranking in `<state dir>/verdict.json`. Picks nothing.
 */
export async function judge(task: string, options: JudgeOptions = {}): Promise<void> {
  const rt = await loadRecordedTask(task);
  const agent = judgeAgent(rt, options.agent);
  const chosen = selectCandidates(rt, options.from, '--from').map((c) => c.index);
  const progress = progressLine(options.eval !== false && rt.config.eval.length > 0);
  const { json } = await collectComparison(rt, {
    evals: options.eval !== false,
    onProgress: progress?.update,
  });
  progress?.end();
  const problems = evalProblems(json);
  if (problems.length) warn(`some evals gave no verdict (the judge is told): ${problems.join('; ')}.`);
  const judged = json.candidates.filter((c) => chosen.includes(c.index));
  const dir = judgeDir(rt.plan.paths);
  await mkdir(dir, { recursive: true });
  const candidates = await Promise.all(
    judged.map(async (facts) => {
      const diff = await candidateDiff(rt, facts);
      const diffFile = join(dir, `${facts.index}.diff`);
      await writeFile(diffFile, diff);
      return { facts, diff, diffFile };
    }),
  );
  const prompt = judgePrompt({
    task,
    baseCommit: rt.state.base.commit,
    original: await readFile(rt.plan.paths.promptFile, 'utf8').catch(() => rt.plan.prompt),
    candidates,
    overlap: findOverlap(judged.map((c) => ({ index: c.index, files: touchedFiles(c) }))),
  });
  const promptFile = join(dir, 'prompt.txt');
  const logFile = join(dir, 'output.log');
  await writeFileAtomic(promptFile, prompt);
  info(
    `Judging ${judged.length} candidate(s) of ${task} with ${pc.bold(agent.name)} (\`${agent.command}\`); its output goes to ${logFile}.`,
  );
  const run = await runAgentHeadless({
    agent,
    prompt,
    promptFile,
    cwd: rt.repo.root,
    env: { ...rt.config.env, ...agent.env, PARALLEL_TASK: task, PARALLEL_PROMPT_FILE: promptFile },
    logFile,
  });
  const numbers = judged.map((c) => c.index);
  if (run.exitCode !== 0) {
    throw new UserError(
      `The judge agent "${agent.name}" ${run.signal ? `was killed by ${run.signal}` : `exited with ${run.exitCode}`}; no verdict was recorded.${lastLines(run.stdout, run.stderr)} Its full output is in ${logFile}.`,
    );
  }
  const parsed = parseJudgeAnswer(run.stdout, numbers);
  if (!parsed.ok) {
    throw new UserError(
      `The judge agent "${agent.name}" gave no usable verdict: ${parsed.problem}, so nothing was recorded. It must end its answer with one fenced JSON block {"ranking": [n, ...], "reasons": {"n": "..."}}.${lastLines(run.stdout, run.stderr)} Its full output is in ${logFile}; run the judge again or try another with --agent.`,
    );
  }
  const verdict: Verdict = {
    version: 1,
    task,
    at: new Date().toISOString(),
    agent: agent.name,
    judged: numbers,
    ranking: parsed.answer.ranking,
    reasons: parsed.answer.reasons,
    heads: Object.fromEntries(judged.map((c) => [String(c.index), c.head])),
    log: logFile,
  };
  await writeVerdict(rt.plan.paths, verdict);
  info(formatVerdict(verdict, judged));
}

/** --agent, else the config's `judge`, else the task's first agent: each in its headless form. */
function judgeAgent(rt: RecordedTask, name: string | undefined): ResolvedAgent {
  const configured = rt.config.judge;
  if (name === undefined && typeof configured === 'object') return configured;
  const wanted =
    name ??
    (typeof configured === 'string' ? configured : undefined) ??
    rt.candidates[0]?.agent ??
    rt.config.agents[0]!.name;
  return chooseAgents(rt.config, { agent: [wanted] })[0]!;
}

async function candidateDiff(rt: RecordedTask, c: CandidateJson): Promise<string> {
  const base = rt.state.base.commit;
  if (c.worktreeExists) return worktreeDiff(c.worktree, base);
  return c.head ? diffText(rt.repo.root, base, c.head) : '';
}

function lastLines(stdout: string, stderr: string): string {
  const text = (stdout.trim() ? stdout : stderr).trimEnd();
  if (!text) return ' It printed nothing.';
  const lines = text.split('\n').slice(-8);
  return ` Its last lines:\n${lines.map((l) => `  | ${l}`).join('\n')}\n`;
}

function formatVerdict(v: Verdict, judged: CandidateJson[]): string {
  const rows = v.ranking.map((n, i) => {
    const c = judged.find((j) => j.index === n)!;
    return `  ${i + 1}. #${n} ${c.label} (${c.agent})${v.reasons[String(n)] ? `: ${v.reasons[String(n)]}` : ''}`;
  });
  const unranked = v.judged.filter((n) => !v.ranking.includes(n));
  const best = v.ranking[0]!;
  return [
    `${pc.green('✔')} Verdict of ${pc.bold(v.agent)} on ${v.task}, best first:`,
    ...rows,
    ...(unranked.length ? [pc.yellow(`  not ranked: ${unranked.map((n) => `#${n}`).join(', ')}`)] : []),
    `Nothing was picked. Next: \`parallel pick ${v.task} ${best}\` or \`parallel ship ${v.task} ${best} --pr\`; \`parallel compare ${v.task}\` shows the verdict with the stats.`,
  ].join('\n');
}
