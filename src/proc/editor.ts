import { spawn } from 'node:child_process';
import { UserError } from '../errors.js';

/** The editor a person chose, as git finds it: $VISUAL, then $EDITOR, then vi. */
export const chosenEditor = (env: NodeJS.ProcessEnv = process.env) =>
  env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';

/**
 * Runs the editor on `path` in this terminal and waits for it. The editor value is a shell
 * command (`code --wait`, `emacsclient -t`); the path goes as an argument, never into the source.
 */
export function runEditor(path: string, cwd?: string): Promise<void> {
  const editor = chosenEditor();
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${editor} "$@"`, editor, path], { stdio: 'inherit', cwd });
    child.on('error', (error) =>
      reject(new UserError(`Cannot start the editor \`${editor}\`: ${error.message}. Set $EDITOR.`)),
    );
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new UserError(
            `The editor \`${editor}\` exited with ${code ?? 'a signal'}; nothing was done. Set $VISUAL or $EDITOR to an editor that waits until you close the file.`,
          ),
        );
    });
  });
}
