// A child process spoken to in JSON lines: one request line in, one answer line out, in order.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";

export class JsonLinesChild {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<{ resolve: (value: unknown) => void; reject: (error: Error) => void }> = [];
  private stderr = "";
  private exited: string | undefined;

  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    this.child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      const next = this.waiting.shift();
      if (!next) return;
      try {
        next.resolve(JSON.parse(line));
      } catch {
        next.reject(new Error(`${this.name} answered something that is not JSON: ${line.slice(0, 500)}`));
      }
    });
    const fail = (why: string) => {
      this.exited = why;
      for (const pending of this.waiting.splice(0)) {
        pending.reject(new Error(`${this.name} ${why}:\n${this.stderr}`));
      }
    };
    this.child.on("error", (error) => fail(`could not start: ${error.message}`));
    this.child.on("close", (code, signal) => fail(signal ? `was killed by ${signal}` : `exited ${code}`));
  }

  /** Sends one request and waits for its answer. */
  request<T>(message: unknown): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} ${this.exited}:\n${this.stderr}`));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ resolve: resolve as (value: unknown) => void, reject });
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  /** Closes its stdin (it exits when done) and waits, killing it after `graceMs`. */
  async close(graceMs = 5_000): Promise<void> {
    if (this.exited) return;
    const closed = new Promise<void>((resolve) => this.child.once("close", () => resolve()));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await closed;
    clearTimeout(timer);
  }
}
