/**
 * `create-chatkit-server updat --yes` would create a project called "updat": a directory
 * argument one or two edits away from a command name, with nothing at that path yet, is
 * taken for a typo and refused unless --force says the folder is meant.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "./errors.js";

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  // rows[i][j]: the distance between the first i characters of a and the first j of b.
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2] as number[])[j - 2] as number + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The command `input` looks like a misspelling of, if any. */
export function commandTypoOf(input: string, commands: readonly string[]): string | undefined {
  if (/[\\/]/.test(input)) return undefined;
  const word = input.toLowerCase();
  return commands.find((command) => {
    const distance = editDistance(word, command);
    return distance > 0 ? distance <= 2 : input !== command;
  });
}

export function refuseCommandTypo(directory: string | undefined, commands: readonly string[], force: boolean, cwd: string): void {
  if (directory === undefined || force) return;
  const command = commandTypoOf(directory, commands);
  if (command === undefined || existsSync(resolve(cwd, directory))) return;
  throw new UserError(
    `"${directory}" is not a command (did you mean \`${command}\`?). To create a project in a new folder "${directory}", add --force.`,
  );
}
