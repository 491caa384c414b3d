// The bundled CLI (dist/, built by `npm test` first) keeps a non-interactive create run to
// what it needs: what a run loads is most of its time (see bench/). Node's own list of the
// built-in modules it loaded tells what the bundle pulled in.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/create-chatkit-server.js", import.meta.url));
const BUNDLE = fileURLToPath(new URL("../../dist/create-chatkit-server.js", import.meta.url));

let work: string;
beforeAll(async () => {
  expect(existsSync(BUNDLE), "run `npm run build` first").toBe(true);
  work = await mkdtemp(join(tmpdir(), "bundle-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the CLI with stdout to a pipe; returns the built-in modules the process loaded. */
async function builtinsLoadedBy(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const list = join(work, `modules-${Math.random().toString(36).slice(2)}.json`);
  const preload = join(work, "record-modules.cjs");
  await writeFile(preload, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`);
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.FORCE_COLOR;
  delete childEnv.CREATE_CHATKIT_SERVER_TEMPLATES;
  Object.assign(childEnv, env);
  await promisify(execFile)(process.execPath, ["--require", preload, BIN, ...args], { cwd: work, env: childEnv });
  const loaded = JSON.parse(await readFile(list, "utf8")) as string[];
  return loaded.filter((entry) => entry.startsWith("NativeModule ")).map((entry) => entry.slice("NativeModule ".length));
}

describe("the bundled CLI", () => {
  it("creates a project without loading terminal support (chalk) or child_process", async () => {
    const loaded = await builtinsLoadedBy(["bot", "--yes", "--no-install", "--no-git"]);
    expect(existsSync(join(work, "bot", "pyproject.toml"))).toBe(true);
    expect(loaded).not.toContain("tty");
    expect(loaded).not.toContain("child_process");
  });

  it("loads the terminal support when colour is asked for", async () => {
    const loaded = await builtinsLoadedBy(["coloured", "--yes", "--no-install", "--no-git"], { FORCE_COLOR: "1" });
    expect(loaded).toContain("tty");
  });
});
