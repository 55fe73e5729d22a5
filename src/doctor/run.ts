import { loadConfig } from '../config/load.js';
import { type ResolvedConfig, resolveConfig } from '../config/resolve.js';
import { isUserError } from '../errors.js';
import { findRepo, type Repo } from '../git/repo.js';
import { gitVersionBanner } from '../git/version.js';
import { judgeMultiplexers, probeMultiplexers } from '../mux/requirements.js';
import { tasksDir } from '../plan/paths.js';
import { VERSION } from '../version.js';
import { judgeAgent, probeAgents } from './agents.js';
import { type Check, versionCheck } from './check.js';
import { judgePath, probePath } from './on-path.js';
import { checkStateDir } from './state-dir.js';

/** What git-parallel needs of node and git (package.json engines; `git merge-tree --write-tree`). */
export const NEEDS = { node: '20.19.0', git: '2.38.0' } as const;

export interface DoctorResult {
  checks: Check[];
  blockers: number;
  warnings: number;
}

/** Every check, in the order a person reads them: tools, multiplexers, agents, PATH, the repository. */
export async function runDoctor(cwd: string, self: string | undefined): Promise<DoctorResult> {
  const checks: Check[] = [
    versionCheck({
      id: 'node',
      name: 'node',
      banner: `v${process.versions.node}`,
      path: process.execPath,
      need: NEEDS.node,
      why: 'package.json engines',
      level: 'blocker',
      fix: `install Node.js ${NEEDS.node} or newer`,
    }),
  ];
  const gitBanner = await gitVersionBanner(cwd);
  checks.push(
    versionCheck({
      id: 'git',
      name: 'git',
      banner: gitBanner,
      need: NEEDS.git,
      why: '`down --clean` asks `git merge-tree --write-tree` whether squashed work is in the base',
      level: 'blocker',
      fix: `install git ${NEEDS.git} or newer`,
    }),
  );
  const { repo, config, problem } = await repoAndConfig(cwd, gitBanner !== undefined);
  if (problem) checks.push(problem);
  const [muxes, agents, path, state] = await Promise.all([
    probeMultiplexers(),
    probeAgents(config.agents, repo?.root ?? cwd),
    probePath(self),
    repo ? checkStateDir(repo.commonDir) : Promise.resolve([] as Check[]),
  ]);
  checks.push(...judgeMultiplexers(muxes, config.multiplexer), ...agents.map(judgeAgent));
  checks.push(...judgePath(path, VERSION), ...state);
  return {
    checks,
    blockers: checks.filter((c) => c.level === 'blocker').length,
    warnings: checks.filter((c) => c.level === 'warning').length,
  };
}

async function repoAndConfig(
  cwd: string,
  hasGit: boolean,
): Promise<{ repo?: Repo; config: ResolvedConfig; problem?: Check }> {
  const defaults = resolveConfig({});
  if (!hasGit) return { config: defaults };
  let repo: Repo;
  try {
    repo = await findRepo(cwd);
  } catch (error) {
    if (!isUserError(error)) throw error;
    return {
      config: defaults,
      problem: {
        id: 'repo',
        level: 'info',
        message: `${cwd} is not in a git repository: the config and the task state are not checked (the default agents are)`,
      },
    };
  }
  try {
    const { config, file } = await loadConfig(cwd, repo.root, tasksDir(repo.commonDir));
    const problem: Check = {
      id: 'config',
      level: 'ok',
      message: file ? `config ${file}` : 'no config file: the defaults (three claude agents)',
      ...(file ? { path: file } : {}),
    };
    return { repo, config, problem };
  } catch (error) {
    if (!isUserError(error)) throw error;
    return {
      repo,
      config: defaults,
      problem: {
        id: 'config',
        level: 'blocker',
        message: error.message,
        fix: 'fix the config file as the message says',
      },
    };
  }
}
