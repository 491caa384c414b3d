/**
 * planWrites: compares the rendered files with the disk and classifies each one, before
 * anything is written. Printing the plan is the dry run.
 */
import { readFile, stat } from "node:fs/promises";
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

async function classify(absolutePath: string, relativePath: string, contents: string | Uint8Array): Promise<WriteAction> {
  try {
    const info = await stat(absolutePath);
    if (!info.isFile()) throw new UserError(`Cannot write ${relativePath}: something other than a file is in the way.`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "create";
    if (code === "ENOTDIR") throw new UserError(`Cannot write ${relativePath}: a file is in the way of one of its folders.`);
    throw error;
  }
  return sameBytes(await readFile(absolutePath), toBytes(contents)) ? "identical" : "overwrite";
}

export async function planWrites(files: ReadonlyMap<string, string | Uint8Array>, targetDir: string): Promise<WritePlan> {
  let targetExists: boolean;
  try {
    targetExists = (await stat(targetDir)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    targetExists = false;
  }
  const writes: PlannedWrite[] = [];
  for (const [path, contents] of files) {
    const action = targetExists ? await classify(join(targetDir, path), path, contents) : "create";
    writes.push({ path, action, contents });
  }
  return { targetDir, targetExists, writes };
}
