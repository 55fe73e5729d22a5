// The Zellij contract test double: the layout rule checker (against Zellij's own layout test
// corpus) and the fake `zellij` CLI in test/fixtures/bin.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeZellijSandbox, waitFor, type ZellijSandbox } from './support/zellij-double/harness.js';
import { checkLayout, parseLayoutV1, shellExpand } from './support/zellij-layout-rules.mjs';

/** The design's shared folder sits beside the repository (CI checks it out there too). */
const SHARED = path.resolve(import.meta.dirname, '..', '..', 'shared', 'zellij');
const kdlFiles = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.kdl'))
        .map((f) => path.join(dir, f))
    : [];
const okFiles = [...kdlFiles(`${SHARED}/layout-corpus/ok`), ...kdlFiles(`${SHARED}/examples`)];
const errFiles = kdlFiles(`${SHARED}/layout-corpus/err`);
const corpusEnv: Record<string, string | undefined> = { ...process.env, HOME: '/home/test' };
delete corpusEnv.SOME_UNIQUE_VALUE;

describe('zellij layout rules', () => {
  it("reads Zellij's layout corpus from ../shared/zellij (missing means a broken checkout, not a pass)", () => {
    expect(okFiles.length, `no layouts in ${SHARED}/layout-corpus/ok or ${SHARED}/examples`).toBeGreaterThan(
      0,
    );
    expect(errFiles.length, `no layouts in ${SHARED}/layout-corpus/err`).toBeGreaterThan(0);
  });

  it.each(okFiles)('accepts %s', (file) => {
    expect(checkLayout(fs.readFileSync(file, 'utf8'), { env: corpusEnv })).toEqual([]);
  });

  it.each(errFiles)('refuses %s', (file) => {
    expect(checkLayout(fs.readFileSync(file, 'utf8'), { env: corpusEnv })).not.toEqual([]);
  });

  it('is a KDL v1 parser: refuses #true, bare identifiers and v2 raw strings', () => {
    expect(parseLayoutV1('layout { pane borderless=#true; }').ok).toBe(false);
    expect(checkLayout('layout { pane borderless=#true; }')[0]).toMatch(/Failed to parse KDL/);
    expect(checkLayout('layout { pane split_direction=vertical { pane; pane; }; }')).not.toEqual([]);
    expect(checkLayout('layout { pane command=#"sh"#; }')).not.toEqual([]);
    expect(checkLayout('layout { pane command=r#"sh"#; }')).toEqual([]);
  });

  it('reports Zellij messages for typed properties', () => {
    expect(checkLayout('layout { pane command="ls" { args "-n" 5; }; }')).toEqual(['Not a string']);
    expect(checkLayout('layout { pane size=0; }')).toEqual(['size should be greater than 0']);
    expect(checkLayout('layout { pane borderless="yes"; }')).toEqual([
      'borderless should be either true or false, found "yes"',
    ]);
    expect(checkLayout('layout { pane foo=1; }')).toEqual(['Unknown pane property: foo']);
    expect(checkLayout('layout { pane; }\nlayout { pane; }')).toEqual([
      'Only one layout node per file allowed',
    ]);
    expect(checkLayout('layout { pane command="x" args="y"; }', { strict: true })[0]).toMatch(/args/);
  });

  it('shell-expands like shellexpand::full', () => {
    const env = { A: 'a', HOME: '/h', T: '~' };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax under test
    expect(shellExpand('~/$A/${A}x/$$', env)).toBe('/h/a/ax/$');
    expect(shellExpand('$T/x', env)).toBe('~/x');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax under test
    expect(shellExpand('${MISSING:-d}', env)).toBe('d');
    expect(() => shellExpand('$MISSING', env)).toThrow("error looking key 'MISSING' up");
  });
});

describe('fake zellij CLI', () => {
  let z: ZellijSandbox;
  let work: string;
  beforeEach(() => {
    z = makeZellijSandbox();
    work = path.join(z.sockDir, 'work dir');
    fs.mkdirSync(work);
  });
  afterEach(() => z.cleanup());

  let layoutCount = 0;
  const writeLayout = (body: string) => {
    const file = path.join(z.sockDir, `layout-${++layoutCount}.kdl`);
    fs.writeFileSync(file, body);
    return file;
  };
  const create = (name: string, layout: string, env?: NodeJS.ProcessEnv) =>
    z.run(['attach', '--create-background', name, 'options', '--default-layout', layout], { env });
  const commandLayout = () =>
    writeLayout(`layout {
    cwd ${JSON.stringify(z.sockDir)}
    tab name="agents" {
        pane name="agent" command="sh" cwd="work dir" {
            args "-c" "printf '%s\\\\n' \\"$0\\" \\"$@\\" > out.txt; pwd > cwd.txt; echo run >> runs.txt; env > env.txt" "first arg" "$HOME" "x y"
        }
        pane
    }
}`);
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
  const lines = (f: string) => read(f).split('\n').filter(Boolean);
  const panes = (name: string) =>
    JSON.parse(z.run(['--session', name, 'action', 'list-panes', '--json']).stdout);

  it('creates a session and runs command panes in the layout cwd with unexpanded args', async () => {
    const r = create('s1', commandLayout());
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
    await waitFor(() => read(path.join(work, 'env.txt')), 5000, 'pane command');
    expect(lines(path.join(work, 'out.txt'))).toEqual(['first arg', '$HOME', 'x y']);
    expect(read(path.join(work, 'cwd.txt')).trim()).toBe(work);
    expect(read(path.join(work, 'env.txt'))).toMatch(/^ZELLIJ=0$/m);
    expect(read(path.join(work, 'env.txt'))).toMatch(/^ZELLIJ_SESSION_NAME=s1$/m);
    expect(read(path.join(work, 'env.txt'))).toMatch(/^ZELLIJ_PANE_ID=0$/m);
    // Each poll starts the double (node): every 250 ms, not 20.
    const list = await waitFor(
      () => panes('s1').find((p: { exited: boolean }) => p.exited) && panes('s1'),
      5000,
      'the command pane to exit',
      250,
    );
    expect(list.map((p: { id: number; title: string }) => [p.id, p.title])).toEqual([
      [0, 'agent'],
      [1, 'Pane #2'],
    ]);
    expect(list[0]).toMatchObject({
      exited: true,
      exit_status: 0,
      is_held: true,
      tab_name: 'agents',
      is_plugin: false,
    });
    expect(z.calls()[0]).toEqual([
      'attach',
      '--create-background',
      's1',
      'options',
      '--default-layout',
      expect.any(String),
    ]);
  });

  it('refuses a second create of a live session', () => {
    const layout = commandLayout();
    expect(create('s1', layout).status).toBe(0);
    expect(create('s1', layout)).toMatchObject({ status: 1, stderr: 'Session already exists\n' });
  });

  it('resurrects a killed session with suspended command panes and ignores the new layout', async () => {
    const layout = commandLayout();
    create('s1', layout);
    await waitFor(() => lines(path.join(work, 'runs.txt')).length === 1, 5000, 'first run');
    expect(z.run(['kill-session', 's1'])).toMatchObject({ status: 0, stdout: '' });
    expect(z.run(['list-sessions', '--no-formatting']).stdout).toMatch(
      /^s1 \[Created .+ ago\] \(EXITED - attach to resurrect\)\n$/,
    );
    expect(create('s1', writeLayout('layout { pane command="false"; }')).status).toBe(0);
    const s = z.session('s1');
    expect(s?.status).toBe('live');
    expect(s?.panes[0]).toMatchObject({ command: 'sh', suspended: true, pid: null, runs: 0 });
    expect(panes('s1')[0]).toMatchObject({ id: 0, exited: false, is_held: true, exit_status: null });
    expect(lines(path.join(work, 'runs.txt'))).toEqual(['run']);
    expect(z.run(['--session', 's1', 'action', 'dump-layout']).stdout).toContain('start_suspended true');
    // delete --force forgets it; the next create runs the layout fresh
    expect(z.run(['delete-session', '--force', 's1'])).toMatchObject({ status: 0 });
    expect(create('s1', layout).status).toBe(0);
    await waitFor(() => lines(path.join(work, 'runs.txt')).length === 2, 5000, 'fresh run');
  });

  it('refuses layouts with unset variables in cwd (exit 1, nothing created)', () => {
    const r = create('s1', writeLayout('layout {\n    pane command="true" cwd="$FAKE_UNSET_VAR_42/x"\n}'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error looking key 'FAKE_UNSET_VAR_42' up: environment variable not found");
    expect(z.run(['list-sessions'])).toMatchObject({
      status: 1,
      stderr: 'No active zellij sessions found.\n',
    });
  });

  it('lists sessions like `zellij ls`', () => {
    const layout = writeLayout('layout { pane; }');
    create('alpha', layout);
    create('beta', layout);
    expect(z.run(['ls', '--short']).stdout).toBe('alpha\nbeta\n');
    const current = z.run(['list-sessions', '--no-formatting'], {
      env: { ZELLIJ_SESSION_NAME: 'beta' },
    }).stdout;
    expect(current).toMatch(/^alpha \[Created \d+s ago\] \nbeta \[Created \d+s ago\] \(current\)\n$/);
    expect(z.run(['kill-session', 'nope'])).toMatchObject({
      status: 1,
      stdout: 'No session named "nope" found.\n',
    });
    expect(z.run(['delete-session', 'nope'])).toMatchObject({
      status: 2,
      stderr: 'Session: "nope" not found.\n',
    });
  });

  it('new-pane prints terminal_N and runs the command; write-chars is recorded', async () => {
    create('s1', writeLayout('layout { pane; }'));
    const r = z.run(
      [
        '-s',
        's1',
        'action',
        'new-pane',
        '--cwd',
        'work dir',
        '--name',
        'np',
        '--',
        'sh',
        '-c',
        'pwd > np.txt; cat',
      ],
      {
        cwd: z.sockDir,
      },
    );
    expect(r).toMatchObject({ status: 0, stdout: 'terminal_1\n' });
    await waitFor(() => read(path.join(work, 'np.txt')), 5000, 'new pane');
    expect(read(path.join(work, 'np.txt')).trim()).toBe(work);
    expect(z.run(['-s', 's1', 'ac', 'write-chars', '--pane-id', 'terminal_1', 'hello\n']).status).toBe(0);
    expect(read(path.join(z.sockDir, 's1.typed.terminal_1'))).toBe('hello\n');
    await waitFor(
      () => read(path.join(z.sockDir, 's1.pane-1.log')).includes('hello'),
      5000,
      'typed text reaching cat',
    );
    expect(panes('s1')[1]).toMatchObject({ id: 1, title: 'np', exited: false, pane_cwd: work });
    expect(z.run(['-s', 's1', 'ac', 'close-pane', '--pane-id', 'terminal_9'])).toMatchObject({ status: 2 });
    expect(z.run(['-s', 'other', 'ac', 'list-panes'])).toMatchObject({ status: 1 });
  });

  it('fails actions without a live session', () => {
    expect(z.run(['action', 'list-panes'])).toMatchObject({
      status: 1,
      stderr: 'There is no active session!\n',
    });
  });

  it('fails an interactive attach without a TTY like crossterm does', () => {
    create('s1', writeLayout('layout { pane; }'));
    const r = z.run(['attach', 's1']);
    expect(r.status).toBe(101);
    expect(r.stderr).toMatch(/^thread 'main' panicked at .*\n.*could not enable raw mode/);
    expect(z.run(['attach', 'zzz'])).toMatchObject({
      status: 1,
      stderr: "No session with the name 'zzz' found!\n",
    });
  });

  it('adds a tab instead of creating a session for --layout inside a session', () => {
    create('s1', writeLayout('layout { pane; }'));
    const r = z.run(['--layout', writeLayout('layout { pane; }'), 'attach', '-b', 's2'], {
      env: { ZELLIJ_SESSION_NAME: 's1' },
    });
    expect(r.status).toBe(0);
    expect(z.run(['ls', '-s']).stdout).toBe('s1\n');
    expect(z.session('s1')?.panes).toHaveLength(2);
  });

  it('removes killed sessions when serialization is off, and checks socket path length', () => {
    create('s1', writeLayout('layout { pane; }'), { FAKE_ZELLIJ_NO_SERIALIZE: '1' });
    z.run(['kill-session', 's1']);
    expect(z.run(['ls']).status).toBe(1);
    const long = 'n'.repeat(120);
    expect(create(long, writeLayout('layout { pane; }'))).toMatchObject({ status: 1 });
    expect(z.run(['-s', long, 'action', 'list-panes']).status).toBe(2);
    expect(z.run(['--version']).stdout).toBe('zellij 0.44.1\n');
    expect(z.run(['frobnicate']).status).toBe(2);
  });

  it('hangs in FAKE_ZELLIJ_HANG mode until killed', async () => {
    const child = spawn('zellij', ['list-sessions'], {
      env: { ...z.env, FAKE_ZELLIJ_HANG: '1' },
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, signal) => resolve(signal)),
    );
    try {
      // Once the call is logged the double is past its start-up, in the hang.
      await waitFor(() => z.calls().length === 1, 30_000, 'the call to be logged');
      expect(z.calls()).toEqual([['list-sessions']]);
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
    expect(await exited).toBe('SIGKILL');
  });
});
