/**
 * flushWrites: the ONLY code that writes the generated project.
 *
 * - New directory: everything is written into a temp dir beside the target
 *   (`.<name>.tmp-<random>`, same parent, so the rename cannot cross file systems) and
 *   renamed into place; on failure or Ctrl-C the temp dir is removed, so nothing
 *   half-written is left behind.
 * - Existing directory (empty, or --force): all or nothing through applyFileOps
 *   (src/write/transaction.ts): every file is staged beside its target, then renamed into
 *   place; on failure or Ctrl-C the overwritten files are restored and everything this run
 *   created is removed. Files not in the plan are never touched.
 *
 * Files are written with mode 0644: generated files never carry executable bits.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CancelledError } from "../errors.js";
import { toBytes, type WritePlan } from "./plan.js";
import { makeDirs } from "./make-dirs.js";
import { randomSuffix } from "./random-suffix.js";
import { applyFileOps } from "./transaction.js";

const FILE_MODE = 0o644;
// At most 32 characters of the name: a name near the file system's limit still gets a temp dir.
const tempName = (name: string) => `.${[...name].slice(0, 32).join("")}.tmp-${randomSuffix()}`;

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Every folder the paths need ("a/b/c.py" -> "a", "a/b"), parents before children. */
function foldersOf(paths: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const path of paths) {
    for (let slash = path.indexOf("/"); slash > 0; slash = path.indexOf("/", slash + 1)) folders.add(path.slice(0, slash));
  }
  return [...folders].sort((a, b) => a.split("/").length - b.split("/").length || (a < b ? -1 : 1));
}

async function flushIntoNewDir(plan: WritePlan, signal: AbortSignal | undefined): Promise<void> {
  const parent = dirname(plan.targetDir);
  const createdParent = makeDirs(parent); // first folder made, if any
  const temp = join(parent, tempName(basename(plan.targetDir)));
  try {
    // Synchronous on purpose: a few dozen small files into a folder nobody else sees; the
    // thread pool's round trips would cost more than the writes. Ctrl-C is checked after.
    // The paths come from the templates/ tree (relative, "/"-separated, no "." or ".."), so
    // they are joined by hand: path.join would normalise each whole path again.
    mkdirSync(temp);
    for (const folder of foldersOf(plan.writes.map((w) => w.path))) mkdirSync(`${temp}/${folder}`);
    for (const write of plan.writes) writeFileSync(`${temp}/${write.path}`, write.contents, { mode: FILE_MODE });
    throwIfCancelled(signal);
    renameSync(temp, plan.targetDir);
  } catch (error) {
    const left: string[] = [];
    await rm(temp, { recursive: true, force: true }).catch(() => left.push(temp));
    if (createdParent !== undefined) await rm(createdParent, { recursive: true, force: true }).catch(() => left.push(createdParent));
    // Only an error that is the original one may be reported as "nothing was written".
    if (left.length > 0) throw new Error(`${(error as Error).message}; and these could not be removed: ${left.join(", ")}`, { cause: error });
    throw error;
  }
}

async function flushIntoExistingDir(plan: WritePlan, signal: AbortSignal | undefined): Promise<void> {
  const ops = plan.writes.filter((w) => w.action !== "identical").map((w) => ({ path: w.path, contents: toBytes(w.contents) }));
  await applyFileOps(plan.targetDir, ops, { signal, mode: FILE_MODE });
}

export async function flushWrites(plan: WritePlan, options: { signal?: AbortSignal } = {}): Promise<void> {
  if (plan.targetExists) await flushIntoExistingDir(plan, options.signal);
  else await flushIntoNewDir(plan, options.signal);
}
