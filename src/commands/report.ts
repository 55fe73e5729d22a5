import { UserError } from '../errors.js';

export async function report(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel report` is not available in this build yet.');
}
