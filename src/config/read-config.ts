/** `--config FILE` for the commands. The parser, and the YAML library, load only when a file is given. */
import { optionSchema } from "../options/schema.js";
import type { ConfigFile } from "./config-file.js";

export async function readConfigOption(file: string | undefined, cwd: string): Promise<ConfigFile | undefined> {
  if (file === undefined) return undefined;
  const { readConfigFile } = await import("./config-file.js");
  return readConfigFile(file, cwd, optionSchema);
}
