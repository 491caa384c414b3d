/**
 * A problem with what the user asked for (bad flag, bad directory, bad config file).
 * The top-level handler prints only the message and exits with code 2; anything else
 * that is thrown is treated as a bug (exit 1).
 */
export class UserError extends Error {
  override name = "UserError";
}

/**
 * A failure outside the user's input that the user can act on (permission denied, disk
 * full): the top-level handler prints only the message, without "Unexpected error", and
 * exits with code 1.
 */
export class FailureError extends Error {
  override name = "FailureError";
}

/** The user pressed Ctrl-C; the handler prints "Cancelled" and exits with code 130. */
export class CancelledError extends Error {
  override name = "CancelledError";
  constructor(message = "Cancelled") {
    super(message);
  }
}

/** Inquirer rejects with an ExitPromptError on Ctrl-C; matched by name so that
 * non-interactive runs never need to import inquirer. */
export function isPromptCancellation(error: unknown): boolean {
  return error instanceof Error && error.name === "ExitPromptError";
}
