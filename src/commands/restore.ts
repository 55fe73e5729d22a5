import { UserError } from '../errors.js';

export async function restore(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel restore` is not available in this build yet.');
}
