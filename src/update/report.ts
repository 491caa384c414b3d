/** What update and check print: the per-file plan, unified diffs and the JSON summary. */
import { createTwoFilesPatch } from "diff";
import { BASE_RECORD_FILE } from "../base-record/record.js";
import { asText } from "../bytes.js";
import type { AnswerValue } from "../options/types.js";
import type { Styles } from "../styles.js";
import { changesDisk, type FileAction, type FileChange } from "./plan-update.js";

const NOTES: Partial<Record<FileAction, string>> = {
  keep: "your edits; the new render did not change it",
  deleted: "you deleted it; not recreated",
  orphan: "no longer generated; kept because you edited it",
  remove: "no longer generated",
};

const SHOWN: Record<FileAction, string> = {
  create: "create",
  update: "update",
  merge: "merge",
  conflict: "conflict",
  keep: "keep",
  deleted: "deleted",
  remove: "remove",
  orphan: "kept",
  unchanged: "unchanged",
};

export interface SettingChange {
  id: string;
  from: AnswerValue | undefined;
  to: AnswerValue;
}

export function settingChanges(before: Readonly<Record<string, AnswerValue>>, after: Readonly<Record<string, AnswerValue>>): SettingChange[] {
  return Object.entries(after)
    .filter(([id, value]) => before[id] !== value)
    .map(([id, to]) => ({ id, from: before[id], to }));
}

export function formatSettingChanges(changes: readonly SettingChange[]): string {
  if (changes.length === 0) return "Settings: unchanged.\n";
  const show = (v: AnswerValue | undefined) => (v === undefined ? "(not set)" : JSON.stringify(v));
  return `Settings changed:\n${changes.map((c) => `  ${c.id}: ${show(c.from)} -> ${show(c.to)}\n`).join("")}`;
}

/** One line per file that is not simply unchanged, plus the base record when it changes. */
export function formatChanges(changes: readonly FileChange[], recordChanged: boolean, styles: Styles): string {
  const colour: Record<FileAction, (s: string) => string> = {
    create: styles.green,
    update: styles.yellow,
    merge: styles.cyan,
    conflict: styles.redBold,
    keep: styles.dim,
    deleted: styles.dim,
    remove: styles.magenta,
    orphan: styles.magenta,
    unchanged: styles.dim,
  };
  const lines = changes
    .filter((c) => c.action !== "unchanged")
    .map((c) => {
      const notes = [NOTES[c.action]];
      if (c.action === "conflict") {
        notes.push(c.generatedCopy ? `binary: new version written to ${c.generatedCopy.path}` : `${c.conflicts} conflict${c.conflicts === 1 ? "" : "s"}`);
      }
      const note = notes.filter(Boolean).join("; ");
      return `  ${colour[c.action](SHOWN[c.action].padEnd(9))} ${c.path}${note ? styles.dim(` (${note})`) : ""}\n`;
    });
  if (recordChanged) lines.push(`  ${styles.dim("record".padEnd(9))} ${BASE_RECORD_FILE}${styles.dim(" (the new base for the next update)")}\n`);
  return lines.length === 0 ? "  nothing to change\n" : lines.join("");
}

/** e.g. "2 created, 1 updated, 1 merged, 1 removed, 1 with conflicts". */
export function countChanges(changes: readonly FileChange[]): string {
  const order: [FileAction, string][] = [
    ["create", "created"],
    ["update", "updated"],
    ["merge", "merged"],
    ["remove", "removed"],
    ["conflict", "with conflicts"],
  ];
  const parts = order
    .map(([action, word]) => [changes.filter((c) => c.action === action && changesDisk(c)).length, word] as const)
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`);
  return parts.length === 0 ? "no file changed" : parts.join(", ");
}

function colourPatch(patch: string, styles: Styles): string {
  return patch
    .split("\n")
    .map((line) => {
      if (line.startsWith("+++") || line.startsWith("---")) return styles.bold(line);
      if (line.startsWith("+")) return styles.green(line);
      if (line.startsWith("-")) return styles.red(line);
      if (line.startsWith("@@")) return styles.cyan(line);
      return line;
    })
    .join("\n");
}

/** Unified diffs (disk -> result) of every file the update would write or remove. */
export function formatDiffs(changes: readonly FileChange[], styles: Styles): string {
  let out = "";
  for (const change of changes) {
    if (!changesDisk(change)) continue;
    if (change.generatedCopy) {
      out += styles.bold(`Binary file ${change.path}: the new version would be written to ${change.generatedCopy.path}\n`);
      continue;
    }
    const before = change.before === undefined ? "" : asText(change.before);
    const after = change.after === undefined ? "" : asText(change.after);
    if (before === undefined || after === undefined) {
      out += styles.bold(`Binary file ${change.path} would ${change.after === undefined ? "be removed" : "change"}\n`);
      continue;
    }
    const oldName = change.before === undefined ? "/dev/null" : `a/${change.path}`;
    const newName = change.after === undefined ? "/dev/null" : `b/${change.path}`;
    const patch = createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, { context: 3 });
    // Drop jsdiff's "=====" banner line: a plain unified diff is what `git apply` and patch(1) read.
    out += colourPatch(patch.replace(/^=+\n/, ""), styles);
  }
  return out;
}

export interface UpdateSummary {
  command: "update" | "check";
  directory: string;
  dryRun: boolean;
  generatorVersion: { previous: string; current: string };
  settings: SettingChange[];
  files: { path: string; action: FileAction; conflicts?: number; generatedCopy?: string }[];
  baseRecord: "updated" | "would update" | "unchanged";
  conflicts: string[];
  exitCode: number;
}

/** Every file the update writes, removes or reports; files left exactly as they are are omitted. */
export function summaryFiles(changes: readonly FileChange[]): UpdateSummary["files"] {
  return changes.filter((c) => c.action !== "unchanged").map((c) => ({
    path: c.path,
    action: c.action,
    ...(c.action === "conflict" ? { conflicts: c.conflicts } : {}),
    ...(c.generatedCopy ? { generatedCopy: c.generatedCopy.path } : {}),
  }));
}
