/** Runs an external command (git, uv, python) and collects its output; never throws. */

export interface CommandResult {
  /** Exited with code 0. */
  ok: boolean;
  /** The program is not on PATH. */
  missing: boolean;
  /** stdout and stderr, interleaved. */
  output: string;
}

export type RunCommand = (
  command: string,
  args: readonly string[],
  options: { cwd: string; onOutput?: (text: string) => void },
) => Promise<CommandResult>;

export const runCommand: RunCommand = async (command, args, options) => {
  // Loaded on first use: a run with --no-git --no-install starts no process.
  const { spawn } = await import("node:child_process");
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, missing: error.code === "ENOENT", output: output + error.message }),
    );
    child.on("close", (code) => resolve({ ok: code === 0, missing: false, output }));
  });
};

/** First non-empty line of a command's output, for one-line warnings. */
export function firstLine(output: string): string {
  return output.split("\n").find((line) => line.trim() !== "")?.trim() ?? "no output";
}
