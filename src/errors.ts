/**
 * A problem with what the user asked for (bad flag, bad directory, bad config file).
 * The top-level handler prints only the message and exits with code 2; anything else
 * that is thrown is treated as a bug (exit 1).
 */
export class UserError extends Error {
  override name = "UserError";
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
