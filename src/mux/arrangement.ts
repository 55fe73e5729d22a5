import type { Plan } from '../plan/plan.js';
import { shellQuote } from '../render/shell.js';

/**
 * What `up` would build, in the multiplexer's own terms (`parallel render --print`): the Zellij
 * layout as written, the tmux commands, or the headless launcher lines.
 */
export async function describeArrangement(plan: Plan, zellijLayout: string): Promise<string> {
  if (plan.mux === 'tmux') return (await import('./tmux-commands.js')).tmuxScript(plan);
  if (plan.mux === 'none') {
    const { logFile } = await import('./none.js');
    const lines = plan.candidates.map(
      (c) => `bash ${shellQuote(c.launcher)} >> ${shellQuote(logFile(plan, c.index))} 2>&1 &`,
    );
    return [
      `# headless: ${plan.candidates.length} launcher(s), each in its own process group`,
      ...lines,
    ].join('\n');
  }
  return zellijLayout;
}
