import { UserError } from '../errors.js';

export async function compare(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel compare` is not available in this build yet.');
}
