import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CancelledError, UserError } from "../../src/errors.js";
import { flushWrites } from "../../src/write/flush.js";
import { planWrites } from "../../src/write/plan.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "write-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const FILES = new Map<string, string | Uint8Array>([
  ["a.txt", "alpha\n"],
  ["sub/b.bin", new Uint8Array([0, 1, 2])],
  ["sub/deeper/c.txt", "gamma\n"],
]);

describe("planWrites", () => {
  it("plans every file as create for a missing directory", () => {
    const plan = planWrites(FILES, join(root, "new"));
    expect(plan.targetExists).toBe(false);
    expect(plan.writes.map((w) => [w.path, w.action])).toEqual([
      ["a.txt", "create"],
      ["sub/b.bin", "create"],
      ["sub/deeper/c.txt", "create"],
    ]);
  });

  it("classifies create / identical / overwrite against the disk", async () => {
    await mkdir(join(root, "sub"));
    await writeFile(join(root, "a.txt"), "alpha\n");
    await writeFile(join(root, "sub/b.bin"), new Uint8Array([0, 1, 9]));
    const plan = planWrites(FILES, root);
    expect(plan.writes.map((w) => w.action)).toEqual(["identical", "overwrite", "create"]);
  });

  it("refuses when a directory or a file blocks a path", async () => {
    await mkdir(join(root, "a.txt"));
    expect(() => planWrites(FILES, root)).toThrow(UserError);
    await rm(join(root, "a.txt"), { recursive: true });
    await writeFile(join(root, "sub"), "a file where a folder should be");
    expect(() => planWrites(FILES, root)).toThrow(/sub\/b\.bin/);
  });
});

describe("flushWrites", () => {
  it("creates a new directory with exact contents, no executable bits and no temp dir left", async () => {
    const target = join(root, "parent", "proj");
    await flushWrites(planWrites(FILES, target));
    expect(await readFile(join(target, "a.txt"), "utf8")).toBe("alpha\n");
    expect(new Uint8Array(await readFile(join(target, "sub/b.bin")))).toEqual(new Uint8Array([0, 1, 2]));
    expect((await stat(join(target, "sub/deeper/c.txt"))).mode & 0o111).toBe(0);
    expect(await readdir(join(root, "parent"))).toEqual(["proj"]);
  });

  it("leaves nothing behind when writing a new directory fails", async () => {
    // "x" as a file and "x/y" inside it cannot both exist: the second write fails.
    const broken = new Map<string, string>([
      ["x", "file"],
      ["x/y", "inside a file"],
    ]);
    const target = join(root, "made", "proj");
    await expect(flushWrites(planWrites(broken, target))).rejects.toThrow();
    expect(await readdir(root)).toEqual([]); // neither the temp dir nor the parent we made
  });

  it("stops on cancellation and leaves nothing behind", async () => {
    const controller = new AbortController();
    controller.abort();
    const target = join(root, "proj");
    await expect(flushWrites(planWrites(FILES, target), { signal: controller.signal })).rejects.toThrow(CancelledError);
    expect(await readdir(root)).toEqual([]);
  });

  it("into an existing directory: overwrites generated files only, keeps others, drops executable bits", async () => {
    await writeFile(join(root, "keep.txt"), "user file");
    await writeFile(join(root, "a.txt"), "old");
    await chmod(join(root, "a.txt"), 0o755);
    await flushWrites(planWrites(FILES, root));
    expect(await readFile(join(root, "keep.txt"), "utf8")).toBe("user file");
    expect(await readFile(join(root, "a.txt"), "utf8")).toBe("alpha\n");
    expect((await stat(join(root, "a.txt"))).mode & 0o111).toBe(0);
    expect((await readdir(root)).sort()).toEqual(["a.txt", "keep.txt", "sub"]);
  });

  it("into an existing directory: on failure removes what it created and keeps user files", async () => {
    await writeFile(join(root, "keep.txt"), "user file");
    const broken = new Map<string, string>([
      ["new/one.txt", "1"],
      ["x", "file"],
      ["x/y", "inside a file"],
    ]);
    const plan = planWrites(broken, root);
    await expect(flushWrites(plan)).rejects.toThrow();
    expect(await readdir(root)).toEqual(["keep.txt"]);
  });
});
