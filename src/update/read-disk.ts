/** Reads the project files update needs, and refuses paths where a folder blocks a file. */
import { lstat, readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UserError } from "../errors.js";

/** The files at `paths` (relative, "/"-separated) that exist; absent paths are not keys. */
export async function readProjectFiles(root: string, paths: readonly string[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const path of paths) {
    let isFile: boolean;
    try {
      const info = await lstat(join(root, path));
      if (info.isSymbolicLink()) {
        throw new UserError(`${path} is a symbolic link; update only handles regular files. Replace it with a copy of its target and run update again.`);
      }
      isFile = info.isFile();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") continue;
      throw error;
    }
    if (!isFile) throw new UserError(`${path} is a folder, but the project has a file there. Move the folder away and run update again.`);
    files.set(path, new Uint8Array(await readFile(join(root, path))));
  }
  return files;
}

/** Throws a UserError when a file sits where one of the folders of `path` must be. */
export async function checkFoldersFree(root: string, path: string): Promise<void> {
  for (let dir = dirname(path); dir !== "." && dir !== ""; dir = dirname(dir)) {
    try {
      if (!(await stat(join(root, dir))).isDirectory()) {
        throw new UserError(`Cannot write ${path}: ${dir} is a file, not a folder. Move it away and run update again.`);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
  }
}
