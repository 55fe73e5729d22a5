import { UserError } from '../errors.js';

export async function ls(..._args: unknown[]): Promise<void> {
  throw new UserError('`parallel ls` is not available in this build yet.');
}
