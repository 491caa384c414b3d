// Serve a generated project exactly as its README says (`uvicorn app.main:app`), with no fake
// model injected: the agent runs on the model provider the project was generated for, which a
// test points at a loopback fake of the provider's HTTP API (fake-model-api.ts).
// (uvicorn-server.ts serves projects with a scripted model instead.)
import { spawn, type ChildProcess } from "node:child_process";
import { tail } from "./process.js";
import { freePort } from "./uvicorn-server.js";

const HOST = "127.0.0.1";

export interface AppServerOptions {
  /** The project venv's python. */
  python: string;
  /** The generated project: the working directory, so `app` is this project's package. */
  projectDir: string;
  /** The server's whole environment. */
  env: NodeJS.ProcessEnv;
  /** How long to wait for GET /health to answer 200. Default 60 s (LiteLLM imports slowly). */
  startupTimeoutMs?: number;
}

export class AppServer {
  private output = "";
  private exitStatus: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.output += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.output += chunk));
    this.exited = new Promise((resolve) => {
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

  /** Everything the server printed so far. */
  logs(maxChars = 8000): string {
    return tail(this.output, maxChars);
  }

  /** Starts `python -m uvicorn app.main:app` and waits until /health answers; retries on a port clash. */
  static async start(options: AppServerOptions): Promise<AppServer> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const child = spawn(
        options.python,
        ["-m", "uvicorn", "app.main:app", "--host", HOST, "--port", String(port), "--log-level", "info"],
        { cwd: options.projectDir, env: { ...options.env, PYTHONUNBUFFERED: "1" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      const server = new AppServer(child, port);
      try {
        await server.waitUntilHealthy(options.startupTimeoutMs ?? 60_000);
        return server;
      } catch (error) {
        await server.stop(0);
        if (!/address already in use/i.test(server.output) || attempt >= 3) throw error;
      }
    }
  }

  private async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = "no answer yet";
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`uvicorn ${this.exitStatus} before /health answered:\n${this.logs()}`);
      try {
        const response = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return;
        lastProblem = `HTTP ${response.status}`;
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`GET ${this.baseUrl}/health did not answer 200 within ${timeoutMs} ms (${lastProblem}):\n${this.logs()}`);
  }

  /** SIGTERM, then SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    const stopped = await Promise.race([this.exited.then(() => true), graceOver]);
    clearTimeout(timer);
    if (!stopped) {
      this.child.kill("SIGKILL");
      await this.exited;
    }
  }
}
