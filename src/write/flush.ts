/**
 * flushWrites: the ONLY code that writes the generated project.
 *
 * - New directory: everything is written into a temp dir beside the target
 *   (`.<name>.tmp-<random>`, same parent, so the rename cannot cross file systems) and
 *   renamed into place; on failure or Ctrl-C the temp dir is removed, so nothing
 *   half-written is left behind.
 * - Existing directory (empty, or --force): each file is written to a temp file beside it
 *   and renamed over the target, so no file is ever half-written. Files not in the plan
 *   are never touched. On failure, files and folders this run created are removed again;
 *   files it already overwrote stay overwritten.
 *
 * Files are written with mode 0644: generated files never carry executable bits.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CancelledError } from "../errors.js";
import type { WritePlan } from "./plan.js";

const FILE_MODE = 0o644;
const tempName = (name: string) => `.${name}.tmp-${randomBytes(4).toString("hex")}`;

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

async function flushIntoNewDir(plan: WritePlan, signal: AbortSignal | undefined): Promise<void> {
  const parent = dirname(plan.targetDir);
  const createdParent = await mkdir(parent, { recursive: true }); // first folder made, if any
  const temp = join(parent, tempName(basename(plan.targetDir)));
  try {
    await mkdir(temp);
    for (const write of plan.writes) {
      throwIfCancelled(signal);
      const path = join(temp, write.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, write.contents, { mode: FILE_MODE });
    }
    throwIfCancelled(signal);
    await rename(temp, plan.targetDir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (createdParent !== undefined) await rm(createdParent, { recursive: true, force: true });
    throw error;
  }
}

async function flushIntoExistingDir(plan: WritePlan, signal: AbortSignal | undefined): Promise<void> {
  const created: string[] = []; // files and topmost new folders, for clean-up on failure
  try {
    for (const write of plan.writes) {
      if (write.action === "identical") continue;
      throwIfCancelled(signal);
      const path = join(plan.targetDir, write.path);
      const newFolder = await mkdir(dirname(path), { recursive: true });
      if (newFolder !== undefined) created.push(newFolder);
      const temp = join(dirname(path), tempName(basename(path)));
      try {
        await writeFile(temp, write.contents, { mode: FILE_MODE });
        await rename(temp, path);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      if (write.action === "create") created.push(path);
    }
  } catch (error) {
    for (const path of created.reverse()) await rm(path, { recursive: true, force: true });
    throw error;
  }
}

export async function flushWrites(plan: WritePlan, options: { signal?: AbortSignal } = {}): Promise<void> {
  if (plan.targetExists) await flushIntoExistingDir(plan, options.signal);
  else await flushIntoNewDir(plan, options.signal);
}
