/**
 * The inline conflict markers update writes, in git's "diff3" style, which editors and
 * `git mergetool` recognise:
 *
 *   <<<<<<< yours
 *   (the lines on disk)
 *   ||||||| previously generated (v0.1.0)
 *   (the lines as last generated: the base)
 *   =======
 *   (the lines as generated now)
 *   >>>>>>> generated (v0.2.0)
 */
import { splitLines, stripLineEnding, type LineEnding } from "./lines.js";

export const MARKER = { ours: "<<<<<<<", base: "|||||||", separator: "=======", theirs: ">>>>>>>" } as const;

export const OURS_LABEL = "yours";

export interface MergeLabels {
  /** After `|||||||`: the previous render. */
  base: string;
  /** After `>>>>>>>`: the new render. */
  theirs: string;
}

export function labelsFor(previousVersion: string, currentVersion: string): MergeLabels {
  return { base: `previously generated (v${previousVersion})`, theirs: `generated (v${currentVersion})` };
}

/** One conflict block as text; each section's lines end with a line break so markers start lines. */
export function formatConflict(
  sections: { ours: readonly string[]; base: readonly string[]; theirs: readonly string[] },
  labels: MergeLabels,
  eol: LineEnding,
): string {
  const body = (lines: readonly string[]) => {
    const text = lines.join("");
    return text === "" || text.endsWith("\n") ? text : text + eol;
  };
  return (
    `${MARKER.ours} ${OURS_LABEL}${eol}${body(sections.ours)}` +
    `${MARKER.base} ${labels.base}${eol}${body(sections.base)}` +
    `${MARKER.separator}${eol}${body(sections.theirs)}` +
    `${MARKER.theirs} ${labels.theirs}${eol}`
  );
}

export interface ConflictBlock {
  /** 0-based index of the `<<<<<<<` line. */
  startLine: number;
  ours: string[];
  base: string[];
  theirs: string[];
}

export interface ParsedMerge {
  /** Lines outside conflict blocks, with terminators, in order. */
  outside: string[];
  conflicts: ConflictBlock[];
}

/**
 * Reads back a file written by update: the blocks opened by `<<<<<<< yours` and the lines
 * outside them. Returns undefined when a block is not closed properly (hand-damaged markers).
 */
export function parseConflicts(text: string): ParsedMerge | undefined {
  const lines = splitLines(text);
  const outside: string[] = [];
  const conflicts: ConflictBlock[] = [];
  let block: ConflictBlock | undefined;
  let section: "ours" | "base" | "theirs" = "ours";
  lines.forEach((line, index) => {
    const bare = stripLineEnding(line);
    if (block === undefined) {
      if (bare === `${MARKER.ours} ${OURS_LABEL}`) {
        block = { startLine: index, ours: [], base: [], theirs: [] };
        section = "ours";
      } else outside.push(line);
    } else if (section === "ours" && bare.startsWith(`${MARKER.base} `)) section = "base";
    else if (section === "base" && bare === MARKER.separator) section = "theirs";
    else if (section === "theirs" && bare.startsWith(`${MARKER.theirs} `)) {
      conflicts.push(block);
      block = undefined;
    } else block[section].push(line);
  });
  return block === undefined ? { outside, conflicts } : undefined;
}

/** True when the text still holds a conflict block of ours (opening and closing marker lines). */
export function hasConflictMarkers(text: string): boolean {
  return new RegExp(`^${MARKER.ours} ${OURS_LABEL}\\r?$`, "m").test(text) && new RegExp(`^${MARKER.theirs} `, "m").test(text);
}
