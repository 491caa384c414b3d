// Issue 5's end-to-end proof: generate a SQLite project, edit it the way users do (a
// function tool of their own, a changed log line in respond()), switch it to PostgreSQL
// with `update`, and check that the edits survive and the project's own tests pass
// against a real PostgreSQL server.
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateProject } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { describeFailure, run } from "./process.js";
import { expectAllPassed } from "./pytest-summary.js";
import { childEnv } from "./project-fixture.js";
import { REPO_ROOT, ensureProjectEnv } from "./python-env.js";

const CLI_BIN = path.join(REPO_ROOT, "bin", "create-chatkit-server.js");
const MINUTE = 60_000;

const postgres = usePostgres();
let workDir: string;
let projectDir: string;

const USER_TOOL = `"""A tool of the user's own."""

from agents import function_tool


@function_tool
def count_words(text: str) -> int:
    """Count the words in a text.

    Args:
        text: The text to count.
    """
    return len(text.split())
`;

async function edit(relative: string, from: string, to: string): Promise<void> {
  const file = path.join(projectDir, relative);
  const text = await readFile(file, "utf8");
  expect(text, `${relative} should contain ${JSON.stringify(from)}`).toContain(from);
  await writeFile(file, text.replace(from, to));
}

function cli(args: string[]) {
  return run(process.execPath, [CLI_BIN, ...args], { cwd: projectDir, timeoutMs: 2 * MINUTE });
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "ccs-update-"));
  projectDir = path.join(workDir, "switch-bot");
  await generateProject(projectDir, { store: "sqlite" });
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("update: sqlite -> postgres with user edits", () => {
  it(
    "keeps a user's tool and log line, and the switched project passes its tests on PostgreSQL",
    async () => {
      await writeFile(path.join(projectDir, "app/user_tools.py"), USER_TOOL);
      // Where isort puts it, so the user's own edit is lint-clean: after the last `from app.` import.
      await edit("app/agent.py", "from app.startup import StartupError\n", "from app.startup import StartupError\nfrom app.user_tools import count_words\n");
      await edit("app/agent.py", "        model=model if model is not None else Settings().model,\n", "        model=model if model is not None else Settings().model,\n        tools=[count_words],\n");
      await edit("app/server.py", 'f"turn {outcome}",', 'f"turn {outcome} (edited)",');

      const update = await cli(["update", ".", "--store", "postgres", "--yes"]);
      expect(update.code, describeFailure(update)).toBe(0);

      // The edits are still there, merged into the new render.
      const agent = await readFile(path.join(projectDir, "app/agent.py"), "utf8");
      expect(agent).toContain("from app.user_tools import count_words");
      expect(agent).toContain("tools=[count_words]");
      expect(await readFile(path.join(projectDir, "app/server.py"), "utf8")).toContain("(edited)");
      expect(await readFile(path.join(projectDir, "app/user_tools.py"), "utf8")).toBe(USER_TOOL);
      // The store switched: the new backend is there, the old one gone.
      expect(existsSync(path.join(projectDir, "app/store/postgres.py"))).toBe(true);
      expect(existsSync(path.join(projectDir, "app/store/sqlite.py"))).toBe(false);
      const pyproject = await readFile(path.join(projectDir, "pyproject.toml"), "utf8");
      expect(pyproject).toContain("asyncpg");
      expect(pyproject).not.toContain("aiosqlite");
      const record = JSON.parse(await readFile(path.join(projectDir, ".chatkit-server.json"), "utf8"));
      expect(record.answers.store).toBe("postgres");

      const check = await cli(["check", "."]);
      expect(check.code, describeFailure(check)).toBe(0);

      const env = await ensureProjectEnv(projectDir, "update-switch-postgres");
      const databaseUrl = await postgres.get().createDatabase("update_switch");
      const pytest = await run(env.pytest, ["-q", "-p", "no:cacheprovider"], {
        cwd: projectDir,
        env: { ...childEnv(), TEST_DATABASE_URL: databaseUrl, PYTHONDONTWRITEBYTECODE: "1" },
        timeoutMs: 10 * MINUTE,
      });
      expectAllPassed(pytest);
      for (const args of [["check", "."], ["format", "--check", "."]]) {
        const ruff = await run(env.ruff, args, { cwd: projectDir, timeoutMs: 2 * MINUTE });
        expect(ruff.code, describeFailure(ruff)).toBe(0);
      }
    },
    30 * MINUTE,
  );
});
