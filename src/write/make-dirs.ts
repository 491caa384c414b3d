/**
 * `mkdir -p` that cannot spin. Node's `mkdir(path, { recursive: true })` loops forever, at
 * full CPU, when mkdir fails with ENOENT although the parent exists: any path under /proc,
 * or below a dangling symbolic link (see nodejs/node's recursive mkdir, and the same bug
 * fixed in bun's make_path_with). A generator that a CI job points at such a path must fail,
 * not hang: this walks up to the first existing folder, then creates each missing one once.
 * Synchronous: a stat or two in the usual case, cheaper than the thread pool's round trips.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

function notADirectory(path: string): Error {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: "ENOTDIR", path });
}

/** Creates `path` and its missing parents; returns the first folder created, like mkdir -p. */
export function makeDirs(path: string): string | undefined {
  const missing: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    try {
      if (!statSync(dir).isDirectory()) throw notADirectory(dir);
      break;
    } catch (error) {
      if (codeOf(error) !== "ENOENT") throw error;
    }
    if (dirname(dir) === dir) break; // a missing root: mkdir below reports it
    missing.push(dir);
  }
  missing.reverse();
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if (codeOf(error) !== "EEXIST") throw error;
      // Made by someone else meanwhile is fine. A dangling link says EEXIST to mkdir and
      // ENOENT to stat: reported as ENOENT for that path, never retried.
      if (!statSync(dir).isDirectory()) throw notADirectory(dir);
    }
  }
  return missing[0];
}
