/**
 * Builders for the option kinds used by the schema. Each fills in `parse` and `validate`
 * so that every error message names the flag and says what is accepted.
 */
import type { AnswerMap, Choice, OptionSpec, ParseResult } from "./types.js";

interface BaseFields<Id extends string> {
  id: Id;
  flag: string;
  label: string;
  description: string;
  prompt: OptionSpec["prompt"];
  when?: OptionSpec["when"];
}

const ok = <V>(value: V): ParseResult<V> => ({ ok: true, value });

/** Quotes a user value for an error message; long values are shortened. */
export function showValue(value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(shown);
}

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/u;
// With the u flag, only unpaired surrogates match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export interface StringRules {
  maxLength: number;
  /** No line breaks or other control characters. */
  singleLine?: boolean;
  /** No whitespace or control characters at all (identifiers such as model names). */
  noWhitespace?: boolean;
}

function describeString(rules: StringRules): string {
  const size = `1 to ${rules.maxLength} characters`;
  if (rules.noWhitespace) return `${size} with no spaces or control characters`;
  if (rules.singleLine) return `a single line of ${size}`;
  return `text of ${size}`;
}

export function stringOption<const Id extends string>(
  fields: BaseFields<Id> & {
    valueName: string;
    default: string | ((answers: AnswerMap) => string);
    defaultHelp?: string;
    rules: StringRules;
    fileFlag?: string;
    /** A further check of a value that passed `rules`; returns the error message. */
    check?: (value: string) => string | undefined;
  },
): OptionSpec<Id, string> {
  const { rules, check, ...rest } = fields;
  const accepted = `${fields.flag} must be ${describeString(rules)}`;
  return {
    ...rest,
    type: "string",
    parse: (raw) => ok(raw),
    validate(value) {
      const length = [...value].length;
      if (value.trim() === "") return `${accepted} (got an empty value).`;
      // A lone surrogate is not text: it cannot be written to a UTF-8 file.
      if (LONE_SURROGATE.test(value)) return `${fields.flag} must be valid Unicode text (got a lone surrogate code unit).`;
      if (length > rules.maxLength) return `${accepted} (got ${length} characters).`;
      if (rules.noWhitespace && WHITESPACE_OR_CONTROL.test(value)) return `${accepted} (got ${showValue(value)}).`;
      if (rules.singleLine && CONTROL.test(value)) return `${accepted} (got a value with a line break or control character).`;
      return check?.(value);
    },
  };
}

export function integerOption<const Id extends string>(
  fields: BaseFields<Id> & { valueName: string; default: number; min: number; max: number },
): OptionSpec<Id, number> {
  const { min, max, ...rest } = fields;
  const accepted = `${fields.flag} must be a whole number from ${min} to ${max}`;
  return {
    ...rest,
    type: "integer",
    min,
    max,
    parse(raw) {
      const text = raw.trim();
      if (!/^[+-]?\d+$/.test(text)) return { ok: false, error: `${accepted} (got ${showValue(raw)}).` };
      return ok(Number(text));
    },
    validate(value) {
      if (!Number.isSafeInteger(value) || value < min || value > max) return `${accepted} (got ${showValue(value)}).`;
      return undefined;
    },
  };
}

/** An optional number: `null` (the default) leaves the setting to the provider. */
export function numberOption<const Id extends string>(
  fields: BaseFields<Id> & { valueName: string; min: number; max: number; integer?: boolean },
): OptionSpec<Id, number | null> {
  const { min, max, integer = false, ...rest } = fields;
  const kind = integer ? "a whole number" : "a number";
  const accepted = `${fields.flag} must be ${kind} from ${min} to ${max}, or empty to leave it unset`;
  return {
    ...rest,
    type: "number",
    min,
    max,
    default: null,
    parse(raw) {
      const text = raw.trim();
      if (text === "") return ok(null);
      const pattern = integer ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)$/;
      if (!pattern.test(text)) return { ok: false, error: `${accepted} (got ${showValue(raw)}).` };
      return ok(Number(text));
    },
    validate(value) {
      if (value === null) return undefined;
      if (value < min || value > max || (integer && !Number.isSafeInteger(value))) {
        return `${accepted} (got ${showValue(value)}).`;
      }
      return undefined;
    },
  };
}

/**
 * A set of choices, recorded as their values joined with commas in choice order, or "none"
 * (e.g. --tools example,web-search). `check` judges a set against the other answers.
 */
export function choiceSetOption<const Id extends string, const V extends string>(
  fields: BaseFields<Id> & {
    valueName: string;
    choices: readonly Choice<V>[];
    check?: (values: readonly V[], answers: AnswerMap) => string | undefined;
  },
): OptionSpec<Id, string> {
  const { check, ...rest } = fields;
  const values = fields.choices.map((c) => c.value);
  const accepted = `${fields.flag} must be "none" or a comma-separated list of: ${values.join(", ")}`;
  return {
    ...rest,
    type: "string",
    list: true,
    default: "none",
    parse(raw) {
      const picked = new Set(raw.split(",").map((part) => part.trim()).filter((part) => part !== "" && part !== "none"));
      const unknown = [...picked].filter((part) => !values.includes(part as V));
      if (unknown.length > 0) return { ok: false, error: `${accepted} (got ${showValue(unknown.join(","))}).` };
      const ordered = values.filter((value) => picked.has(value));
      return ok(ordered.length === 0 ? "none" : ordered.join(","));
    },
    validate(value, answers) {
      const parsed = value === "none" ? [] : value.split(",");
      const canonical = values.filter((v) => parsed.includes(v));
      if (parsed.length !== canonical.length || canonical.join(",") !== parsed.join(",")) {
        return `${accepted} (got ${showValue(value)}).`;
      }
      return check?.(canonical, answers);
    },
  };
}

export function choiceOption<const Id extends string, const V extends string>(
  fields: BaseFields<Id> & {
    valueName: string;
    choices: readonly Choice<V>[];
    default: NoInfer<V> | ((answers: AnswerMap) => NoInfer<V>);
    defaultHelp?: string;
    /** A further check of a listed choice against the other answers; returns the error message. */
    check?: (value: NoInfer<V>, answers: AnswerMap) => string | undefined;
  },
): OptionSpec<Id, V> {
  const { check, ...rest } = fields;
  const available = fields.choices.filter((c) => c.disabledReason === undefined).map((c) => c.value);
  return {
    ...rest,
    type: "choice",
    // Membership is checked in validate, so stored answers get the same check as flags.
    parse: (raw) => ok(raw.trim() as V),
    validate(value, answers) {
      const choice = fields.choices.find((c) => c.value === value);
      if (choice === undefined) return `${fields.flag} must be one of: ${available.join(", ")} (got ${showValue(value)}).`;
      return choice.disabledReason ?? check?.(value, answers);
    },
  };
}

export function booleanOption<const Id extends string>(
  fields: BaseFields<Id> & { default: boolean },
): OptionSpec<Id, boolean> {
  return {
    ...fields,
    valueName: "",
    type: "boolean",
    parse(raw) {
      const text = raw.trim().toLowerCase();
      if (["true", "yes", "y", "1"].includes(text)) return ok(true);
      if (["false", "no", "n", "0"].includes(text)) return ok(false);
      return { ok: false, error: `${fields.flag} must be true or false (got ${showValue(raw)}).` };
    },
    validate: () => undefined,
  };
}
