import { UserError } from '../errors.js';

export async function pick(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel pick` is not available in this build yet.');
}
