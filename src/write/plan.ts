/**
 * planWrites: compares the rendered files with the disk and classifies each one, before
 * anything is written. Printing the plan is the dry run. Synchronous: one stat for a new
 * project, a stat and a read per file in an existing one.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sameBytes, toBytes } from "../bytes.js";
import { UserError } from "../errors.js";

export type WriteAction = "create" | "overwrite" | "identical";

export interface PlannedWrite {
  /** Relative path with "/" separators. */
  path: string;
  action: WriteAction;
  contents: string | Uint8Array;
}

export interface WritePlan {
  targetDir: string;
  /** False: flushWrites builds the whole project in a temp dir and renames it into place. */
  targetExists: boolean;
  writes: PlannedWrite[];
}

export { toBytes };

function classify(absolutePath: string, relativePath: string, contents: string | Uint8Array): WriteAction {
  try {
    const info = statSync(absolutePath);
    if (!info.isFile()) throw new UserError(`Cannot write ${relativePath}: something other than a file is in the way.`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "create";
    if (code === "ENOTDIR") throw new UserError(`Cannot write ${relativePath}: a file is in the way of one of its folders.`);
    throw error;
  }
  return sameBytes(readFileSync(absolutePath), toBytes(contents)) ? "identical" : "overwrite";
}

export function planWrites(files: ReadonlyMap<string, string | Uint8Array>, targetDir: string): WritePlan {
  let targetExists: boolean;
  try {
    targetExists = statSync(targetDir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    targetExists = false;
  }
  const writes: PlannedWrite[] = [];
  for (const [path, contents] of files) {
    const action = targetExists ? classify(join(targetDir, path), path, contents) : "create";
    writes.push({ path, action, contents });
  }
  return { targetDir, targetExists, writes };
}
