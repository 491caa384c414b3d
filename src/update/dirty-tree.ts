/**
 * `update` refuses to overwrite uncommitted work: in a git work tree, generated files (and the
 * recorded config) with changes git does not have are listed and the update stops, unless
 * --allow-dirty. Outside git there is nothing to compare with: a one-line warning, then go on.
 */
import { BASE_RECORD_FILE } from "../base-record/record.js";
import { UserError } from "../errors.js";
import { firstLine, type RunCommand } from "../post/run-command.js";
import { PROJECT_CONFIG_FILE } from "../project-config.js";

export type WorkTreeState =
  | { kind: "clean" }
  | { kind: "dirty"; paths: string[] }
  | { kind: "no-git"; reason: string };

/**
 * Paths (relative to `dir`, "/"-separated) of `watched` that `git status` reports as changed,
 * staged or untracked. `watched`: the generated files of the project plus its config and record.
 */
export async function workTreeState(dir: string, watched: ReadonlySet<string>, run: RunCommand): Promise<WorkTreeState> {
  const prefix = await run("git", ["rev-parse", "--show-prefix"], { cwd: dir });
  if (prefix.missing) return { kind: "no-git", reason: "git is not installed" };
  if (!prefix.ok) return { kind: "no-git", reason: "the project is not in a git repository" };
  const inRepo = prefix.output.trim();
  // Porcelain paths are relative to the repository root; -z keeps odd names unquoted.
  const status = await run("git", ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."], { cwd: dir });
  if (!status.ok) return { kind: "no-git", reason: `git status failed (${firstLine(status.output)})` };
  const dirty = new Set<string>();
  const entries = status.output.split("\0");
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? "";
    if (entry.length < 4) continue;
    const paths = [entry.slice(3)];
    // A rename or copy is followed by the path it came from.
    if (/[RC]/.test(entry.slice(0, 2))) paths.push(entries[++i] ?? "");
    for (const path of paths) {
      const inProject = path.startsWith(inRepo) ? path.slice(inRepo.length) : undefined;
      if (inProject !== undefined && watched.has(inProject)) dirty.add(inProject);
    }
  }
  return dirty.size === 0 ? { kind: "clean" } : { kind: "dirty", paths: [...dirty].sort() };
}

/**
 * The files update guards: every generated file it tracks and the base record. Not the
 * config: editing `.chatkit-server.json` and then running update is how a setting is changed,
 * and update rewrites it from exactly those settings, so nothing in it is lost.
 */
export function guardedPaths(trackedFiles: Iterable<string>): Set<string> {
  const guarded = new Set([...trackedFiles, BASE_RECORD_FILE]);
  guarded.delete(PROJECT_CONFIG_FILE);
  return guarded;
}

/** Throws the refusal for a dirty tree; returns the warning to print when there is no git. */
export function judgeWorkTree(state: WorkTreeState, shownDir: string): string | undefined {
  if (state.kind === "clean") return undefined;
  if (state.kind === "no-git") return `${state.reason}, so update cannot tell whether your edits are saved; going ahead.`;
  const count = state.paths.length;
  throw new UserError(
    `${shownDir} has uncommitted changes in ${count} file${count === 1 ? "" : "s"} update would rewrite:\n` +
      state.paths.map((p) => `  ${p}\n`).join("") +
      "Commit or stash them first (so the update can be reviewed and undone with git), or pass --allow-dirty. Nothing was written.",
  );
}
