/**
 * One run of the CLI: parse -> resolve answers -> render in memory -> plan -> flush -> post
 * steps -> summary. All outside effects except the file system come through `CliIO`, so
 * tests can call `run` in-process with a fake prompt and captured output.
 */
import { relative } from "node:path";
import { Chalk, supportsColor, type ChalkInstance } from "chalk";
import { CommanderError } from "commander";
import { CancelledError, UserError, isPromptCancellation } from "./errors.js";
import type { PromptFn } from "./options/question.js";
import { resolveAnswers } from "./options/resolve.js";
import { optionSchema } from "./options/schema.js";
import { PACKAGE_VERSION, TEMPLATES_ENV_VAR, defaultTemplatesDir } from "./package-info.js";
import { initGitRepository } from "./post/git.js";
import { detectInstallTool, installDependencies, installSteps } from "./post/install.js";
import type { RunCommand } from "./post/run-command.js";
import { buildProgram, type ParsedCommandLine } from "./program.js";
import { readProjectConfig } from "./project-config.js";
import { DEFAULT_PROJECT_DIR, checkProjectDirInput, checkTargetState, toProjectTarget } from "./project-dir.js";
import { renderProject } from "./render/render.js";
import { loadTemplates } from "./render/templates.js";
import { countActions, formatNextSteps, formatPlan } from "./summary.js";
import { flushWrites } from "./write/flush.js";
import { planWrites } from "./write/plan.js";

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

export const EXIT = { ok: 0, failure: 1, usage: 2, cancelled: 130 } as const;

/**
 * No colour when NO_COLOR is set or stdout is not a terminal (unless FORCE_COLOR); otherwise
 * chalk's own detection (TERM, COLORTERM, ...). Chalk alone does not honour NO_COLOR.
 */
export function colorLevel(
  io: Pick<CliIO, "env" | "stdoutIsTTY">,
  detected: { level: 0 | 1 | 2 | 3 } | false = supportsColor,
): 0 | 1 | 2 | 3 {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return 0;
  if (!io.stdoutIsTTY && io.env.FORCE_COLOR === undefined) return 0;
  return detected === false ? 0 : detected.level;
}

/** Prompts only with a terminal on both ends, without --yes, and outside CI. */
export function isInteractive(io: Pick<CliIO, "env" | "stdinIsTTY" | "stdoutIsTTY">, yes: boolean): boolean {
  return io.stdinIsTTY && io.stdoutIsTTY && !yes && (io.env.CI === undefined || io.env.CI === "");
}

async function generate(cli: ParsedCommandLine, io: CliIO, chalk: ChalkInstance): Promise<number> {
  const out = (text: string) => io.stdout.write(text);
  const interactive = isInteractive(io, cli.run.yes);
  const cancelPoint = () => {
    if (io.signal?.aborted) throw new CancelledError();
  };

  let directory = cli.directory;
  if (directory === undefined) {
    if (!interactive) {
      throw new UserError("Missing project directory: pass it as the first argument, e.g. `create-chatkit-server my-bot`.");
    }
    directory = String(
      await io.prompt({
        kind: "input",
        message: "Project directory:",
        default: DEFAULT_PROJECT_DIR,
        validate: (raw) => checkProjectDirInput(String(raw)),
      }),
    );
  }
  const target = toProjectTarget(directory, io.cwd);
  const state = await checkTargetState(target, cli.run.force);
  // Re-generating over a project we made before: its recorded answers stand in for prompts.
  const recorded = state === "non-empty" ? await readProjectConfig(target.dir) : undefined;
  if (recorded) out(chalk.dim("Using the answers recorded in .chatkit-server.json (flags override them).\n"));

  const answers = await resolveAnswers({
    schema: optionSchema,
    flags: cli.optionFlags,
    stored: recorded?.answers,
    interactive,
    prompt: io.prompt,
  });
  let install = cli.run.install;
  if (install === undefined && !cli.run.dryRun) {
    install = interactive
      ? (await io.prompt({ kind: "confirm", message: "Install Python dependencies now?", default: true })) === true
      : false;
  }
  cancelPoint();

  const templates = await loadTemplates(io.env[TEMPLATES_ENV_VAR] || defaultTemplatesDir());
  const files = renderProject(answers, templates, {
    projectName: target.projectName,
    distributionName: target.distributionName,
    generatorVersion: PACKAGE_VERSION,
  });
  const plan = await planWrites(files, target.dir);

  out(`${cli.run.dryRun ? "Would create" : "Creating"} a ChatKit server in ${chalk.bold(target.dir)}\n`);
  if (target.distributionName !== target.projectName) {
    out(`Python project name: ${chalk.bold(target.distributionName)} (normalised from "${target.projectName}")\n`);
  }
  out(`\n${formatPlan(plan, chalk)}\n`);
  if (cli.run.dryRun) {
    out(`Dry run: nothing was written (${countActions(plan)} when run for real).\n`);
    return EXIT.ok;
  }
  cancelPoint();
  await flushWrites(plan, { signal: io.signal });
  out(`${chalk.green("Done:")} ${countActions(plan)}.\n`);

  if (cli.run.git && state !== "non-empty") {
    const git = await initGitRepository(target.dir, io.runCommand);
    if (git.status === "committed") out("Initialised a git repository with an initial commit.\n");
    else if (git.status === "skipped") out(chalk.dim(`Skipped git init: ${git.reason}.\n`));
    else io.stderr.write(`${chalk.yellow("Warning:")} ${git.warning}\n`);
  }
  cancelPoint();

  const steps = installSteps(await detectInstallTool(target.dir, io.runCommand), io.platform);
  let installed = false;
  if (install) {
    out(`Installing dependencies (${steps.map((s) => s.display).join(" && ")})...\n`);
    const result = await installDependencies(target.dir, steps, io.runCommand, (text) => io.stderr.write(text));
    cancelPoint();
    if (!result.ok) {
      io.stderr.write(
        `\nInstalling dependencies failed at \`${result.failedStep.display}\`. The project is complete; ` +
          `install by hand with:\n  cd ${relative(io.cwd, target.dir) || "."}\n${steps.map((s) => `  ${s.display}\n`).join("")}`,
      );
      return EXIT.failure;
    }
    installed = true;
  }

  out(`\n${formatNextSteps({ cdPath: relative(io.cwd, target.dir) || ".", installSteps: installed ? undefined : steps, platform: io.platform }, chalk)}`);
  return EXIT.ok;
}

/** Runs the CLI with user arguments (no node/script prefix) and returns the exit code. */
export async function run(args: readonly string[], io: CliIO): Promise<number> {
  const chalk = new Chalk({ level: colorLevel(io) });
  const { program, read } = buildProgram({
    writeOut: (text) => io.stdout.write(text),
    writeErr: (text) => io.stderr.write(text),
  });
  try {
    program.parse([...args], { from: "user" });
    return await generate(read(), io, chalk);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help, the version or its usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UserError) {
      io.stderr.write(`${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CancelledError || isPromptCancellation(error)) {
      io.stderr.write("Cancelled\n");
      return EXIT.cancelled;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`Unexpected error: ${message}\n`);
    if (io.env.DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT.failure;
  }
}
