// update and check in-process (run() with captured output and fake prompts), on temp-dir
// projects generated from the real templates/.
import { Chalk } from "chalk";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BASE_RECORD_FILE, decodeBaseRecord } from "../../src/base-record/record.js";
import type { PromptFn, PromptQuestion } from "../../src/options/question.js";
import { colorLevel, run, type CliIO } from "../../src/run.js";
import { PACKAGE_VERSION } from "../../src/package-info.js";
import { PLAIN_STYLES, stylesFrom } from "../../src/styles.js";
import type { FileChange } from "../../src/update/plan-update.js";
import { formatDiffs } from "../../src/update/report.js";
import type { PromptChoice } from "../../src/options/question.js";
import { CHOOSE_SETTINGS_MESSAGE } from "../../src/update/update-answers.js";
import { findChangedLine, makeClash, renderNow } from "./support/clash.js";
import { withoutNoGitWarning } from "./support/no-git.js";

let cwd: string;
let project: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "update-"));
  project = join(cwd, "bot");
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

interface Harness {
  io: CliIO;
  stdout: () => string;
  stderr: () => string;
}

function harness(options: { tty?: boolean; prompt?: PromptFn; env?: Record<string, string> } = {}): Harness {
  let out = "";
  let err = "";
  const io: CliIO = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: { NO_COLOR: "1", ...options.env },
    cwd,
    stdinIsTTY: options.tty ?? false,
    stdoutIsTTY: options.tty ?? false,
    platform: "linux",
    prompt: options.prompt ?? (async (q) => Promise.reject(new Error(`unexpected prompt ${q.message}`))),
    runCommand: async () => ({ ok: false, missing: true, output: "" }),
  };
  return { io, stdout: () => out, stderr: () => err };
}

async function cli(args: string[], options: Parameters<typeof harness>[0] = {}) {
  const h = harness(options);
  const code = await run(args, h.io);
  return { code, stdout: h.stdout(), stderr: withoutNoGitWarning(h.stderr()) };
}

async function generate(...flags: string[]): Promise<void> {
  const result = await cli(["bot", "--yes", "--no-git", "--no-install", ...flags]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
}

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (path: string) => readFile(join(project, path), "utf8");
const edit = async (path: string, change: (text: string) => string) => writeFile(join(project, path), change(await read(path)));

/** Every file under the project, path -> content, to prove that nothing was written. */
async function tree(dir = project, prefix = ""): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) Object.assign(files, await tree(join(dir, entry.name), `${prefix}${entry.name}/`));
    else files[prefix + entry.name] = (await readFile(join(dir, entry.name))).toString("base64");
  }
  return files;
}

describe("create writes the base record", () => {
  it("records exactly the rendered files, without the config", async () => {
    await generate("--store", "memory");
    const record = decodeBaseRecord(await readFile(join(project, BASE_RECORD_FILE)), "bot");
    expect(record.answers).toMatchObject({ store: "memory" });
    expect(record.project).toEqual({ name: "bot", distributionName: "bot" });
    expect(record.files.has(".chatkit-server.json")).toBe(false);
    for (const [path, bytes] of record.files) expect(new Uint8Array(await readFile(join(project, path))), path).toEqual(bytes);
    expect([...record.files.keys()]).toContain("app/store/memory.py");
  });
});

describe("update", () => {
  it("with no setting changed is a no-op: nothing written, exit 0", async () => {
    await generate();
    await edit("app/agent.py", (t) => `${t}\n# mine\n`);
    const before = await tree();
    const result = await cli(["update", "bot"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Nothing to do");
    expect(await tree()).toEqual(before);
  });

  it("switching the store: replaces untouched files, keeps edits, removes the old store module", async () => {
    await generate();
    await edit("app/agent.py", (t) => `${t}\n\ndef my_tool() -> int:\n    return 42\n`);
    await edit("app/main.py", (t) => `# my header\n${t}`);
    await writeFile(join(project, "app/extra.py"), "mine\n");
    const result = await cli(["update", "bot", "--store", "memory"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/store: "sqlite" -> "memory"/);
    expect(result.stdout).toMatch(/create\s+app\/store\/memory\.py/);
    expect(result.stdout).toMatch(/remove\s+app\/store\/sqlite\.py/);
    expect(existsSync(join(project, "app/store/sqlite.py"))).toBe(false);
    expect(await read("app/agent.py")).toContain("def my_tool() -> int:");
    expect(await read("app/main.py")).toMatch(/^# my header\n/);
    expect(await read("app/extra.py")).toBe("mine\n");
    expect(await read("app/store/__init__.py")).toBe((await renderNow(project)).render.get("app/store/__init__.py"));
    expect(JSON.parse(await read(".chatkit-server.json")).answers.store).toBe("memory");
    expect((await cli(["check", "bot"])).code).toBe(0);
  });

  it("an edit that clashes with the change: conflict markers, exit 3, listed; check fails until resolved", async () => {
    await generate();
    const clash = await makeClash(project, { agentName: "Helper" });
    const result = await cli(["update", "bot", "--agent-name", "Helper"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("Conflicts left in 1 file");
    expect(result.stdout).toContain(`\n  ${clash.path}\n`);
    const text = await read(clash.path);
    expect(text).toContain(`<<<<<<< yours\n${clash.mine}\n||||||| previously generated (v${PACKAGE_VERSION})\n${clash.before}\n=======\n${clash.generated}\n>>>>>>> generated (v${PACKAGE_VERSION})\n`);

    const check = await cli(["check", "bot"]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`Unresolved conflict markers in:\n  ${clash.path}`);

    // Another change to that file before resolving would nest markers: refused, nothing written.
    const before = await tree();
    const nested = await cli(["update", "bot", "--agent-name", "Other"]);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain(`still have conflict markers from the last update, and this update would merge into them:\n  ${clash.path}\n`);
    expect(await tree()).toEqual(before);

    // Resolving the conflict (keeping the user's line) is a user edit: check passes, update is a no-op.
    await edit(clash.path, (t) => t.replace(/<<<<<<< yours\n(.*\n)\|\|\|\|\|\|\|[^]*?>>>>>>> generated.*\n/, "$1"));
    expect((await cli(["check", "bot"])).code).toBe(0);
    const again = await cli(["update", "bot"]);
    expect(again.code).toBe(0);
    expect(await read(clash.path)).toContain(`${clash.mine}\n`);
  });

  it("reports files the user deleted and does not recreate them", async () => {
    await generate();
    await rm(join(project, ".gitignore"));
    const result = await cli(["update", "bot", "--history-limit", "7"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/deleted\s+\.gitignore \(you deleted it; not recreated\)/);
    expect(existsSync(join(project, ".gitignore"))).toBe(false);
  });

  it("keeps an edited file that is no longer generated, and says so", async () => {
    await generate();
    await edit("app/store/sqlite.py", (t) => `${t}# tuned\n`);
    const result = await cli(["update", "bot", "--store", "memory"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/kept\s+app\/store\/sqlite\.py \(no longer generated; kept because you edited it\)/);
    expect(await read("app/store/sqlite.py")).toMatch(/# tuned\n$/);
  });

  it("takes a setting changed by editing .chatkit-server.json", async () => {
    await generate();
    await edit(".chatkit-server.json", (t) => t.replace('"historyLimit": 50', '"historyLimit": 12'));
    expect((await cli(["check", "bot"])).code).toBe(1);
    const result = await cli(["update", "bot"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("historyLimit: 50 -> 12");
    // No user edits: the project is now exactly the render of the edited settings.
    const { render } = await renderNow(project);
    for (const [path, contents] of render) expect(await read(path), path).toBe(typeof contents === "string" ? contents : new TextDecoder().decode(contents));
  });

  it("merges into a CRLF checkout without changing its line endings", async () => {
    await generate();
    const changed = await findChangedLine(project, { historyLimit: 9 });
    await edit(changed.path, (t) => t.replace(/\n/g, "\r\n"));
    const result = await cli(["update", "bot", "--history-limit", "9"]);
    expect(result.code).toBe(0);
    expect(await read(changed.path)).toBe(changed.newText.replace(/\n/g, "\r\n"));
  });

  it("--dry-run prints the plan and diffs and writes nothing", async () => {
    await generate();
    const clash = await makeClash(project, { agentName: "Helper" });
    const before = await tree();
    const result = await cli(["update", "bot", "--dry-run", "--store", "memory", "--agent-name", "Helper"]);
    expect(result.code).toBe(0);
    expect(await tree()).toEqual(before);
    expect(result.stdout).toMatch(new RegExp(`conflict\\s+${clash.path.replace(/\./g, "\\.")} \\(1 conflict\\)`));
    expect(result.stdout).toContain("--- a/app/store/__init__.py\n+++ b/app/store/__init__.py\n");
    expect(result.stdout).toContain("--- /dev/null\n+++ b/app/store/memory.py\n");
    expect(result.stdout).toContain("--- a/app/store/sqlite.py\n+++ /dev/null\n");
    expect(result.stdout).toContain(`+<<<<<<< yours\n ${clash.mine}\n`);
    expect(result.stdout).toContain("Dry run: nothing was written");
    expect(result.stdout).not.toContain("\u001b["); // NO_COLOR
  });

  it("colours diffs only when the run's colour level allows (a terminal without NO_COLOR)", () => {
    const change: FileChange = { path: "a.py", action: "update", before: bytes("x = 1\n"), after: bytes("x = 2\n"), conflicts: 0 };
    const coloured = formatDiffs([change], stylesFrom(new Chalk({ level: 1 })));
    expect(coloured).toContain("\u001b[32m+x = 2\u001b[39m");
    expect(coloured).toContain("\u001b[31m-x = 1\u001b[39m");
    expect(formatDiffs([change], PLAIN_STYLES)).toBe("--- a/a.py\n+++ b/a.py\n@@ -1,1 +1,1 @@\n-x = 1\n+x = 2\n");
    // The level itself comes from colorLevel (NO_COLOR, TTY), tested in run.test.ts.
    expect(colorLevel({ env: { NO_COLOR: "1" }, stdoutIsTTY: true }, { level: 3 })).toBe(0);
  });

  it("--json prints one JSON summary and nothing else", async () => {
    await generate();
    const clash = await makeClash(project, { agentName: "Helper" });
    const result = await cli(["update", "bot", "--json", "--store", "memory", "--agent-name", "Helper"]);
    expect(result.code).toBe(3);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      command: "update",
      directory: project,
      dryRun: false,
      settings: [
        { id: "store", from: "sqlite", to: "memory" },
        { id: "agentName", from: "Assistant", to: "Helper" },
      ],
      baseRecord: "updated",
      conflicts: [clash.path],
      exitCode: 3,
    });
    expect(summary.files).toContainEqual({ path: clash.path, action: "conflict", conflicts: 1 });
    expect(summary.files).toContainEqual({ path: "app/store/sqlite.py", action: "remove" });
    expect(summary.files).toContainEqual({ path: "app/store/memory.py", action: "create" });
    expect(summary.files.every((f: { action: string }) => f.action !== "unchanged")).toBe(true);
  });

  it("asks which settings to change, then only those, with the current value as default", async () => {
    await generate("--store", "memory");
    const offered: PromptChoice[] = [];
    const asked: PromptQuestion[] = [];
    const result = await cli(["update", "bot"], {
      tty: true,
      prompt: async (q) => {
        if (q.message === CHOOSE_SETTINGS_MESSAGE) {
          expect(q.kind).toBe("checkbox");
          offered.push(...(q.choices ?? []));
          return "store,model";
        }
        asked.push(q);
        if (q.message.startsWith("Where")) return "postgres";
        if (q.message.startsWith("Model")) return "gpt-x";
        return q.default ?? "";
      },
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(offered.map((c) => c.value)).toContain("store");
    expect(offered.find((c) => c.value === "store")?.label).toBe('store ("memory")');
    expect(offered.map((c) => c.value)).not.toContain("databaseUrl"); // does not apply to memory
    // The store, then the database URL that postgres made relevant, then the model; nothing else.
    expect(asked.map((q) => q.message)).toEqual([
      "Where should conversations be stored?",
      expect.stringMatching(/PostgreSQL URL/),
      "Model:",
    ]);
    expect(asked[0]?.default).toBe("memory");
    expect(JSON.parse(await read(".chatkit-server.json")).answers).toMatchObject({ store: "postgres", model: "gpt-x" });
  });

  it("never prompts with --yes, and refuses a flag for an option that does not apply", async () => {
    await generate();
    expect((await cli(["update", "bot", "--yes"], { tty: true })).code).toBe(0);
    const refused = await cli(["update", "bot", "--database-url", "postgresql://x@h:5432/d"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--database-url only applies with --store postgres");
  });

  it("a missing or damaged base record is exit 2 with the way forward, and nothing is written", async () => {
    await generate();
    await rm(join(project, BASE_RECORD_FILE));
    const before = await tree();
    const missing = await cli(["update", "bot", "--store", "memory"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(".chatkit-server/base.json.gz is missing");
    expect(missing.stderr).toContain("create-chatkit-server update bot --reset-base");
    expect(await tree()).toEqual(before);
    expect((await cli(["check", "bot"])).code).toBe(2);

    await writeFile(join(project, BASE_RECORD_FILE), "garbage");
    const damaged = await cli(["update", "bot", "--store", "memory"]);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toContain(".chatkit-server/base.json.gz is damaged");
  });

  it("--reset-base records the current render as the base and touches nothing else", async () => {
    await generate();
    await edit("app/agent.py", (t) => `${t}# mine\n`);
    await rm(join(project, BASE_RECORD_FILE));
    const withoutRecord = await tree();
    const result = await cli(["update", "bot", "--reset-base"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("These files differ from that render and will count as your edits:\n  app/agent.py\n");
    const after = await tree();
    expect(Object.keys(after).sort()).toEqual([...Object.keys(withoutRecord), BASE_RECORD_FILE].sort());
    for (const path of Object.keys(withoutRecord)) expect(after[path], path).toBe(withoutRecord[path]);
    // And updates work again, keeping the edit.
    expect((await cli(["update", "bot", "--store", "memory"])).code).toBe(0);
    expect(await read("app/agent.py")).toMatch(/# mine\n$/);
    expect((await cli(["update", "bot", "--reset-base", "--store", "sqlite"])).code).toBe(2);
  });

  it("is exit 2, writing nothing, when a folder sits where a file must go", async () => {
    await generate();
    await mkdir(join(project, "app/store/memory.py"));
    const before = await tree();
    const result = await cli(["update", "bot", "--store", "memory"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("app/store/memory.py is a folder, but the project has a file there");
    expect(await tree()).toEqual(before);
  });

  it("is exit 2 outside a generated project", async () => {
    const result = await cli(["update"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(". has no .chatkit-server.json");
  });
});

describe("check", () => {
  it("accepts a fresh project and the user's own edits; rejects a config change not applied yet", async () => {
    await generate();
    expect((await cli(["check", "bot"])).code).toBe(0);
    await edit("app/main.py", (t) => `${t}# mine\n`);
    await writeFile(join(project, "notes.txt"), "mine\n");
    expect((await cli(["check", "bot"])).code).toBe(0);

    await edit(".chatkit-server.json", (t) => t.replace('"store": "sqlite"', '"store": "memory"'));
    const result = await cli(["check", "bot", "--json"]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ command: "check", upToDate: false, baseRecord: "out of date", exitCode: 1 });
    expect(summary.settings).toEqual([{ id: "store", from: "sqlite", to: "memory" }]);
    expect(summary.files).toContainEqual({ path: "app/store/sqlite.py", action: "remove" });
  });

  it("fails when a generated file was reverted to an older render (update would change it)", async () => {
    await generate();
    expect((await cli(["update", "bot", "--history-limit", "8"])).code).toBe(0);
    await edit("app/settings.py", (t) => t.replace("default=8", "default=50"));
    // An edit of the user's, as far as update can tell: check accepts it.
    expect((await cli(["check", "bot"])).code).toBe(0);
    await rm(join(project, ".chatkit-server.json"));
    expect((await cli(["check", "bot"])).code).toBe(2);
  });
});
