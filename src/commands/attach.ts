import { UserError } from '../errors.js';

export async function attach(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel attach` is not available in this build yet.');
}
