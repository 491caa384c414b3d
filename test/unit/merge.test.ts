// The three-way merge on hand-picked inline fixtures: base (previous render), ours (disk),
// theirs (new render).
import { describe, expect, it } from "vitest";
import { hasConflictMarkers, labelsFor, parseConflicts } from "../../src/merge/conflict-markers.js";
import { adoptLineEnding, lineEndingStyle, splitLines } from "../../src/merge/lines.js";
import { mergeText } from "../../src/merge/merge-text.js";

const LABELS = labelsFor("0.1.0", "0.2.0");
const lines = (...parts: string[]) => parts.map((p) => `${p}\n`).join("");
const merge = (base: string, ours: string, theirs: string) => mergeText(base, ours, theirs, LABELS);

const BASE = lines("import os", "", "NAME = 'Assistant'", "MODEL = 'gpt-5'", "", "def main():", "    run()", "", "# end");

describe("splitLines / line endings", () => {
  it("keeps each line's terminator and a last line without one", () => {
    expect(splitLines("a\r\nb\nc")).toEqual(["a\r\n", "b\n", "c"]);
    expect(splitLines("")).toEqual([]);
    expect(splitLines("\n\n")).toEqual(["\n", "\n"]);
    expect(splitLines("a\r\nb\n").join("")).toBe("a\r\nb\n");
  });

  it("tells uniform, mixed and absent line endings apart, and converts only uniform text", () => {
    expect(lineEndingStyle("a\nb\n")).toBe("\n");
    expect(lineEndingStyle("a\r\nb\r\n")).toBe("\r\n");
    expect(lineEndingStyle("a\r\nb\n")).toBe("mixed");
    expect(lineEndingStyle("a")).toBe("none");
    expect(adoptLineEnding("a\nb\n", "\r\n")).toBe("a\r\nb\r\n");
    expect(adoptLineEnding("a\r\nb\r\n", "\n")).toBe("a\nb\n");
    expect(adoptLineEnding("a\r\nb\n", "\n")).toBe("a\r\nb\n");
  });
});

describe("mergeText", () => {
  it("an edit far from the changed line merges cleanly and keeps both", () => {
    const ours = BASE.replace("    run()\n", "    run()\n    log('done')\n");
    const theirs = BASE.replace("'Assistant'", "'Helper'");
    const result = merge(BASE, ours, theirs);
    expect(result.conflicts).toBe(0);
    expect(result.text).toBe(lines("import os", "", "NAME = 'Helper'", "MODEL = 'gpt-5'", "", "def main():", "    run()", "    log('done')", "", "# end"));
  });

  it("an edit next to the changed line is a conflict with labelled diff3 markers", () => {
    const ours = BASE.replace("MODEL = 'gpt-5'", "MODEL = 'gpt-5'  # tuned");
    const theirs = BASE.replace("'Assistant'", "'Helper'");
    const result = merge(BASE, ours, theirs);
    expect(result.conflicts).toBe(1);
    expect(result.text).toBe(
      lines(
        "import os",
        "",
        "<<<<<<< yours",
        "NAME = 'Assistant'",
        "MODEL = 'gpt-5'  # tuned",
        "||||||| previously generated (v0.1.0)",
        "NAME = 'Assistant'",
        "MODEL = 'gpt-5'",
        "=======",
        "NAME = 'Helper'",
        "MODEL = 'gpt-5'",
        ">>>>>>> generated (v0.2.0)",
        "",
        "def main():",
        "    run()",
        "",
        "# end",
      ),
    );
    const parsed = parseConflicts(result.text);
    expect(parsed?.conflicts).toHaveLength(1);
    expect(parsed?.conflicts[0]?.theirs).toEqual(["NAME = 'Helper'\n", "MODEL = 'gpt-5'\n"]);
    expect(hasConflictMarkers(result.text)).toBe(true);
  });

  it("the same edit on both sides is not a conflict", () => {
    const both = BASE.replace("'gpt-5'", "'gpt-5-mini'");
    expect(merge(BASE, both, both)).toEqual({ text: both, conflicts: 0 });
  });

  it("one side unchanged gives exactly the other side", () => {
    const edited = BASE.replace("import os\n", "import os\nimport sys\n");
    expect(merge(BASE, BASE, edited)).toEqual({ text: edited, conflicts: 0 });
    expect(merge(BASE, edited, BASE)).toEqual({ text: edited, conflicts: 0 });
  });

  it("a whitespace-only edit is an edit: kept when far from the change, a conflict on the same line", () => {
    const reindented = BASE.replace("    run()", "\trun()");
    const theirs = BASE.replace("'Assistant'", "'Helper'");
    const far = merge(BASE, reindented, theirs);
    expect(far.conflicts).toBe(0);
    expect(far.text).toContain("\trun()\n");
    expect(far.text).toContain("NAME = 'Helper'\n");

    const trailingSpace = BASE.replace("NAME = 'Assistant'", "NAME = 'Assistant' ");
    const same = merge(BASE, trailingSpace, theirs);
    expect(same.conflicts).toBe(1);
    expect(parseConflicts(same.text)?.conflicts[0]?.ours).toEqual(["NAME = 'Assistant' \n"]);
  });

  it("a CRLF file on disk merges with LF renders into CRLF throughout, markers included", () => {
    const crlf = (text: string) => text.replace(/\n/g, "\r\n");
    const ours = crlf(BASE.replace("    run()\n", "    run()\n    log('done')\n"));
    const theirs = BASE.replace("'Assistant'", "'Helper'");
    const clean = merge(BASE, ours, theirs);
    expect(clean.conflicts).toBe(0);
    expect(clean.text).toBe(crlf(lines("import os", "", "NAME = 'Helper'", "MODEL = 'gpt-5'", "", "def main():", "    run()", "    log('done')", "", "# end")));

    const conflicting = merge(BASE, crlf(BASE.replace("'Assistant'", "'Bot'")), theirs);
    expect(conflicting.conflicts).toBe(1);
    expect(conflicting.text).toContain("<<<<<<< yours\r\nNAME = 'Bot'\r\n|||||||");
    expect(conflicting.text.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("keeps a missing final newline, and closes a conflict section that lacks one", () => {
    const base = "a\nb\nc";
    const noNewline = merge(base, "A\nb\nc", "a\nb\nc");
    expect(noNewline).toEqual({ text: "A\nb\nc", conflicts: 0 });
    expect(merge(base, "A\nb\nc", "a\nb\nC").text).toBe("A\nb\nC");
    // Ours adds a final newline, theirs changes the last line: a conflict on the last line.
    const result = merge(base, "a\nb\nc\n", "a\nb\nC");
    expect(result.conflicts).toBe(1);
    expect(result.text).toBe("a\nb\n<<<<<<< yours\nc\n||||||| previously generated (v0.1.0)\nc\n=======\nC\n>>>>>>> generated (v0.2.0)\n");
  });

  it("a file emptied on one side: taken when the other side did not edit, a conflict when it did", () => {
    expect(merge(BASE, BASE, "")).toEqual({ text: "", conflicts: 0 });
    const edited = BASE.replace("# end", "# end, with a note");
    const result = merge(BASE, edited, "");
    expect(result.conflicts).toBe(1);
    expect(parseConflicts(result.text)?.conflicts[0]?.ours.join("")).toBe(edited);
  });

  it("with an empty base (both sides added the file), only the differing lines are in conflict", () => {
    const ours = lines("one", "two", "mine", "four");
    const theirs = lines("one", "two", "generated", "four");
    const result = merge("", ours, theirs);
    expect(result.conflicts).toBe(1);
    expect(result.text).toBe(lines("one", "two", "<<<<<<< yours", "mine", "||||||| previously generated (v0.1.0)", "=======", "generated", ">>>>>>> generated (v0.2.0)", "four"));
    expect(merge("", ours, ours)).toEqual({ text: ours, conflicts: 0 });
  });
});

describe("parseConflicts", () => {
  it("returns undefined for an unclosed block and finds none in plain text", () => {
    expect(parseConflicts("<<<<<<< yours\nx\n")).toBeUndefined();
    expect(parseConflicts("a\nb\n")).toEqual({ outside: ["a\n", "b\n"], conflicts: [] });
    expect(hasConflictMarkers("a\n<<<<<<< HEAD\nb\n")).toBe(false);
  });
});
