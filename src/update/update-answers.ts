/**
 * The answers an update renders with. Precedence, as for create (src/options/resolve.ts):
 *
 *   flag > --config file > .chatkit-server.json (as the user may have edited it) > prompt > default
 *
 * Interactive and without setting flags or a config file, the user first picks WHICH settings to change (a
 * checkbox of option ids, through the same injected PromptFn), then is asked only those, each with its current value as the default, plus any
 * option the new answers make relevant (e.g. the database URL after switching to postgres).
 * Options newer than the project (absent from its config) are asked interactively, otherwise
 * take their default. Every value goes through the schema's own validation.
 */
import { showValue } from "../options/option-kinds.js";
import type { PromptFn } from "../options/question.js";
import { questionFor, resolveAnswers, type AnswerSource } from "../options/resolve.js";
import { optionSchema, type Answers } from "../options/schema.js";
import type { AnswerValue } from "../options/types.js";

export interface UpdateAnswersInput {
  /** Answers read from .chatkit-server.json (validated; may lack newer options). */
  recorded: Readonly<Record<string, AnswerValue>>;
  /** Raw schema flag values by option id; undefined = not given. */
  flags: Readonly<Record<string, string | boolean | undefined>>;
  /** Settings from --config; they count as set by flags. */
  config?: AnswerSource;
  interactive: boolean;
  prompt: PromptFn;
}

export const CHOOSE_SETTINGS_MESSAGE = "Which settings do you want to change? (space to select, enter to confirm)";

const shortValue = (value: AnswerValue | undefined) => {
  if (value === undefined) return "not set";
  const text = showValue(value);
  return text.replace(/\\n/g, " ");
};

export async function resolveUpdateAnswers(input: UpdateAnswersInput): Promise<Answers> {
  const flags: Record<string, string | boolean | undefined> = { ...input.flags };
  const anyFlag =
    Object.values(flags).some((v) => v !== undefined) || Object.keys(input.config?.values ?? {}).length > 0 || (input.config?.errors?.length ?? 0) > 0;
  if (input.interactive && !anyFlag) {
    // Only what applies now: an option another answer makes relevant is asked when that changes.
    const choices = optionSchema
      .filter((spec) => spec.when?.applies(input.recorded) ?? true)
      .map((spec) => ({ value: spec.id, label: `${spec.id} (${shortValue(input.recorded[spec.id])})` }));
    const picked = await input.prompt({ kind: "checkbox", message: CHOOSE_SETTINGS_MESSAGE, choices, default: "" });
    // A checkbox answer is its values joined with commas (option ids have none).
    const chosen = new Set(String(picked).split(",").filter(Boolean));
    const current: Record<string, AnswerValue | undefined> = { ...input.recorded };
    for (const spec of optionSchema) {
      const applies = spec.when?.applies(current) ?? true;
      // Also ask what a change just made relevant (e.g. the database URL after choosing postgres).
      const becameRelevant = spec.when !== undefined && applies && !spec.when.applies(input.recorded);
      if (!applies || !(chosen.has(spec.id) || becameRelevant)) continue;
      const value = current[spec.id];
      const question = questionFor(spec, current);
      if (value !== undefined && value !== null) question.default = typeof value === "number" ? String(value) : value;
      const raw = await input.prompt(question);
      flags[spec.id] = raw;
      const parsed = typeof raw === "string" ? spec.parse(raw) : { ok: true as const, value: raw };
      if (parsed.ok) current[spec.id] = parsed.value;
    }
  }
  return resolveAnswers({
    schema: optionSchema,
    flags,
    config: input.config,
    stored: input.recorded,
    interactive: input.interactive,
    prompt: input.prompt,
  });
}
