// Start a generated project under uvicorn with the scripted fake model, on a free loopback port.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tail } from "./process.js";

export const FAKE_MODEL_FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "fixtures",
  "serve_with_fake_model.py",
);

const HOST = "127.0.0.1";

export interface ServerOptions {
  /** The project venv's python. */
  python: string;
  /** The generated project; the server's working directory. */
  projectDir: string;
  /** The server's whole environment (default: this process's), e.g. with CHATKIT_DB_PATH set. */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for GET /health to answer 200. Default 30 s. */
  startupTimeoutMs?: number;
}

export class FakeModelServer {
  private output = "";
  private readonly exited: Promise<void>;
  private exitStatus: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.output += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.output += chunk));
    this.exited = new Promise((resolve) => {
      // "close", not "exit": by then the last lines of output (a traceback) have arrived.
      child.on("close", (code, signal) => {
        this.exitStatus = signal ? `killed by ${signal}` : `exited ${code}`;
        resolve();
      });
      child.on("error", (error) => {
        this.exitStatus = `could not start: ${error.message}`;
        resolve();
      });
    });
  }

  get baseUrl(): string {
    return `http://${HOST}:${this.port}`;
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  /** Everything the server printed so far (uvicorn logs, tracebacks), for failure messages. */
  logs(maxChars = 8000): string {
    return tail(this.output, maxChars);
  }

  /** Starts the fixture and waits until /health answers; retries once on a port clash. */
  static async start(options: ServerOptions): Promise<FakeModelServer> {
    for (let attempt = 1; ; attempt++) {
      const server = FakeModelServer.spawn(options, await freePort());
      try {
        await server.waitUntilHealthy(options.startupTimeoutMs ?? 30_000);
        return server;
      } catch (error) {
        await server.kill9();
        const portClash = /address already in use/i.test(server.output);
        if (!portClash || attempt >= 3) throw error;
      }
    }
  }

  private static spawn(options: ServerOptions, port: number): FakeModelServer {
    const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), PYTHONUNBUFFERED: "1" };
    delete env.OPENAI_API_KEY; // the fake model needs none; a real key must never be used here
    const child = spawn(options.python, [FAKE_MODEL_FIXTURE, "--host", HOST, "--port", String(port)], {
      cwd: options.projectDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new FakeModelServer(child, port);
  }

  private async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = "no answer yet";
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(`the server ${this.exitStatus} before /health answered:\n${this.logs()}`);
      }
      try {
        const response = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
        const body = await response.text();
        if (response.status === 200) {
          const parsed = JSON.parse(body) as unknown;
          if (JSON.stringify(parsed) !== JSON.stringify({ status: "ok" })) {
            throw new Error(`GET /health answered 200 with ${body}, expected {"status": "ok"}`);
          }
          return;
        }
        lastProblem = `HTTP ${response.status}: ${body.slice(0, 200)}`;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith("GET /health answered")) throw error;
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await sleep(200);
    }
    throw new Error(`GET ${this.baseUrl}/health did not answer 200 within ${timeoutMs} ms (${lastProblem}):\n${this.logs()}`);
  }

  /** Sends SIGTERM and returns at once: uvicorn starts its graceful shutdown. */
  terminate(): void {
    if (this.running) this.child.kill("SIGTERM");
  }

  /** How the process ended ("exited 0", "killed by SIGKILL"...), or undefined if still running after `ms`. */
  async exitWithin(ms: number): Promise<string | undefined> {
    await Promise.race([this.exited, sleep(ms)]);
    return this.exitStatus;
  }

  /** Graceful stop: SIGTERM, then SIGKILL if still running after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const stopped = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!stopped) await this.kill9();
  }

  /** Abrupt stop, as a crash or power loss would do it. */
  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}

/** A port that was free a moment ago on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("could not find a free port"))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
