/**
 * `create-chatkit-server check [directory]`, for CI: would `update`, run now without flags,
 * change anything? Exit 1 when it would (or when conflict markers are left), 0 when not.
 * The user's own edits to generated files are fine (update keeps them); files the user owns
 * are not looked at.
 */
import { isUserOwned } from "../base-record/user-owned.js";
import { asText } from "../bytes.js";
import { EXIT, type CliIO } from "../cli-io.js";
import { hasConflictMarkers } from "../merge/conflict-markers.js";
import { resolveAnswers } from "../options/resolve.js";
import { optionSchema } from "../options/schema.js";
import { PACKAGE_VERSION } from "../package-info.js";
import type { CheckCommandLine } from "../program.js";
import type { Styles } from "../styles.js";
import { readProjectFiles } from "../update/read-disk.js";
import { formatChanges, settingChanges, summaryFiles, type SettingChange } from "../update/report.js";
import { changesDisk, pathsToRead } from "../update/plan-update.js";
import { planProjectUpdate, renderForUpdate } from "../update/update-project.js";
import { openBaseRecord, openProject } from "./open-project.js";
import { loadProjectTemplates } from "./templates.js";

export interface CheckSummary {
  command: "check";
  directory: string;
  upToDate: boolean;
  generatorVersion: { previous: string; current: string };
  /** Settings in .chatkit-server.json that the last update did not apply. */
  settings: SettingChange[];
  /** Files update would write or remove. */
  files: ReturnType<typeof summaryFiles>;
  baseRecord: "up to date" | "out of date";
  /** Files that still contain conflict markers. */
  conflictMarkers: string[];
  exitCode: number;
}

export async function checkProject(cli: CheckCommandLine, io: CliIO, styles: Styles): Promise<number> {
  const project = await openProject(cli.directory, io.cwd);
  const base = await openBaseRecord(project);
  const answers = await resolveAnswers({ schema: optionSchema, flags: {}, stored: project.config.answers, interactive: false, prompt: io.prompt });
  const render = renderForUpdate(base, answers, await loadProjectTemplates(io.env), PACKAGE_VERSION);
  const disk = await readProjectFiles(project.dir, pathsToRead(base, render));
  const update = planProjectUpdate({ base, render, answers, disk, generatorVersion: PACKAGE_VERSION });

  const pending = update.changes.filter((c) => changesDisk(c) && !isUserOwned(c.path));
  const withMarkers = [...disk]
    .filter(([path, bytes]) => !isUserOwned(path) && (base.files.has(path) || render.has(path)) && hasConflictMarkers(asText(bytes) ?? ""))
    .map(([path]) => path);
  const upToDate = pending.length === 0 && !update.recordChanged && withMarkers.length === 0;
  const exitCode = upToDate ? EXIT.ok : EXIT.failure;
  const settings = settingChanges(base.answers, answers);

  if (cli.json) {
    const summary: CheckSummary = {
      command: "check",
      directory: project.dir,
      upToDate,
      generatorVersion: { previous: base.generatorVersion, current: PACKAGE_VERSION },
      settings,
      files: summaryFiles(pending),
      baseRecord: update.recordChanged ? "out of date" : "up to date",
      conflictMarkers: withMarkers,
      exitCode,
    };
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return exitCode;
  }
  const out = (text: string) => io.stdout.write(text);
  if (upToDate) {
    out(`${styles.green("Up to date:")} ${project.dir} is what its settings generate with create-chatkit-server ${PACKAGE_VERSION}.\n`);
    return exitCode;
  }
  out(`${styles.red("Out of date:")} ${project.dir}\n`);
  if (settings.length > 0) out(`Settings not applied yet: ${settings.map((s) => s.id).join(", ")}\n`);
  if (pending.length > 0 || update.recordChanged) {
    out(`\`create-chatkit-server update\` would change:\n${formatChanges(pending, update.recordChanged, styles)}`);
  }
  if (withMarkers.length > 0) out(`Unresolved conflict markers in:\n${withMarkers.map((p) => `  ${p}\n`).join("")}`);
  if (pending.length > 0 || update.recordChanged) out("Run `create-chatkit-server update` (add --dry-run to see the diffs), then commit.\n");
  return exitCode;
}
