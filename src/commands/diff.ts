import { UserError } from '../errors.js';

export async function diff(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel diff` is not available in this build yet.');
}
