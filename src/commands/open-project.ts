/** Finding a generated project for `update` and `check`: its folder, config and base record. */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { readBaseRecord, type BaseRecord } from "../base-record/record.js";
import { UserError } from "../errors.js";
import { PROJECT_CONFIG_FILE, readProjectConfig, type ProjectConfig } from "../project-config.js";

export interface OpenedProject {
  /** Absolute path. */
  dir: string;
  /** As the user named it (default "."), for messages. */
  shownDir: string;
  config: ProjectConfig;
}

export async function openProject(directory: string | undefined, cwd: string): Promise<OpenedProject> {
  const shownDir = directory ?? ".";
  const dir = resolve(cwd, shownDir);
  let isDirectory = false;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (!isDirectory) throw new UserError(`${shownDir} is not a folder. Pass the folder of a project made by create-chatkit-server.`);
  const config = await readProjectConfig(dir);
  if (config === undefined) {
    throw new UserError(
      `${shownDir} has no ${PROJECT_CONFIG_FILE}, so it is not a project made by create-chatkit-server ` +
        "(or the file was deleted: restore it from version control).",
    );
  }
  return { dir, shownDir, config };
}

export function openBaseRecord(project: OpenedProject): Promise<BaseRecord> {
  return readBaseRecord(project.dir, project.shownDir);
}
