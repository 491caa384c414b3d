// The project directory argument: which names are refused, and what is in the way on disk.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FailureError, UserError } from "../../src/errors.js";
import { writeFailure } from "../../src/fs-errors.js";
import { checkProjectDirInput, checkTargetState, toProjectTarget } from "../../src/project-dir.js";
import { makeDirs } from "../../src/write/make-dirs.js";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "project-dir-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

describe("checkProjectDirInput", () => {
  it.each([
    ["", /must not be empty/],
    ["   ", /must not be empty/],
    [".", /must name a new folder/],
    ["./", /must name a new folder/],
    ["/", /must name a new folder/],
    ["..", /must not contain "\.\."/],
    ["../sibling", /must not contain "\.\."/],
    ["a/../../b", /must not contain "\.\."/],
    ["a/..", /must not contain "\.\."/],
    ["a\\..\\b", /must not contain "\.\."/],
    ["bot\nrm -rf", /control characters/],
    ["bot\u0000", /control characters/],
    ["bot\u2028", /control characters/],
    ["bot\uD800", /control characters/],
    [" bot", /must not start or end with a space/],
    ["bot ", /must not start or end with a space/],
    ["日本語", /cannot become a Python project name/],
    ["---", /cannot become a Python project name/],
    ["x".repeat(256), /too long: 256 bytes/],
    ["é".repeat(128), /too long: 256 bytes/],
    ["fastapi", /like one of its own dependencies.*`fastapi-server`/],
    ["OpenAI", /"openai", like one of its own dependencies/],
    ["pytest", /own dependencies/],
  ])("refuses %j", (input, message) => {
    expect(checkProjectDirInput(input)).toMatch(message);
    expect(() => toProjectTarget(input, cwd)).toThrow(UserError);
  });

  it.each([
    ["my-bot", "my-bot", "my-bot"],
    ["My Bot!", "My Bot!", "my-bot"],
    ["nested/dir/Chat_Bot.v2", "Chat_Bot.v2", "chat-bot-v2"],
    ["./ok/", "ok", "ok"],
    [".hidden", ".hidden", "hidden"],
    ["Ärger-bot", "Ärger-bot", "rger-bot"],
    ["x".repeat(255), "x".repeat(255), "x".repeat(255)],
  ])("accepts %j as folder %j, Python project %j", (input, name, distribution) => {
    expect(checkProjectDirInput(input)).toBeUndefined();
    expect(toProjectTarget(input, cwd)).toMatchObject({ projectName: name, distributionName: distribution, dir: resolve(cwd, input) });
  });

  it("accepts an absolute path", () => {
    expect(toProjectTarget(join(cwd, "abs"), "/elsewhere").dir).toBe(join(cwd, "abs"));
  });
});

describe("checkTargetState", () => {
  const state = (input: string, force = false) => checkTargetState(toProjectTarget(input, cwd), force, cwd);

  it("missing, empty, non-empty (with --force only)", async () => {
    expect(state("new")).toBe("missing");
    await mkdir(join(cwd, "empty"));
    expect(state("empty")).toBe("empty");
    await mkdir(join(cwd, "busy"));
    await writeFile(join(cwd, "busy", "x"), "");
    expect(() => state("busy")).toThrow(/is not empty.*--force/);
    expect(state("busy", true)).toBe("non-empty");
  });

  it("names the file in the way of a path, and a link to nothing", async () => {
    await writeFile(join(cwd, "afile"), "x");
    expect(() => state("afile")).toThrow("afile exists and is a file.");
    expect(() => state("afile/sub/deeper")).toThrow("Cannot create afile/sub/deeper: afile is a file, not a folder.");
    await symlink(join(cwd, "nowhere"), join(cwd, "dangling"));
    expect(() => state("dangling")).toThrow("Cannot create dangling: dangling is a symbolic link to a missing path.");
    expect(() => state("dangling/bot")).toThrow("dangling is a symbolic link to a missing path");
    await mkdir(join(cwd, "real"));
    await symlink(join(cwd, "real"), join(cwd, "good"));
    expect(state("good/bot")).toBe("missing");
  });

  it("a path too long for the system is a usage error", () => {
    const long = Array.from({ length: 20 }, () => "d".repeat(250)).join("/");
    expect(() => state(long)).toThrow(/the path is too long for this system/);
  });
});

describe("makeDirs", () => {
  it("creates missing folders and returns the first, like mkdir -p", () => {
    expect(makeDirs(join(cwd, "a/b/c"))).toBe(join(cwd, "a"));
    expect(existsSync(join(cwd, "a/b/c"))).toBe(true);
    expect(makeDirs(join(cwd, "a/b"))).toBeUndefined();
  });

  it("fails at once below a file or a dangling link", async () => {
    await writeFile(join(cwd, "f"), "");
    expect(() => makeDirs(join(cwd, "f/x"))).toThrow(expect.objectContaining({ code: "ENOTDIR" }));
    await symlink(join(cwd, "nowhere"), join(cwd, "dangling"));
    expect(() => makeDirs(join(cwd, "dangling/x"))).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(await readdir(cwd)).toEqual(["dangling", "f"]);
  });

  // fs.mkdir(path, { recursive: true }) spins forever here on Node 20.
  it.runIf(existsSync("/proc/self"))("fails at once under /proc instead of spinning", { timeout: 5_000 }, () => {
    expect(() => makeDirs("/proc/ccs-no-such/dir")).toThrow(expect.objectContaining({ code: "ENOENT" }));
  });
});

describe("writeFailure", () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

  it("is one sentence for the user: exit 1 for the machine's refusal, exit 2 for an impossible path", () => {
    const full = writeFailure(errno("ENOSPC"), "Could not write the project to /x", "Nothing was written.");
    expect(full).toBeInstanceOf(FailureError);
    expect((full as Error).message).toBe("Could not write the project to /x: the disk is full. Nothing was written.");
    expect(writeFailure(errno("EACCES"), "W", "N.")).toEqual(new FailureError("W: permission denied. N."));
    expect(writeFailure(errno("EROFS"), "W", "N.")).toEqual(new FailureError("W: the file system is read-only. N."));
    expect(writeFailure(errno("ENAMETOOLONG"), "W", "N.")).toBeInstanceOf(UserError);
    const unknown = new Error("something else");
    expect(writeFailure(unknown, "W", "N.")).toBe(unknown);
  });
});
