// What the prompts say: the editor a long-text question would open, the choices before it,
// messages under the question's name, and the summary shown before writing.
import { describe, expect, it } from "vitest";
import { answerSummaryRows } from "../../src/answer-summary.js";
import { editorChoice, editorLabel } from "../../src/options/editor-name.js";
import { longTextChoices } from "../../src/options/prompt.js";
import { messageFor, questionFor } from "../../src/options/resolve.js";
import { optionSchema } from "../../src/options/schema.js";
import { answersWith } from "./answers.js";

describe("the editor a long-text question names", () => {
  it("is $VISUAL, else $EDITOR, else vim (notepad on Windows), named by its program", () => {
    expect(editorChoice({ VISUAL: "code --wait", EDITOR: "nano" }, "linux")).toEqual({ name: "code", source: "$VISUAL" });
    expect(editorChoice({ VISUAL: "", EDITOR: "/usr/bin/nano -w" }, "linux")).toEqual({ name: "nano", source: "$EDITOR" });
    expect(editorChoice({}, "linux")).toEqual({ name: "vim", source: "default" });
    expect(editorChoice({}, "win32")).toEqual({ name: "notepad", source: "default" });
    expect(editorLabel({ name: "vim", source: "default" })).toBe("Write them in vim ($VISUAL and $EDITOR are unset; for several lines)");
  });

  it("comes after keeping the default (first, so Enter takes it) and typing inline", () => {
    const choices = longTextChoices("Line one\nline two", { name: "nano", source: "$EDITOR" });
    expect(choices.map((c) => c.value)).toEqual(["keep", "inline", "editor"]);
    expect(choices[0]?.name).toBe("Keep the default: Line one ...");
    expect(choices[2]?.name).toBe("Write them in nano (from $EDITOR; for several lines)");
    expect(longTextChoices(undefined, { name: "vim", source: "default" }).map((c) => c.value)).toEqual(["inline", "editor"]);
  });
});

describe("messages while prompting", () => {
  it("name the question where the flag's message names the flag, for every option", async () => {
    const answers = await answersWith();
    for (const spec of optionSchema) {
      // An empty answer, or one that is no choice at all, is refused by every option but the optional numbers.
      const bad = spec.type === "number" ? "many" : spec.list ? "nope" : spec.type === "choice" ? "no-such-choice" : " ";
      const error = questionFor(spec, answers).validate?.(bad);
      expect(error, spec.id).toBeDefined();
      expect(error?.startsWith(`${spec.label} `), `${spec.id}: ${error}`).toBe(true);
      expect(error, spec.id).not.toContain(spec.flag);
    }
  });

  it("leave a message that does not start with the flag as it is", () => {
    const store = optionSchema[0];
    expect(messageFor(store, "--store must be one of: sqlite")).toBe("Store must be one of: sqlite");
    expect(messageFor(store, "Something else.")).toBe("Something else.");
    expect(messageFor(store, "--store-x must")).toBe("--store-x must");
  });
});

describe("the summary before writing", () => {
  it("lists the answers that apply under their labels, then install and git", async () => {
    const answers = await answersWith({ store: "postgres", instructions: "First line.\nSecond.\nThird." });
    const rows = new Map(answerSummaryRows({ directory: "bot", answers, install: false, git: true }));
    expect([...rows.keys()].slice(0, 3)).toEqual(["Directory", "Store", "PostgreSQL URL"]);
    expect(rows.get("Instructions")).toBe("First line. (+2 more lines)");
    expect(rows.get("Temperature")).toBe("unset (the provider's default)");
    expect(rows.has("User header")).toBe(false); // --auth none
    expect(rows.get("Install dependencies")).toBe("no");
    expect(rows.get("Git repository")).toBe("yes");
    expect(new Map(answerSummaryRows({ directory: ".", answers, install: true, git: undefined })).has("Git repository")).toBe(false);
  });
});
