/** Values given through file flags (e.g. --instructions-file) join the other flags. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { UserError } from "../errors.js";
import type { OptionSpec } from "./types.js";

type Flags = Readonly<Record<string, string | boolean | undefined>>;

/** The flags with each file flag's file read in; validation happens later, as for any flag. */
export async function withOptionFiles(
  flags: Flags,
  files: Readonly<Record<string, string>>,
  schema: readonly OptionSpec[],
  cwd: string,
): Promise<Record<string, string | boolean | undefined>> {
  const merged = { ...flags };
  for (const spec of schema) {
    const file = files[spec.id];
    if (file === undefined || spec.fileFlag === undefined) continue;
    if (flags[spec.id] !== undefined) {
      throw new UserError(`${spec.flag} and ${spec.fileFlag} both give a value: pass one of them.`);
    }
    try {
      merged[spec.id] = await readFile(resolve(cwd, file), "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UserError(`${spec.fileFlag}: cannot read ${file} (${reason}).`);
    }
  }
  return merged;
}
