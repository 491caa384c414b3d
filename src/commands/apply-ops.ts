import { CancelledError } from "../errors.js";
import { writeFailure } from "../fs-errors.js";
import type { CliIO } from "../cli-io.js";
import { checkFoldersFree } from "../update/read-disk.js";
import { applyFileOps, type FileOp } from "../write/transaction.js";
import type { OpenedProject } from "./open-project.js";

/** Writes an update's file operations into the project, all or nothing, keeping file modes. */
export async function applyOps(project: OpenedProject, ops: readonly FileOp[], io: CliIO): Promise<void> {
  for (const op of ops) if (op.contents !== undefined) await checkFoldersFree(project.dir, op.path);
  if (io.signal?.aborted) throw new CancelledError();
  try {
    await applyFileOps(project.dir, ops, { signal: io.signal, mode: "keep" });
  } catch (error) {
    throw writeFailure(error, `Could not write to ${project.shownDir}`, "Nothing was changed.");
  }
}
