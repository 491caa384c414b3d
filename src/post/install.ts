/**
 * `--install`: a virtualenv in .venv with the project installed editable, with its dev extras.
 * Uses uv when it is on PATH, else the standard venv module and pip.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import type { RunCommand } from "./run-command.js";

export interface InstallStep {
  command: string;
  args: string[];
  /** The same step as a user would type it in a shell. */
  display: string;
}

export type InstallTool = "uv" | "pip";

/** Before installing: uv when it runs (`uv --version`). */
export async function detectInstallTool(dir: string, run: RunCommand): Promise<InstallTool> {
  return (await run("uv", ["--version"], { cwd: dir })).ok ? "uv" : "pip";
}

/** For the steps printed instead of installing: uv when it is on PATH, found without starting a process. */
export function installToolOnPath(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): InstallTool {
  return isOnPath("uv", env, platform) ? "uv" : "pip";
}

export function isOnPath(command: string, env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform): boolean {
  const windows = platform === "win32";
  const dirs = (env.PATH ?? env.Path ?? "").split(windows ? ";" : delimiter).filter((dir) => dir !== "");
  const names = windows ? (env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").map((ext) => command + ext) : [command];
  return dirs.some((dir) =>
    names.some((name) => {
      const path = join(dir, name);
      try {
        // Most PATH folders lack the command: a stat that returns undefined then, instead of
        // an error thrown and caught for each. Windows has no execute bit: a file runs.
        if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return false;
        if (!windows) accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }),
  );
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

/** How a shell activates the project's .venv. */
export function activateCommand(platform: NodeJS.Platform): string {
  return platform === "win32" ? ".venv\\Scripts\\activate" : "source .venv/bin/activate";
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
