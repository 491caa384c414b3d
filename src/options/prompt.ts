/**
 * The real `PromptFn`: maps a PromptQuestion to the matching inquirer prompt.
 * Inquirer is imported lazily so that non-interactive runs (CI, --yes) never load it.
 */
import { editorChoice, editorLabel, type EditorChoice } from "./editor-name.js";
import type { PromptFn, PromptQuestion } from "./question.js";

/** The first step of a long-text question: keep the default, type inline, or open the editor. */
export function longTextChoices(fallback: string | undefined, editor: EditorChoice): { value: string; name: string }[] {
  const keep = fallback === undefined ? [] : [{ value: "keep", name: `Keep the default: ${preview(fallback)}` }];
  return [...keep, { value: "inline", name: "Type them here (one line)" }, { value: "editor", name: editorLabel(editor) }];
}

/** The first line of a text, shortened for a one-line label. */
function preview(text: string): string {
  const [first = "", ...more] = text.split("\n");
  const line = first.length > 60 ? `${first.slice(0, 57)}...` : first;
  return more.length > 0 && line === first ? `${line} ...` : line;
}

const toInquirerValidate =
  (question: PromptQuestion) =>
  (raw: string | boolean): true | string =>
    question.validate?.(raw) ?? true;

export const promptWithInquirer: PromptFn = async (question) => {
  const inquirer = await import("@inquirer/prompts");
  const validate = toInquirerValidate(question);
  const textDefault = typeof question.default === "string" ? question.default : undefined;
  switch (question.kind) {
    case "input":
      return inquirer.input({ message: question.message, default: textDefault, validate });
    case "editor": {
      // Enter keeps the default; typing inline or an editor (named) are the other choices.
      const editor = editorChoice(process.env, process.platform);
      const how = await inquirer.select({ message: question.message, default: "keep", choices: longTextChoices(textDefault, editor) });
      if (how === "keep" && textDefault !== undefined) return textDefault;
      if (how === "editor") return inquirer.editor({ message: `${question.message} (${editor.name})`, default: textDefault, validate });
      return inquirer.input({ message: question.message, default: textDefault, validate });
    }
    case "confirm":
      return inquirer.confirm({
        message: question.message,
        default: typeof question.default === "boolean" ? question.default : undefined,
      });
    case "checkbox": {
      const selected = new Set(textDefault?.split(",") ?? []);
      const picked = await inquirer.checkbox({
        message: question.message,
        choices: (question.choices ?? []).map((c) => ({
          value: c.value,
          name: c.label,
          checked: selected.has(c.value),
          disabled: c.disabled ?? false,
        })),
        validate: (items) => validate(items.map((item) => item.value).join(",")),
      });
      return picked.join(",");
    }
    case "select":
      return inquirer.select({
        message: question.message,
        default: textDefault,
        choices: (question.choices ?? []).map((c) => ({ value: c.value, name: c.label, disabled: c.disabled ?? false })),
      });
  }
};
