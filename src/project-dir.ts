/**
 * The project directory argument: naming rules and the state of the target on disk.
 * The disk is read synchronously: a few calls before anything else can happen, each of which
 * would otherwise cost a round trip to libuv's thread pool.
 */
import { lstatSync, readdirSync, statSync, type Stats } from "node:fs";
import { basename, dirname, isAbsolute, normalize, relative, resolve } from "node:path";
import { FailureError, UserError } from "./errors.js";
import { describeFsError, fsErrorCode } from "./fs-errors.js";
import { RESERVED_DISTRIBUTION_NAMES } from "./python-deps.js";

export const DEFAULT_PROJECT_DIR = "chatkit-server";

/** Most file systems allow 255 bytes per name. */
const MAX_NAME_BYTES = 255;

export interface ProjectTarget {
  /** Absolute path of the directory to generate into. */
  dir: string;
  /** As typed by the user, for messages and `cd`. */
  input: string;
  /** Basename of the directory. */
  projectName: string;
  /** PEP 503-normalised name used in pyproject.toml. */
  distributionName: string;
}

/** Lowercase; every run of characters outside [a-z0-9] becomes "-"; "-" trimmed from both ends. */
export function distributionNameFor(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

// C0 and C1 control characters, DEL, the Unicode line/paragraph separators; lone surrogates.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Returns an error message for an unusable directory argument, or undefined. */
export function checkProjectDirInput(input: string): string | undefined {
  if (input.trim() === "") return "The project directory must not be empty: pass a name such as `my-bot`.";
  if (CONTROL.test(input) || LONE_SURROGATE.test(input)) {
    return "The project directory must not contain line breaks or other control characters: pass a name such as `my-bot`.";
  }
  if (input !== input.trim()) return `The project directory must not start or end with a space (got ${JSON.stringify(input)}).`;
  if (input.split(/[\\/]/).includes("..")) {
    return `The project directory must not contain "..", which leaves the current folder (got "${input}"): pass a path below it, or an absolute path.`;
  }
  const name = basename(normalize(input).replace(/[\\/]+$/, ""));
  if (name === "." || name === "") {
    return `The project directory must name a new folder such as \`my-bot\`, not "${input}".`;
  }
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_NAME_BYTES) return `The folder name is too long: ${bytes} bytes, where at most ${MAX_NAME_BYTES} are allowed.`;
  const distribution = distributionNameFor(name);
  if (distribution === "") {
    return `The folder name "${name}" cannot become a Python project name: use letters or digits, e.g. \`my-bot\`.`;
  }
  if (RESERVED_DISTRIBUTION_NAMES.has(distribution)) {
    return (
      `The folder name "${name}" would name the Python project "${distribution}", like one of its own dependencies, ` +
      `which pip cannot install: choose another name, e.g. \`${distribution}-server\`.`
    );
  }
  return undefined;
}

export function toProjectTarget(input: string, cwd: string): ProjectTarget {
  const error = checkProjectDirInput(input);
  if (error !== undefined) throw new UserError(error);
  const dir = resolve(cwd, input);
  const projectName = basename(dir);
  return { dir, input, projectName, distributionName: distributionNameFor(projectName) };
}

export type TargetState = "missing" | "empty" | "non-empty";

/** The closest ancestor of `dir` that exists, when it is a file (the cause of an ENOTDIR). */
function fileInTheWay(dir: string): string | undefined {
  for (let path = dirname(dir); path !== dirname(path); path = dirname(path)) {
    try {
      return statSync(path).isDirectory() ? undefined : path;
    } catch {
      // Missing, or itself below a file: look further up.
    }
  }
  return undefined;
}

/** stat or lstat of `path`; undefined when it fails (a missing path fails without throwing). */
function infoOf(stat: typeof statSync, path: string): Stats | undefined {
  try {
    return stat(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The target or its closest existing ancestor, when that is a symbolic link to nothing. */
function danglingLink(dir: string): string | undefined {
  for (let path = dir; path !== dirname(path); path = dirname(path)) {
    const link = infoOf(lstatSync, path);
    if (link === undefined) continue;
    return link.isSymbolicLink() && infoOf(statSync, path) === undefined ? path : undefined;
  }
  return undefined;
}

/** A path for messages: relative when the user typed a relative one. */
function shown(path: string, target: ProjectTarget, cwd: string): string {
  return isAbsolute(target.input) ? path : relative(cwd, path) || ".";
}

function unusableTarget(error: unknown, target: ProjectTarget, cwd: string): Error {
  const code = fsErrorCode(error);
  if (code === "ENOTDIR") {
    const file = fileInTheWay(target.dir);
    const what = file === undefined ? "a part of the path is a file" : `${shown(file, target, cwd)} is a file, not a folder`;
    return new UserError(`Cannot create ${target.input}: ${what}. Choose another project directory.`);
  }
  if (code === "ENAMETOOLONG") return new UserError(`Cannot create ${target.input}: the path is too long for this system. Choose a shorter project directory.`);
  const reason = describeFsError(error);
  if (reason !== undefined) return new FailureError(`Cannot use ${target.input}: ${reason}.`);
  return error as Error;
}

/**
 * Inspects the target: a file or a broken link in the way, a path through a file, or a
 * non-empty directory without --force is a UserError; `cwd` is for messages only.
 */
export function checkTargetState(target: ProjectTarget, force: boolean, cwd = process.cwd()): TargetState {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(target.dir).isDirectory();
  } catch (error) {
    if (fsErrorCode(error) !== "ENOENT") throw unusableTarget(error, target, cwd);
    const link = danglingLink(target.dir);
    if (link !== undefined) {
      throw new UserError(`Cannot create ${target.input}: ${shown(link, target, cwd)} is a symbolic link to a missing path. Remove it or choose another project directory.`);
    }
    return "missing";
  }
  if (!isDirectory) throw new UserError(`${target.input} exists and is a file. Choose another project directory.`);
  let entries: string[];
  try {
    entries = readdirSync(target.dir);
  } catch (error) {
    throw unusableTarget(error, target, cwd);
  }
  if (entries.length === 0) return "empty";
  if (!force) {
    throw new UserError(
      `Directory ${target.input} is not empty. Choose a new directory, or pass --force to write the generated files into it (other files are kept).`,
    );
  }
  return "non-empty";
}
