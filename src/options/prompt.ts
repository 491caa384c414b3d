/**
 * The real `PromptFn`: maps a PromptQuestion to the matching inquirer prompt.
 * Inquirer is imported lazily so that non-interactive runs (CI, --yes) never load it.
 */
import type { PromptFn, PromptQuestion } from "./question.js";

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
    case "editor":
      return inquirer.editor({ message: question.message, default: textDefault, validate });
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
