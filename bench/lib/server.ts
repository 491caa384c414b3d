// A generated project (or the floor) served by bench/fixtures/serve.py under uvicorn, on a
// free loopback port, with its output in a log file. Like test/e2e/uvicorn-server.ts, whose
// freePort() it uses, but for the bench's own fixture, with RSS readings and a long
// start-up allowance (seeding 10,000 threads happens before /health answers).
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { tail } from "../../test/e2e/process.js";
import { freePort } from "../../test/e2e/uvicorn-server.js";

export const SERVE_FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "serve.py");

const HOST = "127.0.0.1";
/** USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux port that matters. */
const CLOCK_TICKS = 100;

export interface BenchServerOptions {
  /** Shown in messages. */
  name: string;
  python: string;
  /** Working directory: the generated project (its `app` is imported from here). */
  cwd: string;
  /** Extra arguments for serve.py (--floor, --seed, --user-header, --experiment). */
  args?: string[];
  env: NodeJS.ProcessEnv;
  logFile: string;
  startupTimeoutMs?: number;
}

export class BenchServer {
  private exitStatus: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly port: number,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.on("close", (code, signal) => {
        this.exitStatus = signal ? `was killed by ${signal}` : `exited ${code}`;
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

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  logs(maxChars = 6000): string {
    try {
      return tail(readFileSync(this.logFile, "utf8"), maxChars);
    } catch {
      return "(no log)";
    }
  }

  /** Resident set size of the server process now, in KiB (Linux /proc). */
  rssKb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (!match) throw new Error(`no VmRSS in /proc/${this.pid}/status`);
    return Number(match[1]);
  }

  /**
   * CPU time (user + system, all threads) the server process and its child processes
   * (uvicorn's `--workers`) have used so far, in ms.
   */
  cpuMs(): number {
    return processTreeCpuMs(this.pid);
  }

  static async start(options: BenchServerOptions): Promise<BenchServer> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const log = openSync(options.logFile, "a");
      const env: NodeJS.ProcessEnv = { ...options.env, PYTHONUNBUFFERED: "1" };
      const child = spawn(
        options.python,
        [SERVE_FIXTURE, "--host", HOST, "--port", String(port), ...(options.args ?? [])],
        { cwd: options.cwd, env, stdio: ["ignore", log, log] },
      );
      closeSync(log);
      const server = new BenchServer(options.name, child, port, options.logFile);
      try {
        await server.waitUntilHealthy(options.startupTimeoutMs ?? 60_000);
        return server;
      } catch (error) {
        await server.kill9();
        if (!/address already in use/i.test(server.logs()) || attempt >= 3) throw error;
      }
    }
  }

  private async waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = "no answer yet";
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name}: the server ${this.exitStatus} before /health answered:\n${this.logs()}`);
      try {
        const response = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
        await response.text();
        if (response.status === 200) return;
        lastProblem = `HTTP ${response.status}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${this.name}: GET /health did not answer 200 within ${timeoutMs} ms (${lastProblem}):\n${this.logs()}`);
  }

  /** SIGTERM, then SIGKILL after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    const stopped = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs)),
    ]);
    if (!stopped) await this.kill9();
  }

  async kill9(): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}

function processTreeCpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, after the parenthesised command name.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  let ms = ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {
    // No children file (an older kernel): the process alone.
  }
  for (const child of children) {
    try {
      ms += processTreeCpuMs(Number(child));
    } catch {
      // It exited in between.
    }
  }
  return ms;
}
