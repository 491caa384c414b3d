// `update` in a git work tree with uncommitted changes to the files it rewrites: exit 2 and
// nothing written unless --allow-dirty; outside git, one warning line and the update goes on.
// Real git, the built binary, the real templates.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBin } from "./support/run-bin.js";

const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));
const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
};
const runCli = (args: string[], cwd: string) => runBin(args, { cwd, env: { CREATE_CHATKIT_SERVER_TEMPLATES: TEMPLATES_DIR, ...GIT_ENV } });
const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, env: { ...process.env, ...GIT_ENV }, stdio: "pipe" });

let cwd: string;
let project: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "update-dirty-"));
  project = join(cwd, "bot");
  const created = await runCli(["bot", "--yes", "--no-git", "--no-install"], cwd);
  expect(created.code, created.stderr).toBe(0);
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** Every file under the project (without .git), path -> content. */
async function tree(dir = project): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && !path.includes("/.git/")) files[path] = await readFile(path, "latin1");
  }
  return files;
}

/** A repository in `root` with everything committed. */
function commitAll(root: string): void {
  git(root, "init", "-q");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "generated");
}

async function append(path: string, text: string): Promise<void> {
  await writeFile(join(project, path), (await readFile(join(project, path), "utf8")) + text);
}

describe("update and uncommitted changes", () => {
  it("refuses with exit 2, naming the changed generated files, and writes nothing", async () => {
    // The repository is the parent folder: paths git reports start with "bot/".
    commitAll(cwd);
    await append("app/agent.py", "# my edit\n");
    await append("README.md", "\n");
    git(cwd, "add", "bot/README.md"); // staged but not committed counts too
    await writeFile(join(project, "NOTES.md"), "not generated: ignored by the check\n");
    const before = await tree();

    const result = await runCli(["update", "bot", "--store", "memory", "--yes"], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "bot has uncommitted changes in 2 files update would rewrite:\n  README.md\n  app/agent.py\n" +
        "Commit or stash them first (so the update can be reviewed and undone with git), or pass --allow-dirty. Nothing was written.\n",
    );
    expect(result.stdout).toBe("");
    expect(await tree()).toEqual(before);
  });

  it("an edited .chatkit-server.json alone is not refused: update applies it", async () => {
    commitAll(project);
    const configPath = join(project, ".chatkit-server.json");
    const config = JSON.parse(await readFile(configPath, "utf8")) as { answers: Record<string, unknown> };
    config.answers.store = "memory";
    await writeFile(configPath, JSON.stringify(config, null, 2) + "\n");

    const result = await runCli(["update", "--yes"], project);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(existsSync(join(project, "app/store/memory.py"))).toBe(true);
  });

  it("--allow-dirty updates anyway, keeping the edit", async () => {
    commitAll(project);
    await append("app/agent.py", "# my edit\n");
    const result = await runCli(["update", "--store", "memory", "--yes", "--allow-dirty"], project);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await readFile(join(project, "app/agent.py"), "utf8")).toContain("# my edit\n");
    expect(await readFile(join(project, "app/store/memory.py"), "utf8")).not.toBe("");
  });

  it("a clean work tree (files outside the generated set may be dirty) updates without a word on stderr", async () => {
    commitAll(project);
    await writeFile(join(project, "NOTES.md"), "untracked, not generated\n");
    const result = await runCli(["update", "--store", "memory", "--yes"], project);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("--dry-run on a dirty tree shows the plan (it writes nothing anyway)", async () => {
    commitAll(project);
    await append("app/agent.py", "# my edit\n");
    const result = await runCli(["update", "--store", "memory", "--dry-run"], project);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Dry run: nothing was written");
  });

  it("update --help documents --allow-dirty and the refusal", async () => {
    const help = await runCli(["update", "--help"], cwd);
    expect(help.stdout).toMatch(/--allow-dirty +update even when git shows uncommitted changes/);
    expect(help.stdout).toContain("update refuses (exit 2, nothing written)");
  });

  it("outside a git repository: one warning line, then the update", async () => {
    await append("app/agent.py", "# my edit\n");
    const result = await runCli(["update", "--store", "memory", "--yes"], project);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "Warning: the project is not in a git repository, so update cannot tell whether your edits are saved; going ahead.\n",
    );
    expect(result.stdout).toContain("Done:");
  });
});
