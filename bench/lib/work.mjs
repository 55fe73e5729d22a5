// Candidates with work to look at: each commits a change to `files` files and leaves one
// uncommitted edit and one untracked file, as an agent mid-task would.
import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKTREES } from './context.mjs';

const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'agent',
  GIT_AUTHOR_EMAIL: 'agent@example.com',
  GIT_COMMITTER_NAME: 'agent',
  GIT_COMMITTER_EMAIL: 'agent@example.com',
};

export function addWork(count, files = 10) {
  for (let i = 1; i <= count; i++) {
    const dir = join(WORKTREES, `bench-${i}`);
    for (let f = 0; f < files; f++) {
      const n = (i * 37 + f * 101) % 1000;
      const file = join(
        dir,
        'src',
        `pkg${String(n % 50).padStart(2, '0')}`,
        `mod${String(Math.floor(n / 50) % 20).padStart(2, '0')}`,
        `file${String(n).padStart(5, '0')}.ts`,
      );
      appendFileSync(file, `export const candidate${i}_${f} = ${i * f};\n`);
    }
    execFileSync('git', ['commit', '-qam', `candidate ${i}: ${files} files`], { cwd: dir, env: ENV });
    appendFileSync(join(dir, 'src', 'pkg00', 'mod00', 'file00000.ts'), '// still editing\n');
    writeFileSync(join(dir, `notes-${i}.md`), 'untracked\n');
  }
}
