/**
 * `--install`: a virtualenv in .venv with the project installed editable, with its dev extras.
 * Uses uv when it is on PATH, else the standard venv module and pip.
 */
import type { RunCommand } from "./run-command.js";

export interface InstallStep {
  command: string;
  args: string[];
  /** The same step as a user would type it in a shell. */
  display: string;
}

export type InstallTool = "uv" | "pip";

export async function detectInstallTool(dir: string, run: RunCommand): Promise<InstallTool> {
  return (await run("uv", ["--version"], { cwd: dir })).ok ? "uv" : "pip";
}

export function installSteps(tool: InstallTool, platform: NodeJS.Platform = process.platform): InstallStep[] {
  if (tool === "uv") {
    return [
      { command: "uv", args: ["venv"], display: "uv venv" },
      { command: "uv", args: ["pip", "install", "-e", ".[dev]"], display: "uv pip install -e '.[dev]'" },
    ];
  }
  const windows = platform === "win32";
  const python = windows ? "python" : "python3";
  const pip = windows ? ".venv\\Scripts\\pip.exe" : ".venv/bin/pip";
  return [
    { command: python, args: ["-m", "venv", ".venv"], display: `${python} -m venv .venv` },
    { command: pip, args: ["install", "-e", ".[dev]"], display: `${pip} install -e '.[dev]'` },
  ];
}

export type InstallOutcome = { ok: true } | { ok: false; failedStep: InstallStep; output: string };

/** Runs the steps in order and stops at the first failure. */
export async function installDependencies(
  dir: string,
  steps: readonly InstallStep[],
  run: RunCommand,
  onOutput?: (text: string) => void,
): Promise<InstallOutcome> {
  for (const step of steps) {
    const result = await run(step.command, step.args, { cwd: dir, onOutput });
    if (!result.ok) return { ok: false, failedStep: step, output: result.output };
  }
  return { ok: true };
}
