import { UserError } from '../errors.js';
import { out } from '../output.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Prints the completion script for `shell`, built from the program's own commands and flags. */
export async function completion(shell: string): Promise<void> {
  if (!(SHELLS as readonly string[]).includes(shell)) {
    throw new UserError(
      `No completion for the shell "${shell}": use one of ${SHELLS.join(', ')}, e.g. \`source <(parallel completion bash)\`.`,
      { exitCode: 2 },
    );
  }
  const [{ buildProgram }, { completionSpec }] = await Promise.all([
    import('../program.js'),
    import('../completion/spec.js'),
  ]);
  const spec = completionSpec(buildProgram(), [...SHELLS]);
  if (shell === 'bash') out((await import('../completion/bash.js')).bashScript(spec));
  else if (shell === 'zsh') out((await import('../completion/zsh.js')).zshScript(spec));
  else out((await import('../completion/fish.js')).fishScript(spec));
}
