import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What a config module gave, or how loading it failed, as the worker reports it. */
export type ModuleOutcome =
  | { kind: 'loaded'; exported: boolean; value: unknown }
  | { kind: 'threw'; name: string; message: string }
  | { kind: 'not-data'; message: string }
  | { kind: 'exited'; code: number }
  | { kind: 'unfinished' }
  | { kind: 'timeout'; ms: number };

/** `PARALLEL_CONFIG_TIMEOUT_MS` overrides the 30 s a config module may take to load (generous: a loaded machine is slow). */
export function configTimeoutMs(): number {
  const wanted = Number(process.env.PARALLEL_CONFIG_TIMEOUT_MS);
  return Number.isFinite(wanted) && wanted > 0 ? wanted : 30_000;
}

// Runs in the worker (CommonJS): imports the config through jiti and posts its default export.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const exit = process.exit.bind(process);
process.exit = (code) => { parentPort.postMessage({ kind: 'exited', code: Number(code ?? process.exitCode ?? 0) }); exit(code); };
const { createJiti } = require(workerData.jiti);
const jiti = createJiti(workerData.from, workerData.options);
jiti.import(workerData.file).then(
  (mod) => {
    const exported = mod !== null && typeof mod === 'object' && Object.hasOwn(mod, 'default');
    const outcome = { kind: 'loaded', exported, value: exported ? mod.default : undefined };
    try { parentPort.postMessage(outcome); }
    catch (error) { parentPort.postMessage({ kind: 'not-data', message: String(error && error.message || error) }); }
  },
  (error) => parentPort.postMessage({
    kind: 'threw',
    name: String(error && error.name || 'Error'),
    message: String(error && error.message || error),
  }),
);
`;

/**
 * Evaluates a config module in a worker thread, so that nothing in it can hang or end the
 * command: an endless loop is stopped after the time limit, `process.exit` and a top-level
 * await that never settles are reported, and what it prints goes to stderr (stdout carries
 * `--json` output).
 */
export function loadModuleBounded(
  file: string,
  jitiOptions: Record<string, unknown>,
): Promise<ModuleOutcome> {
  const ms = configTimeoutMs();
  return new Promise((resolve) => {
    const worker = new Worker(WORKER, {
      eval: true,
      stdout: true,
      workerData: {
        file,
        from: import.meta.url,
        jiti: createRequire(import.meta.url).resolve('jiti'),
        options: jitiOptions,
      },
    });
    worker.stdout.pipe(process.stderr, { end: false });
    let outcome: ModuleOutcome | undefined;
    const finish = (result: ModuleOutcome) => {
      outcome ??= result;
      clearTimeout(timer);
      void worker.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', ms }), ms);
    worker.on('message', (message: ModuleOutcome) => finish(message));
    worker.on('error', (error) => finish({ kind: 'threw', name: error.name, message: error.message }));
    worker.on('exit', () => finish({ kind: 'unfinished' }));
  });
}
