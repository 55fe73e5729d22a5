import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ROOT } from './repo.js';

export const SCHEMAS = join(ROOT, 'schemas');

/**
 * Parses `text` as JSON and checks it against schemas/<name>.json (zod reads JSON Schema);
 * → the value, or throws with what does not match.
 */
export function validJson(name: string, text: string): any {
  const schema = JSON.parse(readFileSync(join(SCHEMAS, `${name}.json`), 'utf8'));
  const value = JSON.parse(text);
  const result = z.fromJSONSchema(schema).safeParse(value);
  if (!result.success) throw new Error(`${name}: ${z.prettifyError(result.error)}\n${text.slice(0, 2000)}`);
  return value;
}
