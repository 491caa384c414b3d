// The generated container files, checked without a container engine (this machine kind has the
// docker client but no engine, so no image is built here): the Dockerfile's install command runs
// as written into a fresh venv, its start command serves /health, its HEALTHCHECK passes and
// SIGTERM stops it; compose.yaml parses and wires the right services and variables.
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { generateProject, type ProjectVariant } from "./generate-project.js";
import { usePostgres } from "./postgres-server.js";
import { describeFailure, run, tail } from "./process.js";
import { CHECK_TIMEOUT, childEnv, SETUP_TIMEOUT } from "./project-fixture.js";
import { ensureUv, findBasePython, uvEnv } from "./python-env.js";
import { freePort } from "./uvicorn-server.js";

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions by stage, continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Instruction[][] {
  const joined = text.replace(/\\\n\s*/g, " ");
  const stages: Instruction[][] = [];
  for (const line of joined.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const [keyword, ...rest] = trimmed.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    if (instruction.keyword === "FROM") stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

/** `ENV A=1 B=2` lines of a stage, `$PATH`-style references expanded from `base`. */
function envOf(stage: Instruction[], base: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.filter((i) => i.keyword === "ENV")) {
    for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g)) {
      env[key] = value.replace(/\$(\w+)/g, (_, name: string) => env[name] ?? base[name] ?? "");
    }
  }
  return env;
}

const one = (stage: Instruction[], keyword: string) => {
  const found = stage.filter((i) => i.keyword === keyword);
  expect(found, `one ${keyword} in the stage`).toHaveLength(1);
  return found[0].args;
};

const VARIANTS: ProjectVariant[] = [{ store: "sqlite" }, { store: "postgres" }];
const postgres = usePostgres();

describe.each(VARIANTS)("the container files of a --store $store project", (variant) => {
  let workDir: string;
  let projectDir: string;
  let stages: Instruction[][];
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), `chatkit-e2e-container-${variant.store}-`));
    projectDir = path.join(workDir, "bot");
    await generateProject(projectDir, variant);
    stages = parseDockerfile(await readFile(path.join(projectDir, "Dockerfile"), "utf8"));
  }, SETUP_TIMEOUT);
  afterAll(async () => {
    if (workDir && !process.env.CHATKIT_E2E_KEEP) await rm(workDir, { recursive: true, force: true });
  });

  it("builds in two stages and runs as an unprivileged user with a health check", () => {
    expect(stages).toHaveLength(2);
    const [build, runtime] = stages;
    expect(build[0].args).toMatch(/^python:\$\{PYTHON_VERSION\}-slim AS build$/);
    expect(build.filter((i) => i.keyword === "RUN").map((i) => i.args)[0]).toBe('pip install --no-cache-dir "uv>=0.9,<1"');
    expect(one(runtime, "USER")).toBe("chatkit");
    expect(one(runtime, "HEALTHCHECK")).toContain("http://127.0.0.1:8000/health");
    expect(JSON.parse(one(runtime, "CMD"))).toEqual(["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]);
    // The grace period for running answers at SIGTERM, read by uvicorn's command line.
    expect(envOf(runtime, {}).UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN).toBe("30");
    // Only the runtime dependencies: no dev extra.
    expect(build.map((i) => i.args).join("\n")).not.toMatch(/\[dev\]/);
  });

  it("keeps everything but the sources out of the build context", async () => {
    const ignore = (await readFile(path.join(projectDir, ".dockerignore"), "utf8")).split("\n").filter((l) => l && !l.startsWith("#"));
    expect(ignore[0]).toBe("*");
    expect(ignore.filter((l) => l.startsWith("!")).sort()).toEqual(["!README.md", "!app/", "!pyproject.toml"]);
    // What the COPY lines take is exactly what the context lets through.
    const copied = stages[0].filter((i) => i.keyword === "COPY").flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(copied.sort()).toEqual(["README.md", "app", "pyproject.toml"]);
  });

  it("installs and starts as written: /health answers, the HEALTHCHECK passes, SIGTERM stops it", async () => {
    const root = path.join(workDir, "image");
    const src = path.join(root, "src");
    await mkdir(src, { recursive: true });
    for (const entry of ["pyproject.toml", "README.md", "app"]) await cp(path.join(projectDir, entry), path.join(src, entry), { recursive: true });
    const inImage = (text: string) => text.replaceAll("/opt/venv", path.join(root, "opt/venv")).replaceAll("/data", path.join(root, "data"));

    // The build stage's command, with the image's paths under `root` and our uv and Python.
    const [build, runtime] = stages;
    // The first RUN installs uv (this test brings its own); the second installs the app.
    const install = inImage(build.filter((i) => i.keyword === "RUN")[1].args);
    expect(install).toMatch(/^uv venv \S+ && uv pip install --python \S+ --no-cache \.$/);
    const uv = await ensureUv();
    const buildEnv = { ...childEnv(), ...uvEnv(), ...envOf(build, {}) };
    delete buildEnv.UV_NO_CACHE;
    for (const command of install.split(" && ")) {
      const [tool, ...args] = command.split(" ");
      expect(tool).toBe("uv");
      const withPython = args[0] === "venv" ? [...args, "--python", await findBasePython()] : args;
      const result = await run(uv, withPython, { cwd: src, env: buildEnv, timeoutMs: SETUP_TIMEOUT });
      expect(result.code, describeFailure(result)).toBe(0);
    }
    const venvBin = path.join(root, "opt/venv/bin");
    expect(existsSync(path.join(venvBin, "uvicorn")), "uvicorn in the image's venv").toBe(true);
    expect(existsSync(path.join(venvBin, "pytest")), "no dev tools in the image").toBe(false);

    // The runtime stage's environment and command, on a free port.
    const env: Record<string, string> = { ...childEnv(), ...envOf(runtime, { PATH: process.env.PATH ?? "" }) };
    for (const [key, value] of Object.entries(env)) env[key] = inImage(value);
    if (variant.store === "sqlite") await mkdir(path.dirname(env.CHATKIT_DB_PATH), { recursive: true });
    if (variant.store === "postgres") env.DATABASE_URL = await postgres.get().createDatabase("container");
    // The app does not start without its provider's key (a start-up check); no turn is sent.
    env.OPENAI_API_KEY = "sk-unused-no-turn-is-sent";
    const port = await freePort();
    const [command, ...args] = (JSON.parse(one(runtime, "CMD")) as string[]).map((arg) => (arg === "8000" ? String(port) : arg));
    const home = path.join(root, "home");
    await mkdir(home, { recursive: true });
    const server = spawn(path.join(venvBin, command), args, { cwd: home, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    server.stdout.on("data", (chunk) => (output += chunk));
    server.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<string>((resolve) => server.on("exit", (code, signal) => resolve(signal ?? `exit ${code}`)));
    try {
      await waitForHealth(port, () => output);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(5_000) });
      expect(await ready.json(), "GET /ready").toEqual({ status: "ready" });
      const check = JSON.parse(one(runtime, "HEALTHCHECK").replace(/^.*?CMD\s+/, "")) as string[];
      const probe = await run(path.join(venvBin, check[0]), check.slice(1).map((arg) => arg.replace(":8000", `:${port}`)), { env, timeoutMs: 30_000 });
      expect(probe.code, describeFailure(probe)).toBe(0);
      if (variant.store === "sqlite") expect(existsSync(env.CHATKIT_DB_PATH), "the database is in /data").toBe(true);
    } finally {
      server.kill("SIGTERM");
    }
    // uvicorn shuts down cleanly, then ends by the signal it was sent (as a shell expects).
    expect(["SIGTERM", "exit 0"], tail(output, 4000)).toContain(await exited);
    expect(output).toMatch(/Application shutdown complete\.[\s\S]*Finished server process/);
  }, SETUP_TIMEOUT);

  it("has a compose file that wires the app to its store", async () => {
    const compose = parseYaml(await readFile(path.join(projectDir, "compose.yaml"), "utf8")) as {
      services: Record<string, Record<string, unknown>>;
      volumes?: Record<string, unknown>;
    };
    const app = compose.services.app;
    expect(app.build).toBe(".");
    expect(app.ports).toEqual(["8000:8000"]);
    expect(app.env_file).toEqual([{ path: ".env", required: false }]);
    if (variant.store === "postgres") {
      expect(Object.keys(compose.services).sort()).toEqual(["app", "db"]);
      const environment = app.environment as Record<string, string>;
      expect(new URL(environment.DATABASE_URL.replace("${POSTGRES_PASSWORD:-chatkit}", "x")).host).toBe("db:5432");
      expect(app.depends_on).toEqual({ db: { condition: "service_healthy" } });
      const db = compose.services.db;
      expect(String(db.image)).toMatch(/^postgres:\d+$/);
      expect(JSON.stringify(db.healthcheck)).toContain("pg_isready");
      expect(Object.keys(compose.volumes ?? {})).toContain("db-data");
    } else {
      expect(Object.keys(compose.services)).toEqual(["app"]);
      // The volume holds what the image keeps in /data (CHATKIT_DB_PATH).
      expect(app.volumes).toEqual(["app-data:/data"]);
      expect(envOf(stages[1], {}).CHATKIT_DB_PATH).toBe("/data/chatkit.db");
    }
  });
});

async function waitForHealth(port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + CHECK_TIMEOUT;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`GET /health did not answer on port ${port}:\n${tail(output(), 4000)}`);
}
