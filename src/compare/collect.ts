import type { EvalCommand } from '../config/resolve.js';
import { candidateCost } from '../cost/collect.js';
import { type CandidateCost, UNKNOWN_COST } from '../cost/types.js';
import { readPick } from '../task/picked.js';
import { readVerdict, type Verdict, verdictFor } from '../task/verdict.js';
import { type EvalJob, runEvals, skippedEval } from './evals.js';
import { type CandidateFacts, findOverlap, gatherCandidates, touchedFiles } from './stats.js';
import type { RecordedTask } from './task.js';
import type { CandidateJson, CompareJson, EvalResult } from './types.js';

export interface CollectOptions {
  /** Run the config's eval commands (false: --no-eval). */
  evals: boolean;
  /** Evals run at once (--jobs); default: the config's evalJobs, else the CPU count. */
  jobs?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface Comparison {
  json: CompareJson;
  facts: CandidateFacts[];
}

/** Reads every candidate's git state and runs the evals in every existing worktree concurrently. */
export async function collectComparison(rt: RecordedTask, options: CollectOptions): Promise<Comparison> {
  const { state, repo, config, plan } = rt;
  const facts = await gatherCandidates(repo.root, state.task, state.base.commit, rt.candidates);
  const evals = options.evals ? config.eval : [];
  // A remote candidate's evals run on its host, in its worktree there.
  const hostOf = (index: number) => plan.candidates.find((c) => c.index === index)?.host;
  const jobs: EvalJob[] = facts
    .filter((f) => f.worktreeExists || hostOf(f.index))
    .flatMap((f) =>
      evals.map((e) => ({
        candidate: f.index,
        worktree: f.worktree,
        ...(hostOf(f.index) ? { host: hostOf(f.index) } : {}),
        eval: e,
        env: {
          PARALLEL_TASK: state.task,
          PARALLEL_INDEX: String(f.index),
          ...portEnv(plan.candidates.find((c) => c.index === f.index)?.port),
        },
      })),
    );
  const verdict = readVerdict(plan.paths);
  const costs = Promise.all(
    facts.map((f) =>
      candidateCost({
        index: f.index,
        worktree: f.worktree,
        runDir: plan.paths.runDir,
        stateDir: plan.paths.dir,
        since: state.createdAt,
      }),
    ),
  );
  const results = await runEvals(jobs, {
    logDir: plan.paths.logDir,
    concurrency: options.jobs ?? config.evalJobs,
    maxLogBytes: config.maxLogBytes,
    onProgress: options.onProgress && ((done, total) => options.onProgress!(done, total)),
  });
  const byCandidate = new Map<number, EvalResult[]>();
  jobs.forEach((job, i) => {
    byCandidate.set(job.candidate, [...(byCandidate.get(job.candidate) ?? []), results[i]!]);
  });
  const json = buildCompareJson({
    task: state.task,
    base: state.base,
    evals,
    facts,
    results: byCandidate,
    verdict: await verdict,
    costs: new Map((await costs).map((cost, i) => [facts[i]!.index, cost])),
  });
  const picked = await readPick(plan.paths);
  for (const c of json.candidates) c.picked = picked?.index === c.index ? picked : null;
  return { json, facts };
}

const portEnv = (port: number | undefined): Record<string, string> =>
  port === undefined ? {} : { PARALLEL_PORT: String(port) };

export interface CompareInput {
  task: string;
  base: { ref: string; commit: string; branch?: string };
  evals: EvalCommand[];
  facts: CandidateFacts[];
  results: Map<number, EvalResult[]>;
  verdict?: Verdict;
  costs?: Map<number, CandidateCost>;
}

/** Facts + eval results → the stable JSON shape. Pure. */
export function buildCompareJson(input: CompareInput): CompareJson {
  const overlap = findOverlap(input.facts.map((f) => ({ index: f.index, files: touchedFiles(f) })));
  const candidates = input.facts.map(
    (f): CandidateJson => ({
      index: f.index,
      label: f.label,
      agent: f.agent,
      branch: f.branch,
      worktree: f.worktree,
      worktreeExists: f.worktreeExists,
      head: f.head,
      commitsAhead: f.commitsAhead,
      filesChanged: f.files.length,
      insertions: sum(f.files.map((file) => file.insertions)),
      deletions: sum(f.files.map((file) => file.deletions)),
      files: f.files,
      uncommitted: f.uncommitted,
      untracked: f.untracked,
      overlap: overlap.filter((o) => o.candidates.includes(f.index)).map((o) => o.file),
      evals: input.evals.map(
        (e) => input.results.get(f.index)?.find((r) => r.name === e.name) ?? skippedEval(e),
      ),
      verdict: verdictFor(input.verdict, f.index),
      cost: input.costs?.get(f.index) ?? UNKNOWN_COST,
      picked: null,
    }),
  );
  const v = input.verdict;
  return {
    version: 1,
    task: input.task,
    base: { ref: input.base.ref, commit: input.base.commit, branch: input.base.branch ?? null },
    evals: input.evals.map((e) => e.name),
    candidates,
    overlap,
    judge: v
      ? {
          agent: v.agent,
          at: v.at,
          judged: v.judged,
          ranking: v.ranking,
          changedSince: input.facts
            .filter((f) => v.judged.includes(f.index) && (v.heads[String(f.index)] ?? null) !== f.head)
            .map((f) => f.index),
        }
      : null,
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Evals that could not give a verdict (timeout, missing command), one sentence per eval. */
export function evalProblems(json: CompareJson): string[] {
  const groups = new Map<string, { e: EvalResult; indexes: number[] }>();
  for (const c of json.candidates) {
    for (const e of c.evals) {
      if (e.status !== 'timeout' && e.status !== 'missing') continue;
      const key = `${e.status}\0${e.name}`;
      const group = groups.get(key) ?? { e, indexes: [] };
      group.indexes.push(c.index);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map(({ e, indexes }) => {
    const where = `candidate${indexes.length > 1 ? 's' : ''} ${indexes.join(', ')}`;
    const logs = e.log?.replace(/eval-\d+-([^/]*)\.log$/, 'eval-<n>-$1.log');
    return e.status === 'timeout'
      ? `eval "${e.name}" timed out in ${where} and was killed with its processes; raise its \`timeout\` in the config or fix the hang (logs: ${logs})`
      : `eval "${e.name}" could not run in ${where}: \`${e.command}\` is not a command found on PATH; install it or fix the command in the config (logs: ${logs})`;
  });
}
