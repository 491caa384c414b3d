/** What one run of the CLI talks to (injected, so tests run it in-process), and its exit codes. */
import type { PromptFn } from "./options/question.js";
import type { RunCommand } from "./post/run-command.js";

export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  platform: NodeJS.Platform;
  prompt: PromptFn;
  runCommand: RunCommand;
  /** Aborted on Ctrl-C outside prompts; checked between writes and steps. */
  signal?: AbortSignal;
}

export const EXIT = {
  ok: 0,
  /** A failure; for `check`: the project is not what its config generates now. */
  failure: 1,
  usage: 2,
  /** `update` finished but left conflicts to resolve. */
  conflicts: 3,
  cancelled: 130,
} as const;

/** No colour when NO_COLOR is set, or when stdout is not a terminal (unless FORCE_COLOR). */
export function mayUseColor(io: Pick<CliIO, "env" | "stdoutIsTTY">): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  return io.stdoutIsTTY || io.env.FORCE_COLOR !== undefined;
}

/**
 * 0 unless mayUseColor; otherwise chalk's own detection (`detected`: chalk's supportsColor,
 * from TERM, COLORTERM, FORCE_COLOR, ...). Chalk alone does not honour NO_COLOR.
 */
export function colorLevel(io: Pick<CliIO, "env" | "stdoutIsTTY">, detected: { level: 0 | 1 | 2 | 3 } | false): 0 | 1 | 2 | 3 {
  if (!mayUseColor(io)) return 0;
  return detected === false ? 0 : detected.level;
}

/** Prompts only with a terminal on both ends, without --yes, and outside CI. */
export function isInteractive(io: Pick<CliIO, "env" | "stdinIsTTY" | "stdoutIsTTY">, yes: boolean): boolean {
  // stdin last: asking whether it is a terminal sets up process.stdin (see src/cli.ts).
  return !yes && (io.env.CI === undefined || io.env.CI === "") && io.stdoutIsTTY && io.stdinIsTTY;
}
