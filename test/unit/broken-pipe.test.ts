// A reader that goes away early (`create-chatkit-server --help | head -1`): output ends quietly,
// the command still does all its work and exits with its own code.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withoutNoGitWarning } from "./support/no-git.js";
import { runBin } from "./support/run-bin.js";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "broken-pipe-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const NO_POST = ["--yes", "--no-install", "--no-git"];

describe("stdout closed by its reader", () => {
  it("--help exits 0 with nothing on stderr", async () => {
    const result = await runBin(["--help"], { cwd, close: ["stdout"] });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("create writes the whole project and exits 0", async () => {
    const result = await runBin(["bot", ...NO_POST], { cwd, close: ["stdout"] });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(existsSync(join(cwd, "bot", ".chatkit-server/base.json.gz"))).toBe(true);
  });

  it("update applies the change and exits 0", async () => {
    expect((await runBin(["bot", ...NO_POST], { cwd })).code).toBe(0);
    const result = await runBin(["update", "bot", "--yes", "--store", "memory"], { cwd, close: ["stdout"] });
    expect(withoutNoGitWarning(result.stderr)).toBe("");
    expect(result.code).toBe(0);
    const record = JSON.parse(await readFile(join(cwd, "bot", ".chatkit-server.json"), "utf8"));
    expect(record.answers.store).toBe("memory");
  });

  it("a failing command keeps its exit code with stdout and stderr both closed", async () => {
    const result = await runBin(["bot", "--store", "mysql", "--json"], { cwd, close: ["stdout", "stderr"] });
    expect(result.code).toBe(2);
    const usage = await runBin(["--bogus"], { cwd, close: ["stdout", "stderr"] });
    expect(usage.code).toBe(2);
  });
});
