// One generated project per describe block: generated with the built CLI into a temp dir,
// installed into a cached venv, served with the fake model, and cleaned up afterwards.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { ChatKitClient } from "./chatkit-client.js";
import { generateProject, variantName, type ProjectVariant } from "./generate-project.js";
import type { PostgresServer } from "./postgres-server.js";
import { run, type RunResult } from "./process.js";
import { ensureProjectEnv, type EnvOptions, type ProjectEnv } from "./python-env.js";
import { FakeModelServer } from "./uvicorn-server.js";

const MINUTE = 60_000;
export const SETUP_TIMEOUT = 20 * MINUTE; // a cold uv cache downloads every dependency from PyPI
export const CHECK_TIMEOUT = 5 * MINUTE;
// Upper bounds, generous for a loaded 2-core machine: a server start imports the Agents SDK and
// openai (about 5 s alone, seen at 30 s with other suites running), and tests start up to two.
export const SERVER_TIMEOUT = 4 * MINUTE;
const STARTUP_TIMEOUT = 90_000;
const STOP_TIMEOUT = 30_000; // SIGTERM, up to 10 s of grace, then SIGKILL

/** The header the generated `--auth header` projects read the user id from (the CLI's default). */
export const USER_HEADER = "X-User-Id";

export interface FixtureOptions extends EnvOptions {
  /** The venv's cache key (default `store-<variant>`); files running at once need distinct keys. */
  envKey?: string;
  /** Where postgres variants get their databases; required for them. */
  postgres?: { get(): PostgresServer };
}

export interface ProjectFixture {
  readonly variant: ProjectVariant;
  readonly name: string;
  readonly workDir: string;
  readonly projectDir: string;
  readonly env: ProjectEnv;
  /** Runs one of the venv's tools in the project directory. */
  run(cmd: string, args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  /**
   * Settings for a fresh, empty store: a new SQLite file, a new PostgreSQL database, or nothing
   * (memory). Pass the same object to several servers to share one store.
   */
  freshStore(label: string): Promise<Record<string, string>>;
  /**
   * Starts the project with the fake model. Started inside a test, it is stopped after that test;
   * started in a beforeAll, after the file. Its output is printed when a test fails.
   */
  startServer(extraEnv?: Record<string, string>): Promise<FakeModelServer>;
  /** A client of `server` that, for `--auth header` projects, speaks as `user`. */
  client(server: FakeModelServer, user?: string): ChatKitClient;
}

/** Registers the hooks that prepare a project of `variant` for the tests of the calling block. */
export function useGeneratedProject(variant: ProjectVariant, options: FixtureOptions = {}): ProjectFixture {
  const name = variantName(variant);
  let workDir: string | undefined;
  let projectDir: string | undefined;
  let env: ProjectEnv | undefined;
  let inTest = false;
  const testServers: FakeModelServer[] = [];
  const suiteServers: FakeModelServer[] = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), `chatkit-e2e-${name}-`));
    projectDir = path.join(workDir, `${name}-server`);
    await generateProject(projectDir, variant);
    env = await ensureProjectEnv(projectDir, options.envKey ?? `store-${name}`, { resolution: options.resolution });
  }, SETUP_TIMEOUT);

  beforeEach(({ onTestFailed }) => {
    inTest = true;
    testServers.length = 0;
    onTestFailed(() => [...suiteServers.filter((server) => server.running), ...testServers].forEach(printLogs));
  });
  afterEach(async () => {
    inTest = false;
    await Promise.all(testServers.map((server) => server.stop()));
  }, STOP_TIMEOUT);

  afterAll(async () => {
    await Promise.all(suiteServers.map((server) => server.stop()));
    if (workDir && !process.env.CHATKIT_E2E_KEEP) await rm(workDir, { recursive: true, force: true });
  }, STOP_TIMEOUT);

  const ready = () => {
    if (!workDir || !projectDir || !env) throw new Error(`the ${name} project was not prepared (see beforeAll's error)`);
    return { workDir, projectDir, env };
  };

  return {
    variant,
    name,
    get workDir() {
      return ready().workDir;
    },
    get projectDir() {
      return ready().projectDir;
    },
    get env() {
      return ready().env;
    },
    run(cmd, args, extraEnv = {}) {
      return run(cmd, args, { cwd: ready().projectDir, env: { ...childEnv(), ...extraEnv }, timeoutMs: CHECK_TIMEOUT });
    },
    async freshStore(label): Promise<Record<string, string>> {
      switch (variant.store) {
        case "sqlite":
          return { CHATKIT_DB_PATH: path.join(ready().workDir, `${label}-${Date.now()}.sqlite3`) };
        case "postgres": {
          if (!options.postgres) throw new Error(`the ${name} fixture needs a PostgreSQL server (options.postgres)`);
          return { DATABASE_URL: await options.postgres.get().createDatabase(`${name}_${label}`) };
        }
        case "memory":
          return {};
      }
    },
    async startServer(extraEnv = {}) {
      const { python, projectDir } = { python: ready().env.python, projectDir: ready().projectDir };
      const env = { ...childEnv(), ...extraEnv };
      const server = await FakeModelServer.start({ python, projectDir, env, startupTimeoutMs: STARTUP_TIMEOUT });
      (inTest ? testServers : suiteServers).push(server);
      return server;
    },
    client(server, user = "alice") {
      return new ChatKitClient(server.baseUrl, variant.auth === "header" ? { [USER_HEADER]: user } : {});
    },
  };
}

export function printLogs(server: FakeModelServer): void {
  console.error(`--- output of the server on port ${server.port} (${server.running ? "running" : "stopped"}) ---\n${server.logs()}`);
}

/**
 * The environment of every child: the host's, without its OpenAI key, its CHATKIT_* settings or
 * a database URL that a generated project would pick up.
 */
export function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key === "OPENAI_API_KEY" || key.startsWith("CHATKIT_")) continue;
    if (key === "DATABASE_URL" || key === "TEST_DATABASE_URL") continue;
    env[key] = value;
  }
  return env;
}
