import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packageAsset } from '../assets.js';
import { CONFIG_FILES } from '../config/load.js';
import { UserError } from '../errors.js';
import { findRepo } from '../git/repo.js';
import { out } from '../output.js';

export async function init(): Promise<void> {
  const repo = await findRepo(process.cwd());
  for (const name of CONFIG_FILES.filter((f) => f !== 'package.json')) {
    const existing = join(repo.root, name);
    if (
      await access(existing).then(
        () => true,
        () => false,
      )
    ) {
      throw new UserError(
        `${existing} already exists; init never overwrites a config. Edit it, or delete it first to start over.`,
      );
    }
  }
  const file = join(repo.root, 'parallel.config.ts');
  await writeFile(file, packageAsset('templates', 'parallel.config.ts'), { flag: 'wx' });
  out(`Wrote ${file}. Edit it, commit it, then run: parallel up <task> --prompt "…"`);
}
