import { UserError } from '../errors.js';

export async function up(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel up` is not available in this build yet.');
}
