/**
 * `create-chatkit-server [directory]`: resolve answers -> render in memory -> plan -> flush
 * -> post steps -> summary (text, or one JSON document with --json). The base record that
 * `update` merges against is written with the project (see src/base-record/record.ts).
 */
import { relative } from "node:path";
import { BASE_RECORD_FILE, baseRecordFor, encodeBaseRecord } from "../base-record/record.js";
import { EXIT, isInteractive, type CliIO } from "../cli-io.js";
import type { ConfigFile } from "../config/config-file.js";
import { readConfigOption } from "../config/read-config.js";
import { withOptionFiles } from "../options/option-files.js";
import { CancelledError, UserError } from "../errors.js";
import { writeFailure } from "../fs-errors.js";
import { resolveAnswers } from "../options/resolve.js";
import { optionSchema, type Answers } from "../options/schema.js";
import { PACKAGE_VERSION } from "../package-info.js";
import { initGitRepository } from "../post/git.js";
import { detectInstallTool, installDependencies, installSteps, installToolOnPath } from "../post/install.js";
import type { ParsedCommandLine } from "../program.js";
import { readProjectConfig } from "../project-config.js";
import { DEFAULT_PROJECT_DIR, checkProjectDirInput, checkTargetState, toProjectTarget, type ProjectTarget } from "../project-dir.js";
import { renderProject, type RenderedFiles } from "../render/render.js";
import type { Styles } from "../styles.js";
import { formatAnswerSummary } from "../answer-summary.js";
import { countActions, formatDuration, formatNextSteps, formatPlan, nextSteps, type CreateSummary } from "../summary.js";
import { flushWrites } from "../write/flush.js";
import { planWrites, type WritePlan } from "../write/plan.js";
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

async function chooseDirectory(cli: ParsedCommandLine, config: ConfigFile | undefined, io: CliIO, interactive: boolean): Promise<string> {
  const given = cli.directory ?? config?.directory;
  if (given !== undefined) return given;
  if (!interactive) {
    throw new UserError(
      "Missing project directory: pass it as the first argument, e.g. `create-chatkit-server my-bot` (or set \"directory\" in the --config file).",
    );
  }
  const answer = await io.prompt({
    kind: "input",
    message: "Project directory:",
    default: DEFAULT_PROJECT_DIR,
    validate: (raw) => checkProjectDirInput(String(raw)),
  });
  return String(answer);
}

export async function createProject(cli: ParsedCommandLine, io: CliIO, styles: Styles): Promise<number> {
  const json = cli.run.json;
  // With --json, stdout carries the JSON document only; the text report is left out.
  const out = json ? () => {} : (text: string) => void io.stdout.write(text);
  const notes: string[] = [];
  const note = (text: string, style: (text: string) => string = (t) => t) => {
    notes.push(text);
    out(`${style(text)}\n`);
  };
  const interactive = isInteractive(io, cli.run.yes || json);
  const cancelPoint = () => {
    if (io.signal?.aborted) throw new CancelledError();
  };

  const config = await readConfigOption(cli.run.config, io.cwd);
  const target = toProjectTarget(await chooseDirectory(cli, config, io, interactive), io.cwd);
  const state = checkTargetState(target, cli.run.force, io.cwd);
  // Re-generating over a project we made before: its recorded answers stand in for prompts.
  const recorded = state === "non-empty" ? await readProjectConfig(target.dir) : undefined;
  if (recorded) note("Using the answers recorded in .chatkit-server.json (flags and --config override them).", styles.dim);

  const answers = await resolveAnswers({
    schema: optionSchema,
    flags: await withOptionFiles(cli.optionFlags, cli.optionFiles, optionSchema, io.cwd),
    config,
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
  // No repository is made inside a folder that held a project before: nothing to ask there.
  const gitApplies = state !== "non-empty" && !cli.run.dryRun;
  let useGit = cli.run.git ?? true;
  if (cli.run.git === undefined && interactive && gitApplies) {
    useGit = (await io.prompt({ kind: "confirm", message: "Initialise a git repository with a first commit?", default: true })) === true;
  }
  cancelPoint();
  if (interactive && !cli.run.dryRun) {
    out(`\n${formatAnswerSummary({ directory: relative(io.cwd, target.dir) || ".", answers, install: install === true, git: gitApplies ? useGit : undefined })}`);
    if ((await io.prompt({ kind: "confirm", message: "Write the project?", default: true })) !== true) {
      out("Nothing was written. Run the command again to start over (flags and --config skip questions).\n");
      return EXIT.ok;
    }
  }
  cancelPoint();

  const templates = await loadProjectTemplates(io.env);
  const files = renderProject(answers, templates, {
    projectName: target.projectName,
    distributionName: target.distributionName,
    generatorVersion: PACKAGE_VERSION,
  });
  const plan = planWrites(withBaseRecord(files, answers, target), target.dir);
  const cdPath = relative(io.cwd, target.dir) || ".";
  const projectHints = { apiKeyEnv: answers.apiKeyEnv, testsNeedDatabase: answers.store === "postgres" };
  const summary = (fields: Pick<CreateSummary, "git" | "install" | "nextSteps" | "exitCode">): CreateSummary => ({
    command: "create",
    directory: target.dir,
    dryRun: cli.run.dryRun,
    generatorVersion: PACKAGE_VERSION,
    project: { name: target.projectName, distributionName: target.distributionName },
    answers,
    files: plan.writes.map((w) => ({ path: w.path, action: w.action })),
    git: fields.git,
    install: fields.install,
    notes,
    nextSteps: fields.nextSteps,
    exitCode: fields.exitCode,
  });
  const finish = (fields: Pick<CreateSummary, "git" | "install" | "nextSteps" | "exitCode">): number => {
    if (json) io.stdout.write(`${JSON.stringify(summary(fields), null, 2)}\n`);
    return fields.exitCode;
  };

  out(`${cli.run.dryRun ? "Would create" : "Creating"} a ChatKit server in ${styles.bold(target.dir)}\n`);
  if (target.distributionName !== target.projectName) {
    note(`Python project name: ${target.distributionName} (normalised from "${target.projectName}")`);
  }
  if (cli.run.dryRun) {
    out(`\n${formatPlan(plan, styles)}\n`);
    out(`Dry run: nothing was written (${countActions(plan)} when run for real).\n`);
    return finish({ git: "not run", install: "not run", nextSteps: [], exitCode: EXIT.ok });
  }
  cancelPoint();
  // The list comes after the write: printed before it, a failure would read as if the files were made.
  await flushPlan(plan, target, io.signal);
  out(`\n${formatPlan(plan, styles)}\n`);
  out(`${styles.green("Done:")} ${countActions(plan)}.\n`);

  let git: CreateSummary["git"] = "not run";
  if (useGit && state !== "non-empty") {
    const outcome = await initGitRepository(target.dir, io.runCommand);
    git = outcome.status;
    if (outcome.status === "committed") out("Initialised a git repository with an initial commit.\n");
    else if (outcome.status === "skipped") note(`Skipped git init: ${outcome.reason}.`, styles.dim);
    else {
      notes.push(outcome.warning);
      io.stderr.write(`${styles.yellow("Warning:")} ${outcome.warning}\n`);
    }
  }
  cancelPoint();

  const tool = install ? await detectInstallTool(target.dir, io.runCommand) : installToolOnPath(io.env, io.platform);
  const steps = installSteps(tool, io.platform);
  if (install) {
    out(`Installing dependencies (${steps.map((s) => s.display).join(" && ")})...\n`);
    const started = Date.now();
    const result = await installDependencies(target.dir, steps, io.runCommand, (text) => io.stderr.write(text));
    const took = formatDuration(Date.now() - started);
    cancelPoint();
    if (result.ok) out(`${styles.green("Installed")} the dependencies into .venv in ${took}.\n`);
    else {
      io.stderr.write(
        `\nInstalling dependencies failed at \`${result.failedStep.display}\` after ${took}. The project is complete; ` +
          `install by hand with:\n  cd ${cdPath}\n${steps.map((s) => `  ${s.display}\n`).join("")}`,
      );
      const manual = nextSteps({ ...projectHints, cdPath, installSteps: steps, platform: io.platform }).map((s) => s.command);
      return finish({ git, install: "failed", nextSteps: manual, exitCode: EXIT.failure });
    }
  }

  const next = { ...projectHints, cdPath, installSteps: install ? undefined : steps, platform: io.platform };
  out(`\n${formatNextSteps(next, styles)}`);
  return finish({ git, install: install ? "installed" : "not run", nextSteps: nextSteps(next).map((s) => s.command), exitCode: EXIT.ok });
}

async function flushPlan(plan: WritePlan, target: ProjectTarget, signal: AbortSignal | undefined): Promise<void> {
  try {
    await flushWrites(plan, { signal });
  } catch (error) {
    throw writeFailure(error, `Could not write the project to ${target.dir}`, "Nothing was written; choose another directory or fix the cause and run again.");
  }
}
