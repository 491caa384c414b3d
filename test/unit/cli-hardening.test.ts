// The CLI under hostile input and in CI, through the built binary (dist/ is built by
// global-setup): --config, --json, target directory rules, unwritable locations, no terminal.
import { existsSync, mkdirSync, rmdirSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run, type CliIO } from "../../src/run.js";
import { withoutNoGitWarning } from "./support/no-git.js";
import { FIXTURE_TEMPLATES, runBin, type BinOptions } from "./support/run-bin.js";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "cli-hardening-"));
});
afterEach(async () => {
  await chmod(cwd, 0o755).catch(() => undefined);
  await rm(cwd, { recursive: true, force: true });
});

/** The user id (and group id) of `nobody` on Linux. */
const NOBODY = 65534;
const cli = (args: string[], options: Partial<BinOptions> = {}) => runBin(args, { cwd, ...options });
const NO_POST = ["--yes", "--no-git", "--no-install"];

async function readTree(dir: string, prefix = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix + entry.name;
    if (entry.isDirectory()) for (const [p, b] of await readTree(dir, `${path}/`)) files.set(p, b);
    else files.set(path, await readFile(join(dir, path), "latin1"));
  }
  return files;
}

async function answersIn(dir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(cwd, dir, ".chatkit-server.json"), "utf8")).answers;
}

/** A folder under `root` whose absolute path is exactly `length` characters. */
async function folderOfLength(root: string, length: number): Promise<string> {
  let dir = root;
  while (length - dir.length - 1 >= 1) dir = join(dir, "d".repeat(Math.min(200, length - dir.length - 1)));
  await mkdir(dir, { recursive: true });
  expect(dir.length).toBe(length);
  return dir;
}

/** True when even this process (root included) cannot make a folder in `dir`. */
function refusesMkdir(dir: string): boolean {
  const probe = join(dir, `ccs-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return false;
  } catch (error) {
    return ["EPERM", "EACCES", "EROFS"].includes((error as NodeJS.ErrnoException).code ?? "");
  }
}

describe("--config FILE", () => {
  it("create takes answers and the directory from YAML; flags win over it", async () => {
    await writeFile(
      join(cwd, "c.yaml"),
      "directory: from-config\nstore: memory\nhistoryLimit: 20\ntemperature: 0.5\npython: 3.10\ntools: [example]\n",
    );
    const result = await cli(["--config", "c.yaml", "--history-limit", "30", ...NO_POST]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(await answersIn("from-config")).toMatchObject({ store: "memory", historyLimit: 30, temperature: 0.5, python: "3.10", tools: "example" });
  });

  it("create takes JSON; the directory argument wins over the file's", async () => {
    await writeFile(join(cwd, "c.json"), JSON.stringify({ directory: "from-config", agentName: "Helper", temperature: null }));
    const result = await cli(["from-arg", "--config", "c.json", ...NO_POST]);
    expect(result.code).toBe(0);
    expect(await readdir(cwd)).toEqual(["c.json", "from-arg"]);
    expect(await answersIn("from-arg")).toMatchObject({ agentName: "Helper", temperature: null });
  });

  it.each([
    ["c.yaml", "store: [memory\nhistoryLimit: 3\n", /^c\.yaml:\d+:\d+: not valid YAML: .+\.\n$/],
    ["c.json", '{\n  "store": "memory",\n}\n', /^c\.json:3:1: not valid JSON: expected a key in double quotes, found "}"\.\n$/],
    ["c.yaml", "store: memory\ncolour: red\n", /^c\.yaml:2:1: unknown key "colour"\. Known keys: directory, store, .*python\.\n$/],
    ["c.yml", "--store: memory\n", /^c\.yml:1:1: unknown key "--store": did you mean "store"\? /],
    ["c.yaml", "store: memory\nhistoryLimit: true\n", /^c\.yaml:2:1: "historyLimit": --history-limit must be a whole number \(got true\)\.\n$/],
    ["c.json", '{"tools": "example,maps"}', /^c\.json:1:2: "tools": --tools must be "none" or a comma-separated list of: example, web-search, client, widget \(got "maps"\)\.\n$/],
    ["c.toml", 'store = "memory"\n', /^--config c\.toml: the file name must end in \.json, \.yaml or \.yml\.\n$/],
  ])("%s %j: exit 2, the key path or line:column, nothing written", async (name, text, message) => {
    await writeFile(join(cwd, name), text);
    const result = await cli(["bot", "--config", name, ...NO_POST]);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(await readdir(cwd)).toEqual([name]);
  });

  it("every error of the file at once, one line each: exit 2, nothing written", async () => {
    await writeFile(join(cwd, "c.yaml"), "store: mysql\nhistoryLimit: 0\ntools: [maps]\ncolour: red\n");
    const result = await cli(["bot", "--config", "c.yaml", ...NO_POST]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n").map((line) => line.split(": ")[0])).toEqual(["c.yaml:4:1", "c.yaml:1:1", "c.yaml:3:1", "c.yaml:2:1", ""]);
    expect(await readdir(cwd)).toEqual(["c.yaml"]);
  });

  it("a missing config file is exit 2 naming it", async () => {
    const result = await cli(["bot", "--config", "nope.yaml", ...NO_POST]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("--config nope.yaml: no such file.\n");
    expect(await readdir(cwd)).toEqual([]);
  });

  it("update applies the file's settings (flags still win); a bad file changes nothing", async () => {
    expect((await cli(["bot", ...NO_POST])).code).toBe(0);
    const project = join(cwd, "bot");
    await writeFile(join(cwd, "s.yaml"), "directory: ignored-by-update\nstore: memory\nhistoryLimit: 9\n");
    const updated = await cli(["update", "--config", "../s.yaml", "--history-limit", "8"], { cwd: project });
    expect(withoutNoGitWarning(updated.stderr)).toBe("");
    expect(updated.code).toBe(0);
    expect(await answersIn("bot")).toMatchObject({ store: "memory", historyLimit: 8 });
    expect(existsSync(join(project, "app/store/memory.py"))).toBe(true);
    expect((await cli(["check"], { cwd: project })).code).toBe(0);

    const before = await readTree(project);
    await writeFile(join(cwd, "bad.yaml"), "store: sqlite\nhistoryLimit: 0\n");
    const bad = await cli(["update", "bot", "--config", "bad.yaml"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^bad\.yaml:2:1: "historyLimit": --history-limit must be a whole number from 1 to 1000/);
    expect(await readTree(project)).toEqual(before);

    const reset = await cli(["update", "bot", "--reset-base", "--config", "s.yaml"]);
    expect(reset.code).toBe(2);
    expect(reset.stderr).toContain("without setting flags or --config");
  });
});

describe("create --json", () => {
  it("prints exactly one JSON document: the directory, files written, next steps", async () => {
    const result = await cli(["My Bot!", "--json", "--no-git", "--no-install", "--store", "memory"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(Object.keys(summary)).toEqual([
      "command",
      "directory",
      "dryRun",
      "generatorVersion",
      "project",
      "answers",
      "files",
      "git",
      "install",
      "notes",
      "nextSteps",
      "exitCode",
    ]);
    expect(summary).toMatchObject({
      command: "create",
      directory: join(cwd, "My Bot!"),
      dryRun: false,
      project: { name: "My Bot!", distributionName: "my-bot" },
      git: "not run",
      install: "not run",
      exitCode: 0,
    });
    expect(summary.answers.store).toBe("memory");
    expect(summary.files).toContainEqual({ path: "pyproject.toml", action: "create" });
    expect(summary.notes).toEqual(['Python project name: my-bot (normalised from "My Bot!")']);
    expect(summary.nextSteps[0]).toBe("cd 'My Bot!'");
    expect(summary.nextSteps.at(-1)).toBe("pytest");
    for (const file of summary.files) expect(existsSync(join(cwd, "My Bot!", file.path)), file.path).toBe(true);
  });

  it("next steps name the project's API key variable, and the database its postgres tests need", async () => {
    const args = ["--no-git", "--no-install", "--provider", "litellm", "--model", "gemini/gemini-2.5-flash", "--api-key-env", "GEMINI_API_KEY"];
    const postgres = await cli(["pg", ...args, "--store", "postgres"]);
    expect(postgres.code).toBe(0);
    expect(postgres.stdout).toMatch(/cp \.env\.example \.env +# then set GEMINI_API_KEY in \.env\n/);
    expect(postgres.stdout).toMatch(/pytest +# with TEST_DATABASE_URL set to a PostgreSQL server\n/);
    const sqlite = await cli(["lite", ...args]);
    expect(sqlite.code).toBe(0);
    expect(sqlite.stdout).toMatch(/\n  pytest\n/);
  });

  it("--dry-run --json plans without writing", async () => {
    const result = await cli(["bot", "--json", "--dry-run"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: true, exitCode: 0, nextSteps: [] });
    expect(await readdir(cwd)).toEqual([]);
  });

  it.each([
    [["bot", "--json", "--store", "mysql"], "create", '--store must be one of: sqlite, memory, postgres (got "mysql").'],
    [["--json"], "create", "Missing project directory: pass it as the first argument"],
    [["bot", "--json", "--bogus"], "create", "unknown option '--bogus'"],
    [["update", "nowhere", "--json"], "update", "nowhere is not a folder."],
    [["check", "nowhere", "--json"], "check", "nowhere is not a folder."],
  ])("an error is one JSON document too: %j", async (args, command, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout);
    expect(Object.keys(summary)).toEqual(["command", "error", "exitCode"]);
    expect(summary).toMatchObject({ command, exitCode: 2 });
    expect(summary.error).toContain(message);
    expect(result.stderr).toContain(message);
    expect(await readdir(cwd)).toEqual([]);
  });

  /** An in-process run with a terminal on both ends; every command it runs fails. */
  function terminalRun(args: string[]) {
    const output = { out: "", err: "" };
    const io: CliIO = {
      stdout: { write: (t: string) => (output.out += t) },
      stderr: { write: (t: string) => (output.err += t) },
      env: { CREATE_CHATKIT_SERVER_TEMPLATES: FIXTURE_TEMPLATES },
      cwd,
      stdinIsTTY: true,
      stdoutIsTTY: true,
      platform: "linux",
      prompt: (q) => Promise.reject(new Error(`prompted: ${q.message}`)),
      runCommand: async (command) => ({ ok: false, missing: command === "uv", output: "pip: no network" }),
    };
    return run(args, io).then((code) => ({ code, ...output }));
  }

  it("never prompts, even with a terminal on both ends", async () => {
    const result = await terminalRun(["bot", "--json", "--no-git"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ command: "create", install: "not run", exitCode: 0 });
  });

  it("a failed install is exit 1 in the document, with the install commands as next steps", async () => {
    const result = await terminalRun(["bot", "--json", "--no-git", "--install"]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.out);
    expect(summary).toMatchObject({ install: "failed", exitCode: 1 });
    expect(summary.nextSteps.slice(0, 3)).toEqual(["cd bot", "python3 -m venv .venv", ".venv/bin/pip install -e '.[dev]'"]);
    expect(result.err).toContain("Installing dependencies failed at `python3 -m venv .venv`");
  });
});

describe("target directory", () => {
  it.each([
    [["../escape"], /must not contain "\.\."/],
    [["a/../.."], /must not contain "\.\."/],
    [["."], /must name a new folder/],
    [["fastapi"], /like one of its own dependencies/],
  ])("refuses %j with exit 2, writing nothing", async (args, message) => {
    const result = await cli([...args, ...NO_POST]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await readdir(cwd)).toEqual([]);
  });

  it("refuses a path through a file, naming the file", async () => {
    await writeFile(join(cwd, "afile"), "x");
    const result = await cli(["afile/sub/bot", ...NO_POST]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("Cannot create afile/sub/bot: afile is a file, not a folder. Choose another project directory.\n");
    expect(await readdir(cwd)).toEqual(["afile"]);
  });

  it("says when the Python project name differs from the folder name", async () => {
    const result = await cli(["Chat Bot", ...NO_POST]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Python project name: chat-bot (normalised from "Chat Bot")');
    expect(await readFile(join(cwd, "Chat Bot", "pyproject.toml"), "utf8")).toContain('name = "chat-bot"');
  });

  it("--force never deletes a file it did not generate, nor one it generated before", async () => {
    const project = join(cwd, "busy");
    const mine = new Map([
      ["notes.txt", "mine\n"],
      ["app/mine.py", "print('mine')\n"],
      ["tests/test_mine.py", "def test_mine(): pass\n"],
      [".git/HEAD", "ref: refs/heads/main\n"],
    ]);
    for (const [path, text] of mine) {
      await mkdir(join(project, path, ".."), { recursive: true });
      await writeFile(join(project, path), text);
    }
    const refused = await cli(["busy", ...NO_POST]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("is not empty");

    expect((await cli(["busy", "--force", "--store", "memory", ...NO_POST])).code).toBe(0);
    // A second run with other answers writes sqlite.py and leaves memory.py (create never removes).
    expect((await cli(["busy", "--force", "--store", "sqlite", ...NO_POST])).code).toBe(0);
    const after = await readTree(project);
    for (const [path, text] of mine) expect(after.get(path), path).toBe(text);
    expect(after.has("app/store/memory.py")).toBe(true);
    expect(after.has("app/store/sqlite.py")).toBe(true);
    expect(await answersIn("busy")).toMatchObject({ store: "sqlite" });
    expect([...after.keys()].filter((p) => /\.(tmp|bak)-/.test(p))).toEqual([]);
  });
});

describe("unwritable locations: one sentence, nothing half-written", () => {
  it("a path too long once the project's files are added: exit 2, no temp folder left", async () => {
    // The temp folder (".bot.tmp-xxxxxxxx", 17 characters) fits below PATH_MAX (4096); its files do not.
    const parent = await folderOfLength(cwd, 4070);
    const result = await cli([join(parent, "bot"), ...NO_POST]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Could not write the project to \/\S+\/bot: the path is too long for this system\. Nothing was written; [^\n]*\n$/);
    expect(await readdir(parent)).toEqual([]);
  });

  it("--force into a folder where one file cannot be staged: exit 2, the folder exactly as it was", async () => {
    // Each new file is staged beside its target as ".<name>.tmp-xxxxxxxx"; pick a folder length
    // where every file but the last (the base record, the longest path) can be staged.
    // Without attachments and rate limits: their module paths are longer than the base record's.
    const flags = ["--store", "memory", "--attachments", "none", "--rate-limit", "none"];
    const plan = JSON.parse((await cli(["probe", "--json", "--dry-run", ...flags])).stdout) as { files: { path: string }[] };
    const paths = plan.files.map((f) => f.path);
    const staged = (path: string) => path.length + ".tmp-xxxxxxxx".length + 2;
    const last = paths.at(-1) as string;
    const longestOther = Math.max(...paths.slice(0, -1).map(staged));
    expect(staged(last)).toBeGreaterThan(longestOther);
    const project = await folderOfLength(cwd, 4095 - longestOther);
    await writeFile(join(project, "pyproject.toml"), "[project]\nname = 'mine'\n");
    await writeFile(join(project, "notes.txt"), "mine\n");
    const before = await readTree(project);

    const result = await cli([project, "--force", ...flags, ...NO_POST]);
    expect(result.stderr).toMatch(/^Could not write the project to \/\S+: the path is too long for this system\. Nothing was written; /);
    expect(result.code).toBe(2);
    expect(await readTree(project)).toEqual(before);
  });

  it.runIf(existsSync("/proc/self"))("under /proc: exit 2 at once (Node's recursive mkdir would spin forever)", async () => {
    const result = await cli([`/proc/ccs-${process.pid}/bot`, ...NO_POST], { killAfterMs: 10_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Could not write the project to \/proc\/\S+: a folder on the path cannot be created there/);
  });

  it.runIf(existsSync("/sys") && refusesMkdir("/sys"))("where even root may not write (/sys): exit 1", async () => {
    const target = `/sys/ccs-bot-${process.pid}`;
    const result = await cli([target, ...NO_POST]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^Could not write the project to \/sys\/ccs-bot-\d+: (permission denied|the operation is not permitted there|the file system is read-only)\. Nothing was written; [^\n]*\n$/,
    );
    expect(existsSync(target)).toBe(false);
    // The file list is printed once the files are written: here, never.
    expect(result.stdout).toBe(`Creating a ChatKit server in ${target}\n`);
  });

  it("a read-only parent folder: exit 1", async () => {
    await mkdir(join(cwd, "ro"));
    await chmod(join(cwd, "ro"), 0o555);
    // Root writes through any mode bits (as in CI, which runs as root): there the CLI runs as
    // nobody, for whom the folder is read-only as it is for any user but root.
    const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
    if (process.getuid?.() === 0) await chmod(cwd, 0o755); // mkdtemp's 0700 would keep nobody out of cwd
    const result = await cli(["ro/bot", ...NO_POST], asNobody);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Could not write the project to \S+: permission denied\. /);
    await chmod(join(cwd, "ro"), 0o755);
    expect(await readdir(join(cwd, "ro"))).toEqual([]);
  });
});

describe("no terminal: never waits for input", () => {
  // stdin is an open pipe that never sends anything nor closes, as under some CI runners:
  // a run that tried to read it would be killed after 15 s (code null) and fail here.
  const open = { stdin: "open" as const, killAfterMs: 15_000 };

  it("create without --yes takes the defaults and finishes", async () => {
    const result = await cli(["bot", "--no-git"], open);
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(10_000);
    expect(existsSync(join(cwd, "bot", "pyproject.toml"))).toBe(true);
  });

  it("create without a directory exits 2 naming the missing argument", async () => {
    const result = await cli(["--store", "memory"], open);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Missing project directory: pass it as the first argument/);
  });

  it("update without flags changes nothing and finishes", async () => {
    expect((await cli(["bot", ...NO_POST])).code).toBe(0);
    const result = await cli(["update", "bot"], open);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Nothing to do");
  });
});

describe("--help lists every exit code", () => {
  const codes = (text: string) => [...(text.split("Exit codes:")[1] ?? "").matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));

  it("create: 0, 1, 2, 3, 130, and the config file keys", async () => {
    const help = (await cli(["--help"])).stdout;
    expect(codes(help)).toEqual([0, 1, 2, 3, 130]);
    expect(help).toContain("--config <file>");
    expect(help).toContain("--json");
    expect(help).toMatch(/Keys:\n\s+directory, store, databaseUrl, [\s\S]*historyLimit, python\.\n/);
  });

  it("update: 0, 1, 2, 3, 130; check: 0, 1, 2, 130", async () => {
    expect(codes((await cli(["update", "--help"])).stdout)).toEqual([0, 1, 2, 3, 130]);
    expect(codes((await cli(["check", "--help"])).stdout)).toEqual([0, 1, 2, 130]);
  });
});
