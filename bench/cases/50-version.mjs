// Start-up: `parallel --version` against bare `node -e 0`.
import { timeCommand } from '../lib/measure.mjs';

export const id = 'version';
export const title = 'start-up: `parallel --version` against bare `node -e 0`';

export default function versionCase(ctx) {
  const version = [];
  const bare = [];
  for (let run = 0; run < ctx.runs * 2; run++) {
    version.push(timeCommand(process.execPath, [ctx.cli, '--version']).ms);
    bare.push(timeCommand(process.execPath, ['-e', '0']).ms);
  }
  const a = ctx.record('parallel --version', version);
  const b = ctx.record('node -e 0', bare);
  ctx.check({ name: '--version / node -e 0', value: a.median / b.median, limit: 2, unit: '×' });
}
