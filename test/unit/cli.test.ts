// The built binary, run as a child process exactly as a user would (dist/ is built by global-setup).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { optionSchema } from "../../src/options/schema.js";
import { runBin } from "./support/run-bin.js";


/** Runs the binary with stdin closed at once (no terminal), in `cwd`, on the fixture templates. */
const runCli = (args: string[], options: { cwd: string; env?: Record<string, string> }) => runBin(args, options);

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "cli-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe("create-chatkit-server binary", () => {
  it("--help lists every schema flag with its help, and the exit codes", async () => {
    const result = await runCli(["--help"], { cwd });
    expect(result.code).toBe(0);
    for (const spec of optionSchema) expect(result.stdout).toContain(`${spec.flag} ${spec.valueName}`);
    expect(result.stdout).toMatch(/--store <store>[\s\S]*sqlite, memory, postgres/);
    expect(result.stdout).toMatch(/--model <model>[\s\S]*default:\s+"gpt-5.4-mini"\s+\(openai\)/);
    expect(result.stdout).toMatch(/--temperature <0-2>[\s\S]*default: unset/);
    for (const flag of ["--force", "--no-install", "--no-git", "--yes", "--dry-run"]) expect(result.stdout).toContain(flag);
    expect(result.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 .*invalid usage or input.*\n\s+3 .*conflicts.*\n\s+130 .*cancelled/);
  });

  it("--yes with stdin closed generates promptly, without loading the prompt library", async () => {
    const result = await runCli(["my-bot", "--yes", "--no-install", "--no-git"], { cwd });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(10_000);
    for (const path of [".gitignore", ".env.example", ".chatkit-server.json", "pyproject.toml", "app/store/sqlite.py"]) {
      expect(existsSync(join(cwd, "my-bot", path)), path).toBe(true);
    }
    expect(await readdir(cwd)).toEqual(["my-bot"]); // no temp dir left beside it
    expect(result.stdout).toContain("cd my-bot\n");
  });

  it("an unknown store exits 2 with a message naming the flag, writing nothing", async () => {
    const result = await runCli(["my-bot", "--store", "mysql"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('--store must be one of: sqlite, memory, postgres (got "mysql").\n');
    expect(await readdir(cwd)).toEqual([]);
  });

  it("an unknown flag is a usage error (exit 2)", async () => {
    const result = await runCli(["my-bot", "--bogus"], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });

  it("a missing directory without a terminal exits 2", async () => {
    const result = await runCli([], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Missing project directory: pass it as the first argument");
  });

  it("refuses a file in the way, and a non-empty directory without --force", async () => {
    await writeFile(join(cwd, "afile"), "x");
    expect((await runCli(["afile", "--yes"], { cwd })).code).toBe(2);

    await mkdir(join(cwd, "busy"));
    await writeFile(join(cwd, "busy", "notes.txt"), "mine");
    const refused = await runCli(["busy", "--yes", "--no-git"], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--force");
    expect(await readdir(join(cwd, "busy"))).toEqual(["notes.txt"]);

    const forced = await runCli(["busy", "--yes", "--no-git", "--force", "--store", "memory"], { cwd });
    expect(forced.code).toBe(0);
    expect(await readFile(join(cwd, "busy", "notes.txt"), "utf8")).toBe("mine");
    expect(existsSync(join(cwd, "busy", "app/store/memory.py"))).toBe(true);

    // A second --force run re-uses the recorded answers (flags would still win).
    const again = await runCli(["busy", "--yes", "--no-git", "--force"], { cwd });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Using the answers recorded in .chatkit-server.json");
    expect(again.stdout).toMatch(/identical\s+app\/store\/memory\.py/);
    expect(existsSync(join(cwd, "busy", "app/store/sqlite.py"))).toBe(false);
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const result = await runCli(["my-bot", "--dry-run", "--yes"], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/create\s+pyproject\.toml/);
    expect(result.stdout).toContain("Dry run: nothing was written");
    expect(await readdir(cwd)).toEqual([]);
  });

  it("--git makes a repository with one commit holding every generated file", async () => {
    const gitEnv = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
    const result = await runCli(["my-bot", "--yes", "--git"], { cwd, env: gitEnv });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Initialised a git repository");
    const git = (...args: string[]) => execFileSync("git", args, { cwd: join(cwd, "my-bot"), encoding: "utf8" });
    expect(git("log", "--format=%s").trim()).toBe("Initial commit from create-chatkit-server");
    expect(git("status", "--porcelain")).toBe("");
  });

  it("an internal failure exits 1 with 'Unexpected error'", async () => {
    const result = await runCli(["my-bot", "--yes"], { cwd, env: { CREATE_CHATKIT_SERVER_TEMPLATES: join(cwd, "nope") } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Unexpected error: Templates directory not found/);
    expect(await readdir(cwd)).toEqual([]);
  });
});
