import { UserError } from '../errors.js';

export async function status(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel status` is not available in this build yet.');
}
