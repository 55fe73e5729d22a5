import { UserError } from '../errors.js';

export async function down(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel down` is not available in this build yet.');
}
