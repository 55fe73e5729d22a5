import { UserError } from '../errors.js';

export async function send(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel send` is not available in this build yet.');
}
