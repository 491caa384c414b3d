// applyFileOps is all or nothing: a failure at any step leaves the project exactly as it was.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CancelledError } from "../../src/errors.js";
import { applyFileOps, nodeFs, type FileOp, type FsOps } from "../../src/write/transaction.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "txn-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const bytes = (text: string) => new TextEncoder().encode(text);

/** Every file and folder under root with its content and mode, to compare before/after. */
async function snapshot(dir = root): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const key = relative(root, path);
    if (entry.isDirectory()) Object.assign(out, { [`${key}/`]: "dir" }, await snapshot(path));
    else out[key] = `${((await stat(path)).mode & 0o777).toString(8)} ${await readFile(path, "utf8")}`;
  }
  return out;
}

async function seed(): Promise<void> {
  await mkdir(join(root, "app/store"), { recursive: true });
  await writeFile(join(root, "app/main.py"), "main v1\n");
  await writeFile(join(root, "app/store/sqlite.py"), "sqlite\n");
  await writeFile(join(root, "run.sh"), "#!/bin/sh\n");
  await chmod(join(root, "run.sh"), 0o755);
  await writeFile(join(root, "notes.txt"), "mine\n");
}

const OPS: FileOp[] = [
  { path: "app/main.py", contents: bytes("main v2\n") },
  { path: "app/store/memory.py", contents: bytes("memory\n") },
  { path: "app/store/sqlite.py", contents: undefined },
  { path: "run.sh", contents: bytes("#!/bin/sh\necho hi\n") },
  { path: "new/deep/file.py", contents: bytes("new\n") },
];

/** nodeFs, except that the n-th call of `op` (1-based) fails with ENOSPC. */
function failingFs(op: keyof FsOps, n: number): FsOps {
  let calls = 0;
  const fail = () => Object.assign(new Error(`ENOSPC: no space left on device (injected, ${op} #${n})`), { code: "ENOSPC" });
  return {
    ...nodeFs,
    [op]: async (...args: unknown[]) => {
      calls++;
      if (calls === n) throw fail();
      return (nodeFs[op] as (...a: unknown[]) => Promise<unknown>)(...args);
    },
  } as FsOps;
}

describe("applyFileOps", () => {
  it("writes, replaces and removes; keeps modes; removes emptied folders; leaves no temp files", async () => {
    await seed();
    await mkdir(join(root, "old-only"));
    await writeFile(join(root, "old-only/x.py"), "x\n");
    await applyFileOps(root, [...OPS, { path: "old-only/x.py", contents: undefined }], { mode: "keep" });
    expect(await snapshot()).toEqual({
      "app/": "dir",
      "app/main.py": "644 main v2\n",
      "app/store/": "dir",
      "app/store/memory.py": "644 memory\n",
      "new/": "dir",
      "new/deep/": "dir",
      "new/deep/file.py": "644 new\n",
      "notes.txt": "644 mine\n",
      "run.sh": "755 #!/bin/sh\necho hi\n",
    });
  });

  it("a forced mode applies to replaced files too", async () => {
    await seed();
    await applyFileOps(root, [{ path: "run.sh", contents: bytes("x\n") }], { mode: 0o644 });
    expect((await stat(join(root, "run.sh"))).mode & 0o777).toBe(0o644);
  });

  for (const op of ["writeFile", "rename", "mkdir", "stat"] as const) {
    it(`restores the project when any one ${op} call fails, whichever it is`, async () => {
      // Count the calls of a successful run first, then fail each of them in turn.
      await seed();
      let calls = 0;
      const counting = { ...nodeFs, [op]: (...args: unknown[]) => (calls++, (nodeFs[op] as (...a: unknown[]) => Promise<unknown>)(...args)) } as FsOps;
      await applyFileOps(root, OPS, { fs: counting, mode: "keep" });
      expect(calls).toBeGreaterThan(0);
      await rm(root, { recursive: true, force: true });
      await mkdir(root);

      await seed();
      const before = await snapshot();
      for (let n = 1; n <= calls; n++) {
        await expect(applyFileOps(root, OPS, { fs: failingFs(op, n), mode: "keep" })).rejects.toThrow(/ENOSPC/);
        expect(await snapshot(), `${op} #${n} of ${calls}`).toEqual(before);
      }
    });
  }

  it("restores the project on a real file-system failure (a name too long for its temp file)", async () => {
    await seed();
    const before = await snapshot();
    const longName = `${"n".repeat(250)}.py`; // fine as a name, too long once ".<name>.tmp-xxxxxxxx" is added
    await expect(applyFileOps(root, [...OPS.slice(0, 2), { path: longName, contents: bytes("x") }])).rejects.toThrow(/ENAMETOOLONG/);
    expect(await snapshot()).toEqual(before);
  });

  it("names the files it could not put back, and keeps their backups", async () => {
    await seed();
    const fs: FsOps = {
      ...nodeFs,
      rename: async (from, to) => {
        if (to.endsWith("run.sh") && from.includes(".tmp-")) throw new Error("EIO: injected");
        if (to.endsWith("main.py") && from.includes(".bak-")) throw new Error("EIO: cannot restore");
        return nodeFs.rename(from, to);
      },
    };
    const error = await applyFileOps(root, OPS, { fs }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/EIO: injected; and these files could not be put back:\n {2}app\/main\.py \(the original is kept as app\/\.main\.py\.bak-[0-9a-f]{8}\)/);
    const backup = (await readdir(join(root, "app"))).find((n) => n.startsWith(".main.py.bak-")) as string;
    expect(await readFile(join(root, "app", backup), "utf8")).toBe("main v1\n");
  });

  it("stops before committing anything when cancelled", async () => {
    await seed();
    const before = await snapshot();
    const controller = new AbortController();
    controller.abort();
    await expect(applyFileOps(root, OPS, { signal: controller.signal })).rejects.toThrow(CancelledError);
    expect(await snapshot()).toEqual(before);
  });
});

describe("staged files", () => {
  it("are created exclusively: a link already at a staged name fails the run and is never written through", async () => {
    await seed();
    const outside = await mkdtemp(join(tmpdir(), "txn-outside-"));
    try {
      await writeFile(join(outside, "victim.txt"), "untouched\n");
      // Math.random decides the staged names; pin it to know the first one in advance.
      const random = vi.spyOn(Math, "random").mockReturnValue(0.5);
      await symlink(join(outside, "victim.txt"), join(root, "app", ".main.py.tmp-80000000"));
      const before = await snapshot();
      await expect(applyFileOps(root, [{ path: "app/main.py", contents: bytes("main v2\n") }])).rejects.toMatchObject({ code: "EEXIST" });
      random.mockRestore();
      expect(await readFile(join(outside, "victim.txt"), "utf8")).toBe("untouched\n");
      expect(await snapshot()).toEqual(before);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
