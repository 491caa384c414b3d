/**
 * applyFileOps: writes and removes a set of files in an existing project, all or nothing.
 *
 * 1. Stage: every new content is written to a temp file beside its target
 *    (`.<name>.tmp-<random>`, same folder, so the rename below cannot cross file systems);
 *    missing folders are created.
 * 2. Commit: each existing target is first renamed to a backup beside it
 *    (`.<name>.bak-<random>`), then the temp file is renamed into place.
 * 3. Success: the backups are deleted, and folders emptied by removals are removed.
 *    Failure (disk full, permission denied, Ctrl-C while staging): the targets are put back
 *    from the backups, temp files and created folders are removed, and the error is rethrown,
 *    so the project is as it was. Should even that fail, the error names each file that could
 *    not be put back and where its backup is.
 *
 * The file system calls go through `FsOps` so tests can make any one of them fail.
 */
import * as fsp from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { CancelledError } from "../errors.js";
import { makeDirs } from "./make-dirs.js";
import { randomSuffix } from "./random-suffix.js";

export interface FileOp {
  /** Relative path with "/" separators. */
  path: string;
  /** New content; undefined removes the file. */
  contents: Uint8Array | undefined;
}

export interface FsOps {
  mkdir: (path: string, options: { recursive: true }) => Promise<string | undefined>;
  writeFile: (path: string, data: Uint8Array, options: { mode: number }) => Promise<void>;
  rename: (from: string, to: string) => Promise<void>;
  rm: (path: string, options: { recursive?: boolean; force?: boolean }) => Promise<void>;
  rmdir: (path: string) => Promise<void>;
  stat: (path: string) => Promise<{ mode: number; isFile(): boolean }>;
}

export const nodeFs: FsOps = {
  // Not fsp.mkdir(path, { recursive: true }): it spins forever under /proc (see make-dirs.ts).
  mkdir: async (path) => makeDirs(path),
  // "wx": a staged file is always new; a name already taken fails instead of being written through.
  writeFile: (path, data, options) => fsp.writeFile(path, data, { ...options, flag: "wx" }),
  rename: (from, to) => fsp.rename(from, to),
  rm: (path, options) => fsp.rm(path, options),
  rmdir: (path) => fsp.rmdir(path),
  stat: (path) => fsp.stat(path),
};

export interface ApplyOptions {
  fs?: FsOps;
  signal?: AbortSignal;
  /**
   * Mode of written files: "keep" keeps the mode of a file being replaced (new files get 0644);
   * a number forces that mode on every written file.
   */
  mode?: "keep" | number;
}

const NEW_FILE_MODE = 0o644;

export const tempPathFor = (target: string, kind: "tmp" | "bak") =>
  join(dirname(target), `.${basename(target)}.${kind}-${randomSuffix()}`);

interface Entry {
  target: string;
  existed: boolean;
  temp?: string;
  backup?: string;
  placed: boolean;
}

async function existingMode(fs: FsOps, path: string): Promise<number | undefined> {
  try {
    const info = await fs.stat(path);
    if (!info.isFile()) throw new Error(`Cannot write ${path}: something other than a file is in the way.`);
    return info.mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function rollBack(fs: FsOps, root: string, entries: Entry[], createdDirs: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of [...entries].reverse()) {
    try {
      if (entry.backup !== undefined) await fs.rename(entry.backup, entry.target);
      else if (entry.placed) await fs.rm(entry.target, { force: true });
    } catch (error) {
      const kept = entry.backup === undefined ? "" : ` (the original is kept as ${relative(root, entry.backup)})`;
      problems.push(`${relative(root, entry.target)}${kept}: ${(error as Error).message}`);
    }
    if (entry.temp !== undefined) await fs.rm(entry.temp, { force: true }).catch(() => undefined);
  }
  for (const dir of [...createdDirs].reverse()) await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  return problems;
}

async function removeEmptiedFolders(fs: FsOps, root: string, removed: readonly string[]): Promise<void> {
  for (const target of removed) {
    for (let dir = dirname(target); relative(root, dir) !== "" && !relative(root, dir).startsWith(".."); dir = dirname(dir)) {
      try {
        await fs.rmdir(dir);
      } catch {
        break; // not empty (or not ours to remove): stop climbing
      }
    }
  }
}

export async function applyFileOps(root: string, ops: readonly FileOp[], options: ApplyOptions = {}): Promise<void> {
  const fs = options.fs ?? nodeFs;
  const entries: Entry[] = [];
  const createdDirs: string[] = [];
  try {
    for (const op of ops) {
      if (options.signal?.aborted) throw new CancelledError();
      const target = join(root, op.path);
      const mode = await existingMode(fs, target);
      const entry: Entry = { target, existed: mode !== undefined, placed: false };
      entries.push(entry);
      if (op.contents === undefined) continue;
      const made = await fs.mkdir(dirname(target), { recursive: true });
      if (made !== undefined) createdDirs.push(made);
      const temp = tempPathFor(target, "tmp");
      const fileMode = typeof options.mode === "number" ? options.mode : (mode ?? NEW_FILE_MODE);
      try {
        await fs.writeFile(temp, op.contents, { mode: fileMode });
      } catch (error) {
        // A partly written temp is ours to remove; whatever already had its name is not.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") entry.temp = temp;
        throw error;
      }
      entry.temp = temp;
    }
    if (options.signal?.aborted) throw new CancelledError();
    for (const entry of entries) {
      if (entry.existed) {
        const backup = tempPathFor(entry.target, "bak");
        await fs.rename(entry.target, backup);
        entry.backup = backup;
      }
      if (entry.temp !== undefined) {
        await fs.rename(entry.temp, entry.target);
        entry.temp = undefined;
        entry.placed = true;
      }
    }
  } catch (error) {
    const problems = await rollBack(fs, root, entries, createdDirs);
    if (problems.length === 0) throw error;
    throw new Error(`${(error as Error).message}; and these files could not be put back:\n  ${problems.join("\n  ")}`, { cause: error });
  }
  for (const entry of entries) {
    if (entry.backup !== undefined) await fs.rm(entry.backup, { force: true }).catch(() => undefined);
  }
  await removeEmptiedFolders(
    fs,
    root,
    entries.filter((e) => !e.placed && e.existed).map((e) => e.target),
  );
}
