/**
 * `create-chatkit-server update [directory]`: re-render with changed settings and merge the
 * result into the project (see src/update/plan-update.ts for what happens to each file).
 * Nothing is written before the whole plan is known; the writes are all or nothing.
 */
import { EXIT, isInteractive, type CliIO } from "../cli-io.js";
import { readConfigOption } from "../config/read-config.js";
import { withOptionFiles } from "../options/option-files.js";
import { optionSchema } from "../options/schema.js";
import { CancelledError, UserError } from "../errors.js";
import { asText } from "../bytes.js";
import { MARKER, OURS_LABEL, hasConflictMarkers } from "../merge/conflict-markers.js";
import { PACKAGE_VERSION } from "../package-info.js";
import type { UpdateCommandLine } from "../program.js";
import type { Styles } from "../styles.js";
import { readProjectFiles } from "../update/read-disk.js";
import { countChanges, formatChanges, formatDiffs, formatSettingChanges, settingChanges, summaryFiles, type UpdateSummary } from "../update/report.js";
import { resolveUpdateAnswers } from "../update/update-answers.js";
import { guardedPaths, judgeWorkTree, workTreeState } from "../update/dirty-tree.js";
import { fileOpsFor, planProjectUpdate, renderForUpdate } from "../update/update-project.js";
import { pathsToRead, type FileChange } from "../update/plan-update.js";
import { applyOps } from "./apply-ops.js";
import { openBaseRecord, openProject } from "./open-project.js";
import { resetBase } from "./reset-base.js";
import { loadProjectTemplates } from "./templates.js";

function conflictAdvice(conflicted: readonly FileChange[]): string {
  const lines = conflicted.map((c) =>
    c.generatedCopy
      ? `  ${c.path}  (binary: compare with ${c.generatedCopy.path}, keep what you want, delete ${c.generatedCopy.path})\n`
      : `  ${c.path}\n`,
  );
  return (
    `Conflicts left in ${conflicted.length} file${conflicted.length === 1 ? "" : "s"}. In each, choose between the ` +
    `"${MARKER.ours} ${OURS_LABEL}" and "${MARKER.theirs} generated" sections (an editor's merge view or \`git mergetool\` helps), ` +
    `remove the markers, run your tests and commit:\n${lines.join("")}`
  );
}

/** Merging into a file that still has markers from the last update would nest them: refuse. */
function refuseUnresolvedConflicts(changes: readonly FileChange[]): void {
  const unresolved = changes
    .filter((c) => (c.action === "merge" || c.action === "conflict") && c.before !== undefined && hasConflictMarkers(asText(c.before) ?? ""))
    .map((c) => c.path);
  if (unresolved.length > 0) {
    throw new UserError(
      `These files still have conflict markers from the last update, and this update would merge into them:\n${unresolved.map((p) => `  ${p}\n`).join("")}` +
        "Resolve them (keep what you want, delete the marker lines), then run update again. Nothing was written.",
    );
  }
}

export async function updateProject(cli: UpdateCommandLine, io: CliIO, styles: Styles): Promise<number> {
  // Read first: a bad config file is reported before anything else is looked at.
  const config = await readConfigOption(cli.update.config, io.cwd);
  const project = await openProject(cli.directory, io.cwd);
  if (cli.update.resetBase) return resetBase(cli, project, io, styles);
  const base = await openBaseRecord(project);
  // Uncommitted work is not overwritten: refused before any question is asked.
  const guard = !cli.update.dryRun && !cli.update.allowDirty;
  const state = guard ? await workTreeState(project.dir, guardedPaths(base.files.keys()), io.runCommand) : undefined;
  const noGitWarning = state === undefined ? undefined : judgeWorkTree(state, project.shownDir);
  const answers = await resolveUpdateAnswers({
    recorded: project.config.answers,
    flags: await withOptionFiles(cli.optionFlags, cli.optionFiles, optionSchema, io.cwd),
    config,
    // --json output is for programs: never prompt into it.
    interactive: isInteractive(io, cli.update.yes || cli.update.json),
    prompt: io.prompt,
  });
  if (io.signal?.aborted) throw new CancelledError();

  const render = renderForUpdate(base, answers, await loadProjectTemplates(io.env), PACKAGE_VERSION);
  const disk = await readProjectFiles(project.dir, pathsToRead(base, render));
  const update = planProjectUpdate({ base, render, answers, disk, generatorVersion: PACKAGE_VERSION });
  refuseUnresolvedConflicts(update.changes);
  const ops = fileOpsFor(update);
  const conflicted = update.changes.filter((c) => c.action === "conflict");
  const settings = settingChanges(base.answers, answers);

  if (!cli.update.dryRun && ops.length > 0) {
    if (noGitWarning !== undefined) io.stderr.write(`${styles.yellow("Warning:")} ${noGitWarning}\n`);
    await applyOps(project, ops, io);
  }
  const exitCode = conflicted.length > 0 && !cli.update.dryRun ? EXIT.conflicts : EXIT.ok;

  if (cli.update.json) {
    const summary: UpdateSummary = {
      command: "update",
      directory: project.dir,
      dryRun: cli.update.dryRun,
      generatorVersion: { previous: base.generatorVersion, current: PACKAGE_VERSION },
      settings,
      files: summaryFiles(update.changes),
      baseRecord: !update.recordChanged ? "unchanged" : cli.update.dryRun ? "would update" : "updated",
      conflicts: conflicted.map((c) => c.path),
      exitCode,
    };
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return exitCode;
  }

  const out = (text: string) => io.stdout.write(text);
  const versions = base.generatorVersion === PACKAGE_VERSION ? "" : styles.dim(` (generated by ${base.generatorVersion}, now ${PACKAGE_VERSION})`);
  out(`${cli.update.dryRun ? "Would update" : "Updating"} ${styles.bold(project.dir)}${versions}\n`);
  out(formatSettingChanges(settings));
  if (ops.length === 0) {
    const deleted = update.changes.filter((c) => c.action === "deleted");
    if (deleted.length > 0) out(formatChanges(deleted, false, styles));
    out("Nothing to do: the project is up to date with its settings.\n");
    return EXIT.ok;
  }
  out(`\n${formatChanges(update.changes, update.recordChanged, styles)}`);
  if (cli.update.dryRun) {
    const diffs = formatDiffs(update.changes, styles);
    if (diffs !== "") out(`\n${diffs}`);
    out(`\nDry run: nothing was written (${countChanges(update.changes)} when run for real).\n`);
    if (conflicted.length > 0) out(`${conflicted.length} file${conflicted.length === 1 ? "" : "s"} would be left with conflicts.\n`);
    return EXIT.ok;
  }
  out(`${conflicted.length > 0 ? styles.yellow("Done with conflicts:") : styles.green("Done:")} ${countChanges(update.changes)}.\n`);
  if (conflicted.length > 0) out(`\n${conflictAdvice(conflicted)}`);
  return exitCode;
}
