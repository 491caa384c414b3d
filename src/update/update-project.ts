/**
 * The steps of an update between reading and writing, on in-memory data: render with the
 * project's recorded names, plan every file, build the next base record, and turn the plan
 * into file operations. `update`, `check` and the tests share them.
 */
import { BASE_RECORD_FILE, baseRecordFor, encodeBaseRecord, sameBaseRecord, type BaseRecord } from "../base-record/record.js";
import { labelsFor } from "../merge/conflict-markers.js";
import type { Answers } from "../options/schema.js";
import { renderProject, type RenderedFiles } from "../render/render.js";
import type { TemplateSet } from "../render/templates.js";
import type { FileOp } from "../write/transaction.js";
import { changesDisk, planUpdate, type FileChange } from "./plan-update.js";

/** Renders `answers` under the names recorded at generation (a renamed folder renames nothing). */
export function renderForUpdate(base: Pick<BaseRecord, "project">, answers: Answers, templates: TemplateSet, generatorVersion: string): RenderedFiles {
  return renderProject(answers, templates, {
    projectName: base.project.name,
    distributionName: base.project.distributionName,
    generatorVersion,
  });
}

export interface ProjectUpdate {
  changes: FileChange[];
  /** The base record after this update. */
  record: BaseRecord;
  recordChanged: boolean;
}

export function planProjectUpdate(input: {
  base: BaseRecord;
  render: RenderedFiles;
  answers: Answers;
  disk: ReadonlyMap<string, Uint8Array>;
  generatorVersion: string;
}): ProjectUpdate {
  const { base, render, generatorVersion } = input;
  const changes = planUpdate({ base, render, disk: input.disk, labels: labelsFor(base.generatorVersion, generatorVersion) });
  const record = baseRecordFor({ files: render, answers: input.answers, project: base.project, generatorVersion, previousUserOwned: base.userOwned });
  return { changes, record, recordChanged: !sameBaseRecord(base, record) };
}

/** The writes and removals that carry out `update`, the base record last. */
export function fileOpsFor(update: ProjectUpdate): FileOp[] {
  const ops: FileOp[] = [];
  for (const change of update.changes) {
    if (!changesDisk(change)) continue;
    if (change.generatedCopy) ops.push({ path: change.generatedCopy.path, contents: change.generatedCopy.contents });
    else ops.push({ path: change.path, contents: change.after });
  }
  if (update.recordChanged) ops.push({ path: BASE_RECORD_FILE, contents: encodeBaseRecord(update.record) });
  return ops;
}

/** Applies file operations to an in-memory project (the tests' disk). */
export function applyInMemory(files: Map<string, Uint8Array>, ops: readonly FileOp[]): void {
  for (const op of ops) {
    if (op.contents === undefined) files.delete(op.path);
    else files.set(op.path, op.contents);
  }
}
