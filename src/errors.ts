/**
 * An error the user can fix. The CLI prints its message as one paragraph and exits
 * non-zero without a stack trace (the stack only shows with --verbose).
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'UserError';
    this.exitCode = options.exitCode ?? 1;
  }
}

export const isUserError = (error: unknown): error is UserError => error instanceof UserError;
