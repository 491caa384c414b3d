/**
 * `create-chatkit-server [directory]`: resolve answers -> render in memory -> plan -> flush
 * -> post steps -> summary. The base record that `update` merges against is written with the
 * project (see src/base-record/record.ts).
 */
import { relative } from "node:path";
import type { ChalkInstance } from "chalk";
import { BASE_RECORD_FILE, baseRecordFor, encodeBaseRecord } from "../base-record/record.js";
import { EXIT, isInteractive, type CliIO } from "../cli-io.js";
import { CancelledError, UserError } from "../errors.js";
import { resolveAnswers } from "../options/resolve.js";
import { optionSchema, type Answers } from "../options/schema.js";
import { PACKAGE_VERSION } from "../package-info.js";
import { initGitRepository } from "../post/git.js";
import { detectInstallTool, installDependencies, installSteps } from "../post/install.js";
import type { ParsedCommandLine } from "../program.js";
import { readProjectConfig } from "../project-config.js";
import { DEFAULT_PROJECT_DIR, checkProjectDirInput, checkTargetState, toProjectTarget, type ProjectTarget } from "../project-dir.js";
import { renderProject, type RenderedFiles } from "../render/render.js";
import { countActions, formatNextSteps, formatPlan } from "../summary.js";
import { flushWrites } from "../write/flush.js";
import { planWrites } from "../write/plan.js";
import { loadProjectTemplates } from "./templates.js";

/** The render plus its base record: what create writes. `renderProject` itself stays pure. */
export function withBaseRecord(files: RenderedFiles, answers: Answers, target: Pick<ProjectTarget, "projectName" | "distributionName">): RenderedFiles {
  const record = baseRecordFor({
    files,
    answers,
    project: { name: target.projectName, distributionName: target.distributionName },
    generatorVersion: PACKAGE_VERSION,
  });
  return new Map([...files, [BASE_RECORD_FILE, encodeBaseRecord(record)]]);
}

export async function createProject(cli: ParsedCommandLine, io: CliIO, chalk: ChalkInstance): Promise<number> {
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

  const templates = await loadProjectTemplates(io.env);
  const files = renderProject(answers, templates, {
    projectName: target.projectName,
    distributionName: target.distributionName,
    generatorVersion: PACKAGE_VERSION,
  });
  const plan = await planWrites(withBaseRecord(files, answers, target), target.dir);

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
