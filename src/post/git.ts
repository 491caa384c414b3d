/** `--git`: a fresh repository with one initial commit. Problems are warnings, never errors. */
import { firstLine, type RunCommand } from "./run-command.js";

export type GitOutcome =
  | { status: "committed" }
  | { status: "skipped"; reason: string }
  | { status: "failed"; warning: string };

export const INITIAL_COMMIT_MESSAGE = "Initial commit from create-chatkit-server";

export async function initGitRepository(dir: string, run: RunCommand): Promise<GitOutcome> {
  const version = await run("git", ["--version"], { cwd: dir });
  if (!version.ok) return { status: "skipped", reason: "git is not installed" };
  const inside = await run("git", ["rev-parse", "--is-inside-work-tree"], { cwd: dir });
  if (inside.ok && inside.output.trim() === "true") return { status: "skipped", reason: "the folder is already inside a git repository" };

  const init = await run("git", ["init", "-q"], { cwd: dir });
  if (!init.ok) return { status: "failed", warning: `git init failed: ${firstLine(init.output)}` };
  const add = await run("git", ["add", "-A"], { cwd: dir });
  const commit = add.ok ? await run("git", ["commit", "-q", "-m", INITIAL_COMMIT_MESSAGE], { cwd: dir }) : add;
  if (!commit.ok) {
    return {
      status: "failed",
      warning: `Created a git repository, but the initial commit failed (${firstLine(commit.output)}). Commit the files yourself.`,
    };
  }
  return { status: "committed" };
}
