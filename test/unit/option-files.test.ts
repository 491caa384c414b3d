import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBin } from "./support/run-bin.js";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "ccs-option-files-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const GENERATE = ["--yes", "--no-install", "--no-git"];

describe("--instructions-file", () => {
  it("puts the file's text, exactly, into app/instructions.md", async () => {
    const text = "You answer in French.\r\n\n  Keep \"quotes\", {{braces}} and trailing space.  ";
    await writeFile(join(cwd, "prompt.md"), text);

    const result = await runBin(["bot", ...GENERATE, "--instructions-file", "prompt.md"], { cwd });

    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(join(cwd, "bot/app/instructions.md"), "utf8")).toBe(text);
    const record = JSON.parse(await readFile(join(cwd, "bot/.chatkit-server.json"), "utf8"));
    expect(record.answers.instructions).toBe(text);
  });

  it("a missing file is an error naming the flag; nothing is written", async () => {
    const result = await runBin(["bot", ...GENERATE, "--instructions-file", "missing.md"], { cwd });

    expect(result.code).toBe(2);
    expect(result.stderr).toBe("--instructions-file: cannot read missing.md (ENOENT).\n");
    expect(existsSync(join(cwd, "bot"))).toBe(false);
  });

  it("refuses both --instructions and --instructions-file", async () => {
    await writeFile(join(cwd, "prompt.md"), "From the file.");

    const result = await runBin(["bot", ...GENERATE, "--instructions", "x", "--instructions-file", "prompt.md"], { cwd });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--instructions and --instructions-file both give a value");
    expect(existsSync(join(cwd, "bot"))).toBe(false);
  });

  it("the file's text is validated like the flag's", async () => {
    await writeFile(join(cwd, "prompt.md"), "x".repeat(20001));

    const result = await runBin(["bot", ...GENERATE, "--instructions-file", "prompt.md"], { cwd });

    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--instructions must be text of 1 to 20000 characters (got 20001 characters).");
  });
});
