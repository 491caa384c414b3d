/**
 * mergeText: a line-wise three-way merge (node-diff3) of the file on disk ("ours") and the new
 * render ("theirs") against the previous render ("base").
 *
 * - Lines keep their terminators, so a missing final newline is kept exactly.
 * - When the file on disk uses one line ending throughout (e.g. CRLF after a Windows checkout)
 *   and a render uses the other, the render is converted to the file's ending first, so a
 *   line-ending change alone never looks like an edit of every line.
 * - Regions both sides changed identically are not conflicts.
 * - With an empty base (a file the user created where the render now wants one), the two
 *   versions are compared directly and only the differing runs become conflicts (as git does
 *   for two files added at one path).
 */
import { diff3Merge, diffComm } from "node-diff3";
import { formatConflict, type MergeLabels } from "./conflict-markers.js";
import { adoptLineEnding, lineEndingStyle, splitLines, type LineEnding } from "./lines.js";

export interface TextMerge {
  text: string;
  /** Number of conflict blocks in `text`. */
  conflicts: number;
}

export function mergeText(base: string, ours: string, theirs: string, labels: MergeLabels): TextMerge {
  const ourStyle = lineEndingStyle(ours);
  const theirStyle = lineEndingStyle(theirs);
  const eol: LineEnding = ourStyle === "\r\n" || ourStyle === "\n" ? ourStyle : theirStyle === "\r\n" ? "\r\n" : "\n";
  if (ourStyle === "\r\n" || ourStyle === "\n") {
    base = adoptLineEnding(base, ourStyle);
    theirs = adoptLineEnding(theirs, ourStyle);
  }
  const a = splitLines(ours);
  const o = splitLines(base);
  const b = splitLines(theirs);

  let text = "";
  let conflicts = 0;
  const addConflict = (sections: { ours: string[]; base: string[]; theirs: string[] }) => {
    text += formatConflict(sections, labels, eol);
    conflicts++;
  };
  for (const region of diff3Merge(a, o, b, { excludeFalseConflicts: true })) {
    if (region.ok) {
      text += region.ok.join("");
    } else if (region.conflict) {
      const { a: mine, o: old, b: generated } = region.conflict;
      if (o.length > 0) {
        addConflict({ ours: mine, base: old, theirs: generated });
        continue;
      }
      for (const part of diffComm(mine, generated)) {
        if (part.common) text += part.common.join("");
        else addConflict({ ours: part.buffer1, base: [], theirs: part.buffer2 });
      }
    }
  }
  return { text, conflicts };
}
