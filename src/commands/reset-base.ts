/**
 * `update --reset-base`: the way forward when the base record is missing (a project generated
 * before update existed) or damaged. Records what the current settings generate now as the
 * base, and touches no other file; from then on every difference from that render counts as
 * the user's edit.
 */
import { basename } from "node:path";
import { BASE_RECORD_FILE, baseRecordFor, encodeBaseRecord } from "../base-record/record.js";
import { sameBytes } from "../bytes.js";
import { EXIT, type CliIO } from "../cli-io.js";
import { UserError } from "../errors.js";
import { resolveAnswers } from "../options/resolve.js";
import { optionSchema } from "../options/schema.js";
import { PACKAGE_VERSION } from "../package-info.js";
import type { UpdateCommandLine } from "../program.js";
import { distributionNameFor } from "../project-dir.js";
import type { Styles } from "../styles.js";
import { readProjectFiles } from "../update/read-disk.js";
import type { UpdateSummary } from "../update/report.js";
import { renderForUpdate } from "../update/update-project.js";
import { openBaseRecord, type OpenedProject } from "./open-project.js";
import { loadProjectTemplates } from "./templates.js";
import { applyOps } from "./apply-ops.js";

/** --reset-base: record the render of the current settings as the base; touch nothing else. */
export async function resetBase(cli: UpdateCommandLine, project: OpenedProject, io: CliIO, styles: Styles): Promise<number> {
  if (Object.values(cli.optionFlags).some((v) => v !== undefined) || cli.update.config !== undefined) {
    throw new UserError("--reset-base records the current settings as they are: run it without setting flags or --config, then change settings with a second update.");
  }
  const answers = await resolveAnswers({ schema: optionSchema, flags: {}, stored: project.config.answers, interactive: false, prompt: io.prompt });
  // The names recorded at generation when the old record still has them, else the folder's.
  const previous = await openBaseRecord(project).catch(() => undefined);
  const name = basename(project.dir);
  const names = previous?.project ?? { name, distributionName: distributionNameFor(name) };
  const render = renderForUpdate({ project: names }, answers, await loadProjectTemplates(io.env), PACKAGE_VERSION);
  const record = baseRecordFor({ files: render, answers, project: names, generatorVersion: PACKAGE_VERSION });
  const disk = await readProjectFiles(project.dir, [...record.files.keys()]);
  const differing = [...record.files.keys()].filter((path) => !sameBytes(disk.get(path), record.files.get(path)));
  if (!cli.update.dryRun) await applyOps(project, [{ path: BASE_RECORD_FILE, contents: encodeBaseRecord(record) }], io);

  if (cli.update.json) {
    const summary: UpdateSummary = {
      command: "update",
      directory: project.dir,
      dryRun: cli.update.dryRun,
      generatorVersion: { previous: previous?.generatorVersion ?? PACKAGE_VERSION, current: PACKAGE_VERSION },
      settings: [],
      // The files that will count as the user's edits (or deletions) from now on.
      files: differing.map((path) => ({ path, action: disk.has(path) ? "keep" : "deleted" })),
      baseRecord: cli.update.dryRun ? "would update" : "updated",
      conflicts: [],
      exitCode: EXIT.ok,
    };
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return EXIT.ok;
  }
  const out = (text: string) => io.stdout.write(text);
  out(`${cli.update.dryRun ? "Would record" : "Recorded"} what the current settings generate as the base for updates: ${BASE_RECORD_FILE}\n`);
  if (differing.length > 0) {
    out(`These files differ from that render and will count as your edits:\n${differing.map((p) => `  ${p}${disk.has(p) ? "" : styles.dim(" (missing)")}\n`).join("")}`);
  }
  if (cli.update.dryRun) out("Dry run: nothing was written.\n");
  return EXIT.ok;
}
