// Run a child process to completion and keep everything it printed, so a failing
// assertion can show the tool's own words instead of just an exit code.
import { spawn } from "node:child_process";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the command (SIGKILL) after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string;
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Runs `cmd args` and resolves with its exit status and output; rejects only if it cannot start. */
export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const command = [cmd, ...args].join(" ");
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    // stdout and stderr are always pipes here (see stdio above).
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const hint = error.code === "ENOENT" ? ` (is '${cmd}' installed and on PATH?)` : "";
      reject(new Error(`cannot run '${command}'${hint}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ command, code, signal, stdout, stderr, durationMs: Date.now() - started, timedOut });
    });
  });
}

/** Like run(), but rejects with the command's output when it does not exit 0. */
export async function runOrThrow(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(cmd, args, options);
  if (result.code !== 0) throw new Error(describeFailure(result));
  return result;
}

/** A readable account of a finished command, with the tail of its output. */
export function describeFailure(result: RunResult, maxChars = 6000): string {
  const status = result.timedOut
    ? `timed out after ${result.durationMs} ms`
    : result.signal
      ? `was killed by ${result.signal}`
      : `exited ${result.code}`;
  return [
    `'${result.command}' ${status}`,
    `--- stdout (tail) ---\n${tail(result.stdout, maxChars)}`,
    `--- stderr (tail) ---\n${tail(result.stderr, maxChars)}`,
  ].join("\n");
}

export function tail(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `...${text.slice(-maxChars)}`;
}
