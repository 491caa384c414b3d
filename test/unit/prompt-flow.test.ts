// The interactive flow in a real pseudo-terminal (python's pty module drives the built binary
// with inquirer loaded, as a user at a keyboard): Enter accepts the default instructions, an
// invalid answer is reported under the question's name, the summary and the confirmation come
// before anything is written, and "no" writes nothing.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/create-chatkit-server.js", import.meta.url));
const DRIVER = fileURLToPath(new URL("./fixtures/pty_session.py", import.meta.url));
const TEMPLATES_DIR = fileURLToPath(new URL("../../templates/", import.meta.url));
const DEFAULT_INSTRUCTIONS = "You are a helpful assistant. Answer concisely.";

type Step = ["enter-until" | "expect" | "send", string];

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "prompt-flow-"));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** Runs the binary under a pty with `steps`; the screen text comes back without escape sequences. */
function session(args: string[], steps: Step[], env: Record<string, string> = {}): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) => {
    execFile(
      "python3",
      [DRIVER, JSON.stringify(steps), process.execPath, BIN, ...args],
      {
        cwd,
        // No CI variable: the run is interactive because both ends are a terminal.
        env: {
          PATH: process.env.PATH ?? "",
          HOME: cwd,
          TERM: "xterm-256color",
          NO_COLOR: "1",
          CREATE_CHATKIT_SERVER_TEMPLATES: TEMPLATES_DIR,
          GIT_AUTHOR_NAME: "Test",
          GIT_AUTHOR_EMAIL: "test@example.com",
          GIT_COMMITTER_NAME: "Test",
          GIT_COMMITTER_EMAIL: "test@example.com",
          ...env,
        },
        timeout: 90_000,
      },
      (error, stdout) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        // eslint-disable-next-line no-control-regex
        resolve({ code, screen: stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "") });
      },
    );
  });
}

/** The summary's row for a label: its value, or undefined when the row is absent. */
function summaryValue(screen: string, label: string): string | undefined {
  const summary = screen.split("Summary:\n")[1] ?? "";
  return new RegExp(`^  ${label} +(.*)$`, "m").exec(summary)?.[1];
}

describe("the interactive flow under a pseudo-terminal", () => {
  it("Enter takes every default, the default instructions included; the summary shows them; answering no writes nothing", async () => {
    const { code, screen } = await session(["bot", "--no-install"], [
      ["enter-until", "Write the project\\?"],
      ["send", "n\r"],
    ], { EDITOR: "nano -w" });
    expect(code, screen).toBe(0);
    // The instructions question: Enter keeps the default; the editor that would open is named.
    expect(screen).toContain(`Keep the default: ${DEFAULT_INSTRUCTIONS}`);
    expect(screen).toContain("Write them in nano (from $EDITOR; for several lines)");
    expect(screen).toContain("Initialise a git repository with a first commit?");
    expect(summaryValue(screen, "Directory")).toBe("bot");
    expect(summaryValue(screen, "Instructions")).toBe(DEFAULT_INSTRUCTIONS);
    expect(summaryValue(screen, "Store")).toBe("sqlite");
    expect(summaryValue(screen, "Git repository")).toBe("yes");
    expect(summaryValue(screen, "Install dependencies")).toBe("no");
    // Options that do not apply are not listed.
    expect(summaryValue(screen, "PostgreSQL URL")).toBeUndefined();
    expect(screen).toContain("Nothing was written.");
    expect(await readdir(cwd)).toEqual([]);
  }, 120_000);

  it("typed answers: instructions inline, a bad temperature named by its question, then yes writes the project and its repository", async () => {
    const { code, screen } = await session(["bot", "--no-install"], [
      ["enter-until", "Agent instructions:"],
      ["send", "\u001b[B\r"], // "Type them here"
      ["expect", "Type them here[\\s\\S]*Agent instructions"],
      ["send", "Be brief.\r"],
      ["enter-until", "Temperature \\(0-2"],
      ["send", "5\r"],
      ["expect", "Temperature must be a number from 0 to 2"],
      ["send", "\u007f\r"],
      ["enter-until", "Write the project\\?"],
      ["send", "\r"],
    ]);
    expect(code, screen).toBe(0);
    // The terminal wraps the message at 80 columns.
    expect(screen.replace(/\s+/g, " ")).toContain('> Temperature must be a number from 0 to 2, or empty to leave it unset (got "5").');
    expect(screen).not.toContain("--temperature must");
    expect(summaryValue(screen, "Instructions")).toBe("Be brief.");
    expect(summaryValue(screen, "Temperature")).toBe("unset (the provider's default)");
    expect(screen.indexOf("Summary:")).toBeLessThan(screen.indexOf("Done:"));
    expect(await readFile(join(cwd, "bot", "app/instructions.md"), "utf8")).toContain("Be brief.");
    expect(existsSync(join(cwd, "bot", ".git"))).toBe(true);
  }, 120_000);
});
