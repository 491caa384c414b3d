// The generator's matrix: every provider x tools x store the CLI accepts.
//
// Always: each combination is generated and must be clean under the project's own `ruff check`
// and `ruff format --check` and byte-compile (one shared venv holding only ruff: no install per
// combination, a few seconds in all); the combinations the CLI must refuse exit 2 and say why.
//
// Installed: a representative subset (every provider, every tool set, every store at least
// once) is installed from PyPI into the cached venvs and runs its own pytest offline; with
// CHATKIT_E2E_FULL_MATRIX=1, every combination does. PostgreSQL combinations get a database
// from postgres-server.ts (CHATKIT_TEST_DATABASE_URL, else an embedded server): never skipped.
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePostgres } from "./postgres-server.js";
import { describeFailure, run } from "./process.js";
import { CHECK_TIMEOUT, childEnv, SETUP_TIMEOUT } from "./project-fixture.js";
import {
  allCombinations,
  combinationFlags,
  combinationName,
  ensureRuffEnv,
  envKeyFor,
  generateWithFlags,
  OFFLINE_ENV,
  REFUSED,
  ruffRequirement,
  runCli,
  type Combination,
  type RuffEnv,
} from "./provider-projects.js";
import { ensureProjectEnv, type ProjectEnv } from "./python-env.js";
import { expectAllPassed } from "./pytest-summary.js";

const FULL_MATRIX_VARIABLE = "CHATKIT_E2E_FULL_MATRIX";
const FULL_MATRIX = process.env[FULL_MATRIX_VARIABLE] === "1";

const COMBINATIONS = allCombinations().map((combination) => ({ ...combination, name: combinationName(combination) }));

/**
 * Installed on every run: together they cover every provider, tool set and store (the live
 * provider tests in providers.test.ts add openai, openai-compatible and litellm with the
 * example tool on sqlite).
 */
const REPRESENTATIVE: Combination[] = [
  { provider: "openai", tools: "example,web-search", store: "postgres" },
  { provider: "openai-compatible", tools: "none", store: "memory" },
  { provider: "litellm", tools: "example,client,widget", store: "sqlite" },
];

const INSTALLED = (FULL_MATRIX ? allCombinations() : REPRESENTATIVE).map((combination) => ({
  ...combination,
  name: combinationName(combination),
}));

let workDir: string | undefined;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), "chatkit-e2e-matrix-"));
});
afterAll(async () => {
  if (workDir && !process.env.CHATKIT_E2E_KEEP) await rm(workDir, { recursive: true, force: true });
});

function projectDirFor(name: string, purpose: string): string {
  if (!workDir) throw new Error("the matrix's work directory was not created");
  return path.join(workDir, purpose, name);
}

describe(`every provider x tools x store (${COMBINATIONS.length} combinations) renders ruff-clean code that compiles`, () => {
  let ruff: RuffEnv;
  let requirement: string;
  beforeAll(async () => {
    const probe = projectDirFor("probe", "lint");
    await generateWithFlags(probe, []);
    requirement = await ruffRequirement(probe);
    ruff = await ensureRuffEnv(requirement);
  }, SETUP_TIMEOUT);

  it.each(COMBINATIONS)("$name", async (combination) => {
    const dir = projectDirFor(combination.name, "lint");
    await generateWithFlags(dir, combinationFlags(combination));
    expect(await ruffRequirement(dir), "every combination asks for the same ruff").toBe(requirement);

    const options = { cwd: dir, env: childEnv(), timeoutMs: CHECK_TIMEOUT };
    const lint = await run(ruff.ruff, ["check", "--no-cache", "."], options);
    expect(lint.code, describeFailure(lint)).toBe(0);
    const format = await run(ruff.ruff, ["format", "--check", "--no-cache", "."], options);
    expect(format.code, describeFailure(format)).toBe(0);
    const compile = await run(ruff.python, ["-m", "compileall", "-q", "app", "tests"], options);
    expect(compile.code, describeFailure(compile)).toBe(0);

    // The flags took effect where they must: the LiteLLM extra, the tools the agent is given.
    const pyproject = await readFile(path.join(dir, "pyproject.toml"), "utf8");
    expect(pyproject.includes("openai-agents[litellm]"), "LiteLLM extra").toBe(combination.provider === "litellm");
    const agent = await readFile(path.join(dir, "app", "agent.py"), "utf8");
    expect(/\bget_current_time\b/.test(agent), "example tool in build_agent").toBe(combination.tools.includes("example"));
    expect(existsSync(path.join(dir, "app", "tools.py")), "app/tools.py").toBe(combination.tools.includes("example"));
    expect(/\bWebSearchTool\(/.test(agent), "web search tool in build_agent").toBe(combination.tools.includes("web-search"));
    expect(/\bshow_counter,/.test(agent), "widget tool in build_agent").toBe(combination.tools.includes("widget"));
    expect(existsSync(path.join(dir, "app", "widgets")), "app/widgets/").toBe(combination.tools.includes("widget"));
    expect(/\bStopAtTools\(/.test(agent), "the client tool stops the run").toBe(combination.tools.includes("client"));
    expect(existsSync(path.join(dir, "app", "client_tools.py")), "app/client_tools.py").toBe(combination.tools.includes("client"));
  }, CHECK_TIMEOUT);

  it.each(REFUSED)("refuses --provider $provider --tools $tools with exit 2 and the reason", async ({ provider, tools }) => {
    const dir = projectDirFor(`${provider}-${tools.replace(",", "-and-")}`, "refused");
    const result = await runCli(dir, ["--provider", provider, "--tools", tools]);
    expect(result.code, describeFailure(result)).toBe(2);
    expect(`${result.stdout}${result.stderr}`).toMatch(/web-search.*--provider openai/i);
    expect(existsSync(dir), "nothing is written for a refused combination").toBe(false);
  }, CHECK_TIMEOUT);
});

const postgres = usePostgres();

describe.each(INSTALLED)(
  `installed from PyPI${FULL_MATRIX ? "" : ` (a representative subset; all with ${FULL_MATRIX_VARIABLE}=1)`}: $name`,
  (combination) => {
    let dir: string;
    let env: ProjectEnv;
    beforeAll(async () => {
      dir = projectDirFor(combination.name, "installed");
      await generateWithFlags(dir, combinationFlags(combination));
      env = await ensureProjectEnv(dir, envKeyFor(combination));
    }, SETUP_TIMEOUT);

    it("passes its own tests offline", async () => {
      // A postgres project's tests make a schema each in the database they are given.
      const database: Record<string, string> =
        combination.store === "postgres"
          ? { TEST_DATABASE_URL: await postgres.get().createDatabase(`matrix_${combination.provider}`) }
          : {};
      const result = await run(env.pytest, ["-q", "-p", "no:cacheprovider"], {
        cwd: dir,
        env: { ...childEnv(), ...OFFLINE_ENV, ...database },
        timeoutMs: CHECK_TIMEOUT,
      });
      expectAllPassed(result);
    }, CHECK_TIMEOUT);
  },
);
