// In-process runs of the CLI with injected prompt, commands and captured output.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PromptFn, PromptQuestion } from "../../src/options/question.js";
import type { CommandResult, RunCommand } from "../../src/post/run-command.js";
import { isOnPath } from "../../src/post/install.js";
import { colorLevel, isInteractive, run, type CliIO } from "../../src/run.js";
import { PLAIN_STYLES, loadStyles } from "../../src/styles.js";

const FIXTURE_TEMPLATES = fileURLToPath(new URL("./fixtures/templates/", import.meta.url));

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "run-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

interface Harness {
  io: CliIO;
  stdout: () => string;
  stderr: () => string;
  commands: string[];
}

function harness(options: { tty?: boolean; prompt?: PromptFn; commands?: Record<string, CommandResult> } = {}): Harness {
  let out = "";
  let err = "";
  const commands: string[] = [];
  const runCommand: RunCommand = async (command, args) => {
    const line = [command, ...args].join(" ");
    commands.push(line);
    return options.commands?.[line] ?? { ok: false, missing: true, output: "" };
  };
  const io: CliIO = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: { CREATE_CHATKIT_SERVER_TEMPLATES: FIXTURE_TEMPLATES, NO_COLOR: "1" },
    cwd,
    stdinIsTTY: options.tty ?? false,
    stdoutIsTTY: options.tty ?? false,
    platform: "linux",
    prompt: options.prompt ?? (async (q) => Promise.reject(new Error(`unexpected prompt ${q.message}`))),
    runCommand,
  };
  return { io, stdout: () => out, stderr: () => err, commands };
}

describe("interactive run with a fake prompt", () => {
  it("asks for the directory, every option and install, then generates", async () => {
    const asked: PromptQuestion[] = [];
    const replies: Record<string, string | boolean> = {
      "Project directory:": "Chat Bot",
      "Where should conversations be stored?": "memory",
      "Agent name:": "Helper",
      "Install Python dependencies now?": false,
    };
    const h = harness({
      tty: true,
      prompt: async (q) => {
        asked.push(q);
        return replies[q.message] ?? q.default ?? "";
      },
    });
    expect(await run(["--no-git"], h.io)).toBe(0);
    expect(asked.map((q) => q.message)[0]).toBe("Project directory:");
    expect(asked.at(-1)?.kind).toBe("confirm");
    const record = JSON.parse(await readFile(join(cwd, "Chat Bot", ".chatkit-server.json"), "utf8"));
    expect(record.answers).toMatchObject({ store: "memory", agentName: "Helper" });
    expect(existsSync(join(cwd, "Chat Bot", "app/store/memory.py"))).toBe(true);
    expect(h.stdout()).toContain('Python project name: chat-bot (normalised from "Chat Bot")');
    expect(h.stdout()).toContain("cd 'Chat Bot'");
  });

  it("Ctrl-C in a prompt prints Cancelled, exits 130 and writes nothing", async () => {
    const cancelled = Object.assign(new Error("User force closed the prompt"), { name: "ExitPromptError" });
    const h = harness({ tty: true, prompt: async () => Promise.reject(cancelled) });
    expect(await run(["bot"], h.io)).toBe(130);
    expect(h.stderr()).toBe("Cancelled\n");
    expect(await readdir(cwd)).toEqual([]);
  });
});

describe("a directory argument that looks like a misspelt command", () => {
  it.each([
    ["updat", "update"],
    ["upadte", "update"],
    ["Update", "update"],
    ["chek", "check"],
    ["checks", "check"],
  ])("%s is refused with a suggestion (exit 2), nothing written", async (typo, command) => {
    const h = harness();
    expect(await run([typo, "--yes", "--no-git"], h.io)).toBe(2);
    expect(h.stderr()).toBe(`"${typo}" is not a command (did you mean \`${command}\`?). To create a project in a new folder "${typo}", add --force.\n`);
    expect(await readdir(cwd)).toEqual([]);
  });

  it("--force creates the folder; names further from a command, paths and existing folders are not refused", async () => {
    const h = harness();
    expect(await run(["updat", "--yes", "--no-git", "--force"], h.io)).toBe(0);
    expect(existsSync(join(cwd, "updat", "pyproject.toml"))).toBe(true);
    expect(await run(["updater-bot", "--yes", "--no-git"], h.io)).toBe(0);
    expect(await run(["sub/check", "--yes", "--no-git"], h.io)).toBe(0);
    await mkdir(join(cwd, "chec"));
    expect(await run(["chec", "--yes", "--no-git"], h.io)).toBe(0);
  });
});

describe("post steps", () => {
  it("a failed install exits 1 with the manual commands, and keeps the project", async () => {
    const h = harness({
      commands: {
        "python3 -m venv .venv": { ok: true, missing: false, output: "" },
        ".venv/bin/pip install -e .[dev]": { ok: false, missing: false, output: "No matching distribution" },
      },
    });
    expect(await run(["bot", "--yes", "--install", "--no-git"], h.io)).toBe(1);
    expect(h.stderr()).toMatch(/\nInstalling dependencies failed at `\.venv\/bin\/pip install -e '\.\[dev\]'` after \d+\.\d s\. /);
    expect(h.stdout()).not.toContain("Installed");
    expect(h.stderr()).toContain("python3 -m venv .venv\n");
    expect(existsSync(join(cwd, "bot", "pyproject.toml"))).toBe(true);
  });

  it("uses uv when it is on PATH", async () => {
    const ok = { ok: true, missing: false, output: "" };
    const h = harness({ commands: { "uv --version": ok, "uv venv": ok, "uv pip install -e .[dev]": ok } });
    expect(await run(["bot", "--yes", "--install", "--no-git"], h.io)).toBe(0);
    expect(h.commands).toEqual(["uv --version", "uv venv", "uv pip install -e .[dev]"]);
    expect(h.stdout()).not.toContain("uv venv\n  "); // install steps are not repeated as next steps
    // One line ends the install's own output, before the next steps.
    expect(h.stdout()).toMatch(/\.\.\.\nInstalled the dependencies into \.venv in \d+\.\d s\.\n\nNext steps:\n/);
  });

  it("does not install by default without a terminal, and shows the install commands instead", async () => {
    const h = harness();
    expect(await run(["bot", "--no-git"], h.io)).toBe(0);
    expect(h.commands).toEqual([]); // uv is looked for on PATH (none here), not run
    expect(h.stdout()).toContain("  python3 -m venv .venv\n  .venv/bin/pip install -e '.[dev]'\n");
    expect(h.stdout()).toContain("uvicorn app.main:app --reload\n  pytest\n");
  });

  it("shows uv's commands when uv is on PATH, without running it", async () => {
    const bin = join(cwd, "bin");
    await mkdir(join(bin, "not-a-file", "uv"), { recursive: true });
    await writeFile(join(bin, "uv"), "#!/bin/sh\n", { mode: 0o755 });
    const h = harness();
    const io = { ...h.io, env: { ...h.io.env, PATH: [join(bin, "not-a-file"), bin].join(delimiter) } };
    expect(await run(["bot", "--no-git"], io)).toBe(0);
    expect(h.commands).toEqual([]);
    expect(h.stdout()).toContain("  uv venv\n  uv pip install -e '.[dev]'\n");
  });

  it("git problems are warnings, not failures", async () => {
    const h = harness({
      commands: {
        "git --version": { ok: true, missing: false, output: "git version 2" },
        "git rev-parse --is-inside-work-tree": { ok: false, missing: false, output: "fatal: not a git repository" },
        "git init -q": { ok: false, missing: false, output: "fatal: permission denied" },
      },
    });
    expect(await run(["bot", "--yes"], h.io)).toBe(0);
    expect(h.stderr()).toContain("Warning: git init failed: fatal: permission denied");
  });
});

describe("terminal detection", () => {
  it("is interactive only with TTYs on both ends, no --yes and no CI", () => {
    const tty = { stdinIsTTY: true, stdoutIsTTY: true };
    expect(isInteractive({ ...tty, env: {} }, false)).toBe(true);
    expect(isInteractive({ ...tty, env: {} }, true)).toBe(false);
    expect(isInteractive({ ...tty, env: { CI: "true" } }, false)).toBe(false);
    expect(isInteractive({ stdinIsTTY: false, stdoutIsTTY: true, env: {} }, false)).toBe(false);
    expect(isInteractive({ stdinIsTTY: true, stdoutIsTTY: false, env: {} }, false)).toBe(false);
  });

  it("uses no colour with NO_COLOR or without a terminal", () => {
    const truecolor = { level: 3 as const };
    expect(colorLevel({ env: { NO_COLOR: "1" }, stdoutIsTTY: true }, truecolor)).toBe(0);
    expect(colorLevel({ env: {}, stdoutIsTTY: false }, truecolor)).toBe(0);
    expect(colorLevel({ env: {}, stdoutIsTTY: true }, truecolor)).toBe(3);
    expect(colorLevel({ env: {}, stdoutIsTTY: true }, false)).toBe(0);
  });

  it("styles text plainly when no colour is possible", async () => {
    expect(await loadStyles({ env: {}, stdoutIsTTY: false })).toBe(PLAIN_STYLES);
    expect(await loadStyles({ env: { NO_COLOR: "1" }, stdoutIsTTY: true })).toBe(PLAIN_STYLES);
    expect(PLAIN_STYLES.redBold("conflict")).toBe("conflict");
  });
});

describe("isOnPath", () => {
  it("finds an executable file in a PATH folder, and nothing else", async () => {
    const bin = join(cwd, "bin");
    await mkdir(join(bin, "folder"), { recursive: true });
    await writeFile(join(bin, "tool"), "#!/bin/sh\n", { mode: 0o755 });
    await writeFile(join(bin, "plain"), "text\n", { mode: 0o644 });
    const env = { PATH: ["", join(cwd, "missing"), bin].join(delimiter) };
    expect(isOnPath("tool", env, "linux")).toBe(true);
    expect(isOnPath("folder", env, "linux")).toBe(false);
    expect(isOnPath("missing", env, "linux")).toBe(false);
    expect(isOnPath("tool", {}, "linux")).toBe(false);
    if (process.getuid?.() !== 0) expect(isOnPath("plain", env, "linux")).toBe(false); // root may execute anything
  });

  it("on Windows, tries each PATHEXT extension", async () => {
    await writeFile(join(cwd, "uv.EXE"), "");
    expect(isOnPath("uv", { Path: `C:\\nowhere;${cwd}`, PATHEXT: ".COM;.EXE" }, "win32")).toBe(true);
    expect(isOnPath("uv", { Path: cwd, PATHEXT: ".COM" }, "win32")).toBe(false);
  });
});
