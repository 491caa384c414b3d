// update and check through the built binary (dist/ is built by global-setup), on the real
// templates/: exit codes, --dry-run, --json, and seeded random runs on disk that must match
// the in-memory prediction byte for byte.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BASE_RECORD_FILE, decodeBaseRecord } from "../../src/base-record/record.js";
import { sameBytes } from "../../src/bytes.js";
import { loadTemplates } from "../../src/render/templates.js";
import { makeClash } from "./support/clash.js";
import { InMemoryGenerator } from "./support/in-memory-project.js";
import { chance, flagsFor, prng, randomAnswers, randomEdits } from "./support/random-project.js";
import { withoutNoGitWarning } from "./support/no-git.js";
import { runBin } from "./support/run-bin.js";

const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));

/** Runs the binary with stdin closed (no terminal), on the real templates unless `env` says otherwise. */
const runCli = async (args: string[], cwd: string, env: Record<string, string> = {}) => {
  const result = await runBin(args, { cwd, env: { CREATE_CHATKIT_SERVER_TEMPLATES: TEMPLATES_DIR, ...env } });
  return { ...result, stderr: withoutNoGitWarning(result.stderr) };
};

async function readTree(dir: string, prefix = ""): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix + entry.name;
    if (entry.isDirectory()) for (const [p, b] of await readTree(dir, `${path}/`)) files.set(p, b);
    else files.set(path, new Uint8Array(await readFile(join(dir, path))));
  }
  return files;
}

async function writeTree(dir: string, before: Map<string, Uint8Array>, after: Map<string, Uint8Array>): Promise<void> {
  for (const path of before.keys()) if (!after.has(path)) await rm(join(dir, path));
  for (const [path, bytes] of after) {
    if (sameBytes(before.get(path), bytes)) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
}

let cwd: string;
let project: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "update-cli-"));
  project = join(cwd, "bot");
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function generate(...flags: string[]): Promise<void> {
  const result = await runCli(["bot", "--yes", "--no-git", "--no-install", ...flags], cwd);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
}

describe("update and check through the binary", () => {
  it("exit 0 on a clean update, then check exits 0; a setting edited in the config makes check exit 1", async () => {
    await generate();
    const updated = await runCli(["update", "--store", "memory"], project);
    expect(updated.stderr).toBe("");
    expect(updated.code).toBe(0);
    expect(existsSync(join(project, "app/store/memory.py"))).toBe(true);
    expect((await runCli(["check"], project)).code).toBe(0);

    const config = join(project, ".chatkit-server.json");
    await writeFile(config, (await readFile(config, "utf8")).replace('"historyLimit": 50', '"historyLimit": 5'));
    const check = await runCli(["check", "bot"], cwd);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("Settings not applied yet: historyLimit");
  });

  it("exit 3 with the conflicted files listed; --json is one JSON document on stdout", async () => {
    await generate();
    const clash = await makeClash(project, { agentName: "Helper" });
    const result = await runCli(["update", "bot", "--agent-name", "Helper", "--json"], cwd);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("");
    const summary = JSON.parse(result.stdout);
    expect(Object.keys(summary)).toEqual(["command", "directory", "dryRun", "generatorVersion", "settings", "files", "baseRecord", "conflicts", "exitCode"]);
    expect(summary.conflicts).toEqual([clash.path]);
    expect(summary.exitCode).toBe(3);
    expect(await readFile(join(project, clash.path), "utf8")).toContain("<<<<<<< yours\n");
    const check = await runCli(["check", "bot", "--json"], cwd);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ upToDate: false, conflictMarkers: [clash.path], files: [] });
  });

  it("--dry-run writes nothing and prints the plan and unified diffs", async () => {
    await generate();
    const before = await readTree(project);
    const result = await runCli(["update", "bot", "--dry-run", "--store", "memory"], cwd);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/remove\s+app\/store\/sqlite\.py/);
    expect(result.stdout).toContain("+++ b/app/store/memory.py");
    expect(await readTree(project)).toEqual(before);
  });

  it("exit 2 for bad input: an invalid value, a missing project, a damaged record", async () => {
    await generate();
    const bad = await runCli(["update", "bot", "--store", "mysql"], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--store must be one of");
    expect((await runCli(["update", "nowhere"], cwd)).code).toBe(2);
    await writeFile(join(project, BASE_RECORD_FILE), "not gzip");
    const damaged = await runCli(["check", "bot"], cwd);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toContain("is damaged");
  });

  it("exit 1 on a failure, leaving the project as it was", async () => {
    await generate();
    const before = await readTree(project);
    const result = await runCli(["update", "bot", "--store", "memory"], cwd, { CREATE_CHATKIT_SERVER_TEMPLATES: join(cwd, "missing") });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Unexpected error: Templates directory not found/);
    expect(await readTree(project)).toEqual(before);
  });
});

describe("seeded random runs on disk match the in-memory update", () => {
  let generator: InMemoryGenerator;
  beforeAll(async () => {
    generator = new InMemoryGenerator(await loadTemplates(TEMPLATES_DIR), "bot");
  });

  // Chosen to cover: clean merges and a deleted file (4), two merges (8), conflicts (16, 25).
  for (const seed of [4, 8, 16, 25]) {
    it(`seed ${seed}`, async () => {
      const rng = prng(seed);
      const first = randomAnswers(rng);
      await generate(...flagsFor(first));
      const created = await readTree(project);
      const expected = generator.generate(first);
      expect(decodeBaseRecord(created.get(BASE_RECORD_FILE) as Uint8Array, "bot")).toEqual(expected.record);

      const edited = new Map(created);
      randomEdits(rng, edited, [...expected.record.files.keys()], `d${seed}`);
      await writeTree(project, created, edited);
      const second = chance(rng, 0.15) ? first : randomAnswers(rng, first);
      const predicted = generator.update(edited, second);
      const conflicts = predicted.plan.changes.filter((c) => c.action === "conflict").length;

      const result = await runCli(["update", "--yes", ...flagsFor(second)], project);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(conflicts > 0 ? 3 : 0);
      const actual = await readTree(project);
      expect([...actual.keys()].sort()).toEqual([...predicted.after.keys()].sort());
      for (const [path, bytes] of predicted.after) {
        if (path === BASE_RECORD_FILE) continue;
        expect(sameBytes(actual.get(path), bytes), path).toBe(true);
      }
      expect(decodeBaseRecord(actual.get(BASE_RECORD_FILE) as Uint8Array, "bot")).toEqual(predicted.plan.record);
      expect((await runCli(["check"], project)).code).toBe(conflicts > 0 ? 1 : 0);
    });
  }
});
