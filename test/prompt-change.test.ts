/** A different prompt on an existing task is refused; --prompt-for-new and --prompt-editor. */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo, waitForStarts } from './support/repo.js';

describe('the prompt of an existing task', { timeout: 180_000 }, () => {
  let repo: TestRepo;
  const promptFile = () => readFileSync(join(repo.stateDir('t'), 'prompt.txt'), 'utf8');
  beforeAll(async () => {
    repo = await makeRepo();
    const up = await repo.run([
      'up',
      't',
      '--mux',
      'none',
      '--no-attach',
      '--agents',
      '1',
      '-p',
      'old prompt',
    ]);
    expect(up.code, up.stderr).toBe(0);
    await waitForStarts(repo, 1);
  });
  afterAll(async () => {
    await repo.run(['down', 't']);
    await repo.cleanup();
  });

  it('a different one is refused, showing both and the choices; nothing changes', async () => {
    const result = await repo.run(['up', 't', '--no-attach', '--agents', '2', '-p', 'new prompt']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/started with: "old prompt"/);
    expect(result.stderr).toMatch(/given now: +"new prompt"/);
    expect(result.stderr).toMatch(/parallel up <new-name>/);
    expect(result.stderr).toMatch(/--prompt-for-new/);
    expect(promptFile()).toBe('old prompt');
    const state = JSON.parse(readFileSync(join(repo.stateDir('t'), 'state.json'), 'utf8'));
    expect(state.candidates.length).toBe(1);
  });

  it('the same one, or none, is fine', async () => {
    expect((await repo.run(['up', 't', '--no-attach', '-p', 'old prompt'])).code).toBe(0);
    expect((await repo.run(['up', 't', '--no-attach'])).code).toBe(0);
  });

  it('--prompt-for-new gives the new prompt to the new candidates only', async () => {
    const result = await repo.run([
      'up',
      't',
      '--no-attach',
      '--agents',
      '2',
      '-p',
      'new prompt',
      '--prompt-for-new',
    ]);
    expect(result.code, result.stderr).toBe(0);
    await waitForStarts(repo, 2);
    const byIndex = (n: string) => repo.records().filter((r) => r.env.PARALLEL_INDEX === n);
    expect(byIndex('1').map((r) => r.prompt)).toEqual(['old prompt']);
    expect(byIndex('2').map((r) => r.prompt)).toEqual(['new prompt']);
  });

  it('--prompt-editor writes the prompt in $EDITOR, starting from the saved one', async () => {
    const editor = join(repo.parent, 'editor.sh');
    // Keeps what it was given (to check it started from the saved prompt) and writes a new prompt.
    writeFileSync(
      editor,
      `#!/bin/sh\ncp "$1" ${JSON.stringify(join(repo.parent, 'seen'))}\nprintf '# a comment\\nedited prompt\\n' > "$1"\n`,
    );
    chmodSync(editor, 0o755);
    const env = { EDITOR: editor, VISUAL: '' };
    const result = await repo.run(
      ['up', 'e', '--mux', 'none', '--no-attach', '--agents', '1', '--prompt-editor'],
      { env },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(repo.stateDir('e'), 'prompt.txt'), 'utf8')).toBe('edited prompt\n');
    expect(readFileSync(join(repo.parent, 'seen'), 'utf8')).toMatch(/^\n# Write the task prompt/);
    const again = await repo.run(['up', 'e', '--no-attach', '--prompt-editor'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(repo.parent, 'seen'), 'utf8')).toMatch(/^edited prompt\n/);
    await repo.run(['down', 'e']);
  });

  it('an empty prompt from the editor stops before anything is created', async () => {
    const editor = join(repo.parent, 'empty.sh');
    writeFileSync(editor, '#!/bin/sh\n: > "$1"\n');
    chmodSync(editor, 0o755);
    const result = await repo.run(['up', 'x', '--mux', 'none', '--no-attach', '--prompt-editor'], {
      env: { EDITOR: editor, VISUAL: '' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/empty/);
    expect(repo.git(['branch', '--list', 'x-*']).trim()).toBe('');
  });
});
