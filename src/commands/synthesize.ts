import { UserError } from '../errors.js';

export async function synthesize(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel synthesize` is not available in this build yet.');
}
