/** Runs the built binary as a user would, without a terminal and without the prompt library. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../../bin/create-chatkit-server.js", import.meta.url));
const FORBID_INQUIRER = fileURLToPath(new URL("../fixtures/forbid-inquirer.mjs", import.meta.url));
export const FIXTURE_TEMPLATES = fileURLToPath(new URL("../fixtures/templates/", import.meta.url));

export interface BinResult {
  /** null when the run was killed for taking longer than `killAfterMs`: a hang. */
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface BinOptions {
  cwd: string;
  env?: Record<string, string>;
  /** "closed": stdin ends at once; "open": a pipe that is never written to nor closed. */
  stdin?: "closed" | "open";
  killAfterMs?: number;
  /** Close the reading end of stdout or stderr before the binary starts (as `| head` does once it has read enough). */
  close?: readonly ("stdout" | "stderr")[];
  /** Run as this user and group (the test runner must be root to switch). */
  uid?: number;
  gid?: number;
}

export function runBin(args: readonly string[], options: BinOptions): Promise<BinResult> {
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", FORBID_INQUIRER, BIN, ...args], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? options.cwd,
      NO_COLOR: "1",
      CREATE_CHATKIT_SERVER_TEMPLATES: FIXTURE_TEMPLATES,
      ...options.env,
    },
    stdio: ["pipe", "pipe", "pipe"],
    uid: options.uid,
    gid: options.gid,
  });
  if ((options.stdin ?? "closed") === "closed") child.stdin.end();
  for (const name of options.close ?? []) child[name].destroy();
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 20_000);
  return new Promise((resolve) =>
    child.on("close", (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}
