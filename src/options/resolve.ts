/**
 * Answer resolution: one function, one precedence, one validation path.
 *
 *   flag > config file (--config) > stored answer (.chatkit-server.json) > prompt (interactive only) > default
 *
 * Every source goes through the same checks: raw text (flags, typed answers, text in a config
 * file) is parsed by the option's `parse`, then every value is type-checked and run through its
 * `validate`, so a value is judged the same way whether it was typed, passed as a flag or read
 * from a file. Recorded answers are typed JSON written by this tool: they are not parsed as text.
 */
import { UserError } from "../errors.js";
import type { PromptFn, PromptQuestion } from "./question.js";
import type { AnswerMap, AnswerValue, AnswersOf, OptionSpec, ParseResult } from "./types.js";
import { showValue } from "./option-kinds.js";

/** Values by option id from a file, and how an error names where each one is. */
export interface AnswerSource {
  values: Readonly<Record<string, unknown>>;
  /** e.g. `bot.yaml:3:1: "historyLimit"`, put before the option's own error message. */
  label(id: string): string;
  /** Problems of the file found before its values were judged (unknown keys), each with its place. */
  errors?: readonly string[];
}

export interface ResolveInput<S extends readonly OptionSpec[]> {
  schema: S;
  /** Raw flag values by option id; undefined = flag not given. */
  flags: Readonly<Record<string, string | boolean | undefined>>;
  /** Previously recorded answers by option id (already read from disk). */
  stored?: Readonly<Record<string, unknown>>;
  /** Answers from a --config file, by option id; values as read (text is parsed like a flag). */
  config?: AnswerSource;
  interactive: boolean;
  prompt: PromptFn;
}

const TYPE_NAMES: Record<OptionSpec["type"], string> = {
  string: "text",
  choice: "text",
  integer: "a whole number",
  number: "a number or unset",
  boolean: "true or false",
};

function hasType(spec: OptionSpec, value: unknown): value is AnswerValue {
  switch (spec.type) {
    case "string":
    case "choice":
      return typeof value === "string";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return value === null || (typeof value === "number" && Number.isFinite(value));
    case "boolean":
      return typeof value === "boolean";
  }
}

/** What a value of the wrong type is, for messages: `the number 3.1`, `a list`, `null`. */
function describeType(value: unknown): string {
  if (value === null || typeof value === "boolean") return String(value);
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "string") return `the text ${showValue(value)}`;
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a mapping" : showValue(value);
}

/** Type-checks and validates an already-typed value (stored answers, defaults). */
export function checkValue(spec: OptionSpec, value: unknown, answers: AnswerMap): ParseResult<AnswerValue> {
  if (!hasType(spec, value)) {
    return { ok: false, error: `${spec.flag} must be ${TYPE_NAMES[spec.type]} (got ${describeType(value)}).` };
  }
  const error = spec.validate(value, answers);
  return error === undefined ? { ok: true, value } : { ok: false, error };
}

/** Like checkValue, but raw text (a flag, a typed answer) is parsed first. */
export function acceptValue(spec: OptionSpec, input: unknown, answers: AnswerMap): ParseResult<AnswerValue> {
  if (typeof input !== "string") return checkValue(spec, input, answers);
  const parsed = spec.parse(input);
  return parsed.ok ? checkValue(spec, parsed.value, answers) : parsed;
}

function defaultFor(spec: OptionSpec, answers: AnswerMap): AnswerValue | undefined {
  return typeof spec.default === "function" ? spec.default(answers) : spec.default;
}

/**
 * A message of `parse`/`validate` as a prompt shows it: the question's label in place of the
 * flag it starts with (`--temperature must ...` -> `Temperature must ...`). Every message is
 * written once, with the flag; this is the one place that rephrases it.
 */
export function messageFor(spec: OptionSpec, message: string): string {
  return message.startsWith(`${spec.flag} `) ? `${spec.label}${message.slice(spec.flag.length)}` : message;
}

/** The prompt question for one option, with the option's own validation attached. */
export function questionFor(spec: OptionSpec, answers: AnswerMap): PromptQuestion {
  const fallback = defaultFor(spec, answers);
  return {
    kind: spec.prompt.kind,
    message: spec.prompt.message,
    default: typeof fallback === "number" ? String(fallback) : fallback === null ? "" : fallback,
    choices: spec.choices?.map((c) => ({
      value: c.value,
      label: c.label,
      ...(c.disabledReason === undefined ? {} : { disabled: "(not available yet)" }),
    })),
    validate: (raw) => {
      const result = acceptValue(spec, raw, answers);
      return result.ok ? undefined : messageFor(spec, result.error);
    },
  };
}

export async function resolveAnswers<const S extends readonly OptionSpec[]>(
  input: ResolveInput<S>,
): Promise<AnswersOf<S>> {
  // A config file's errors are all reported before the first question: a pass without prompts
  // (each unasked option at its default) judges every value of the file first.
  if (input.config !== undefined && input.interactive) await resolveOnce({ ...input, interactive: false });
  return resolveOnce(input);
}

async function resolveOnce<const S extends readonly OptionSpec[]>(input: ResolveInput<S>): Promise<AnswersOf<S>> {
  const answers: Record<string, AnswerValue> = {};
  const take = (result: ParseResult<AnswerValue>, label?: string): AnswerValue => {
    if (!result.ok) throw new UserError(label === undefined ? result.error : `${label}: ${result.error}`);
    return result.value;
  };
  // Every problem of the config file, reported together once all options are resolved.
  const configErrors = [...(input.config?.errors ?? [])];

  for (const spec of input.schema) {
    const flag = input.flags[spec.id];
    const fromConfig = input.config && Object.hasOwn(input.config.values, spec.id) ? input.config.values[spec.id] : undefined;
    const stored = input.stored?.[spec.id];
    const applies = spec.when?.applies(answers) ?? true;
    if (flag !== undefined && !applies) {
      throw new UserError(`${spec.flag} only applies ${spec.when?.description}.`);
    }
    // A bad value in the file is collected; the option then resolves as if the file lacked it.
    const configured = flag === undefined && fromConfig !== undefined ? acceptValue(spec, fromConfig, answers) : undefined;
    if (configured?.ok === false) configErrors.push(`${input.config?.label(spec.id)}: ${configured.error}`);
    if (flag !== undefined) {
      answers[spec.id] = take(acceptValue(spec, flag, answers));
    } else if (configured?.ok === true) {
      // Like recorded answers, a value for an option that does not apply is kept, not refused:
      // the answers block of a .chatkit-server.json can be used as a config file as it is.
      answers[spec.id] = configured.value;
    } else if (stored !== undefined) {
      // Recorded answers are typed JSON: no text parsing, so "50" is not accepted for a number.
      answers[spec.id] = take(checkValue(spec, stored, answers), `Recorded answer "${spec.id}" in .chatkit-server.json`);
    } else if (input.interactive && applies && configured === undefined) {
      const raw = await input.prompt(questionFor(spec, answers));
      const result = acceptValue(spec, raw, answers);
      answers[spec.id] = take(result.ok ? result : { ok: false, error: messageFor(spec, result.error) });
    } else {
      const fallback = defaultFor(spec, answers);
      if (fallback === undefined) {
        throw new UserError(`Missing value for ${spec.flag}: pass ${spec.flag} ${spec.valueName}`.trimEnd() + ".");
      }
      const result = checkValue(spec, fallback, answers);
      // A default that fails its own validation is a bug in the schema, not a user error.
      if (!result.ok) throw new Error(`Invalid default for ${spec.flag}: ${result.error}`);
      answers[spec.id] = result.value;
    }
  }
  if (configErrors.length > 0) throw new UserError(configErrors.join("\n"));
  return answers as AnswersOf<S>;
}
