/** The project directory argument: naming rules and the state of the target on disk. */
import { readdir, stat } from "node:fs/promises";
import { basename, normalize, resolve } from "node:path";
import { UserError } from "./errors.js";

export const DEFAULT_PROJECT_DIR = "chatkit-server";

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

/** Returns an error message for an unusable directory argument, or undefined. */
export function checkProjectDirInput(input: string): string | undefined {
  if (input.trim() === "") return "The project directory must not be empty: pass a name such as `my-bot`.";
  const name = basename(normalize(input).replace(/[\\/]+$/, ""));
  if (name === "." || name === ".." || name === "") {
    return `The project directory must name a new folder such as \`my-bot\`, not "${input}".`;
  }
  if (distributionNameFor(name) === "") {
    return `The folder name "${name}" cannot become a Python project name: use letters or digits, e.g. \`my-bot\`.`;
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

/** Inspects the target; a file in the way, or a non-empty directory without --force, is a UserError. */
export async function checkTargetState(target: ProjectTarget, force: boolean): Promise<TargetState> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(target.dir)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  if (!isDirectory) throw new UserError(`${target.input} exists and is a file. Choose another project directory.`);
  if ((await readdir(target.dir)).length === 0) return "empty";
  if (!force) {
    throw new UserError(
      `Directory ${target.input} is not empty. Choose a new directory, or pass --force to write the generated files into it (other files are kept).`,
    );
  }
  return "non-empty";
}
