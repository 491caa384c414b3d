/** Plain words for the file system errors a user can act on (permission, space, path length). */
import { FailureError, UserError } from "./errors.js";

const REASONS: Readonly<Record<string, string>> = {
  EACCES: "permission denied",
  EPERM: "the operation is not permitted there",
  EROFS: "the file system is read-only",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exceeded",
  ENAMETOOLONG: "the path is too long for this system",
  ENOTDIR: "a file is in the way of one of its folders",
  EISDIR: "a folder is in the way of one of its files",
  EEXIST: "something else created the same path meanwhile",
  EMFILE: "too many files are open",
  ENFILE: "too many files are open",
  EIO: "the disk reported an input/output error",
  EBUSY: "the path is in use",
  ELOOP: "the path has too many symbolic links",
  // mkdir says ENOENT where the parent exists: /proc, or a dangling symbolic link on the way.
  ENOENT: "a folder on the path cannot be created there (a broken link, or a special file system)",
};

/** Codes that mean the chosen path cannot work, whoever runs it: a usage error (exit 2). */
const PATH_CODES = new Set(["ENAMETOOLONG", "ENOTDIR", "EISDIR", "ELOOP", "ENOENT"]);

export function fsErrorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** "permission denied", "the disk is full", ...; undefined for errors that are not one of these. */
export function describeFsError(error: unknown): string | undefined {
  const code = fsErrorCode(error);
  return code === undefined ? undefined : REASONS[code];
}

/** True when the error is about the path itself (too long, a file in the way), not the machine. */
export function isPathError(error: unknown): boolean {
  return PATH_CODES.has(fsErrorCode(error) ?? "");
}

/**
 * The error to report when a write failed and was rolled back: a one-sentence UserError
 * (exit 2) for a path that cannot work, a FailureError (exit 1) for the machine's refusal,
 * and the error itself when it is not a file system error this module knows.
 */
export function writeFailure(error: unknown, what: string, outcome: string): unknown {
  const reason = describeFsError(error);
  if (reason === undefined) return error;
  const message = `${what}: ${reason}. ${outcome}`;
  return isPathError(error) ? new UserError(message) : new FailureError(message);
}
