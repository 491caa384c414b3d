/**
 * planUpdate: classifies every file of the project against the previous render (the base),
 * the new render and the disk, and computes what each file becomes. Pure and in memory: the
 * same plan drives `update`, `update --dry-run` and `check`, and the property tests run it
 * without a disk.
 *
 *   base  new   disk             action     result
 *   ----  ----  ---------------  ---------  ---------------------------------------------
 *   -     yes   absent           create     the new render
 *   -     yes   = new            unchanged  (the user already has it)
 *   -     yes   other            conflict   two-way merge (empty base), markers around the differences
 *   yes   yes   absent           deleted    stays deleted
 *   yes   yes   = base           update     the new render (unchanged when new = base)
 *   yes   = b.  other            keep       the user's edits, left alone
 *   yes   yes   other, = new     unchanged
 *   yes   yes   other            merge      three-way merge; conflict when markers were needed
 *   yes   -     = base           remove     deleted from disk
 *   yes   -     other            orphan     kept (the user edited it), no longer generated
 *
 * `.chatkit-server.json` is always the new render (it records the answers just used).
 * User-owned files (src/base-record/user-owned.ts) are skipped, except that one never handed
 * over before and absent from disk is created. Binary files cannot hold markers: a binary
 * conflict keeps the user's file and puts the new render beside it as `<path>.generated`.
 */
import { isUserOwned } from "../base-record/user-owned.js";
import type { BaseRecord } from "../base-record/record.js";
import { asText, sameBytes, toBytes } from "../bytes.js";
import type { MergeLabels } from "../merge/conflict-markers.js";
import { mergeText } from "../merge/merge-text.js";
import { PROJECT_CONFIG_FILE } from "../project-config.js";

export type FileAction = "create" | "update" | "merge" | "conflict" | "keep" | "deleted" | "remove" | "orphan" | "unchanged";

export interface FileChange {
  path: string;
  action: FileAction;
  /** On disk now; undefined when absent. */
  before: Uint8Array | undefined;
  /** On disk after the update; undefined when absent. */
  after: Uint8Array | undefined;
  /** Conflict blocks left in `after` (or 1 for a binary conflict). */
  conflicts: number;
  /** Binary conflicts only: the new render, written beside the user's file. */
  generatedCopy?: { path: string; contents: Uint8Array };
}

export interface UpdateInput {
  base: Pick<BaseRecord, "files" | "userOwned">;
  /** The new render, `.chatkit-server.json` included. */
  render: ReadonlyMap<string, string | Uint8Array>;
  /** Files on disk by path (absent paths are not keys); needs every path of base and render. */
  disk: ReadonlyMap<string, Uint8Array>;
  labels: MergeLabels;
}

export const GENERATED_COPY_SUFFIX = ".generated";

/** The paths whose disk content planUpdate needs. */
export function pathsToRead(base: Pick<BaseRecord, "files">, render: ReadonlyMap<string, unknown>): string[] {
  return [...new Set([...base.files.keys(), ...render.keys()])].sort();
}

function merged(path: string, base: Uint8Array, ours: Uint8Array, theirs: Uint8Array, labels: MergeLabels): FileChange {
  const [baseText, ourText, theirText] = [asText(base), asText(ours), asText(theirs)];
  if (baseText === undefined || ourText === undefined || theirText === undefined) {
    const generatedCopy = { path: path + GENERATED_COPY_SUFFIX, contents: theirs };
    return { path, action: "conflict", before: ours, after: ours, conflicts: 1, generatedCopy };
  }
  const result = mergeText(baseText, ourText, theirText, labels);
  return { path, action: result.conflicts > 0 ? "conflict" : "merge", before: ours, after: toBytes(result.text), conflicts: result.conflicts };
}

function classify(path: string, input: UpdateInput): FileChange | undefined {
  const rendered = input.render.get(path);
  const next = rendered === undefined ? undefined : toBytes(rendered);
  const previous = input.base.files.get(path);
  const disk = input.disk.get(path);
  const change = (action: FileAction, after: Uint8Array | undefined): FileChange => ({ path, action, before: disk, after, conflicts: 0 });

  if (path === PROJECT_CONFIG_FILE) {
    if (next === undefined) throw new Error(`The render has no ${PROJECT_CONFIG_FILE}.`);
    return change(sameBytes(disk, next) ? "unchanged" : disk === undefined ? "create" : "update", next);
  }
  if (isUserOwned(path)) {
    const handedOver = input.base.userOwned.includes(path) || previous !== undefined;
    return next !== undefined && !handedOver && disk === undefined ? change("create", next) : undefined;
  }
  if (next === undefined) {
    if (previous === undefined || disk === undefined) return undefined; // not ours, or gone on both sides
    return sameBytes(disk, previous) ? change("remove", undefined) : change("orphan", disk);
  }
  if (previous === undefined) {
    if (disk === undefined) return change("create", next);
    if (sameBytes(disk, next)) return change("unchanged", disk);
    return merged(path, new Uint8Array(), disk, next, input.labels);
  }
  if (disk === undefined) return change("deleted", undefined);
  if (sameBytes(disk, previous)) return change(sameBytes(next, previous) ? "unchanged" : "update", next);
  if (sameBytes(next, previous)) return change("keep", disk);
  if (sameBytes(disk, next)) return change("unchanged", disk);
  return merged(path, previous, disk, next, input.labels);
}

export function planUpdate(input: UpdateInput): FileChange[] {
  const changes: FileChange[] = [];
  for (const path of pathsToRead(input.base, input.render)) {
    const change = classify(path, input);
    if (change !== undefined) changes.push(change);
  }
  return changes;
}

/** True when applying the change writes or removes something. */
export function changesDisk(change: FileChange): boolean {
  return change.generatedCopy !== undefined || !sameBytes(change.before, change.after);
}
