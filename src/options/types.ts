/** Shapes shared by the option schema, answer resolution and prompting. */

/** `null` is an optional setting left unset (number options, e.g. --temperature). */
export type AnswerValue = string | number | boolean | null;

/** Answers resolved so far, as seen by `default`, `when` and `validate` of later options. */
export type AnswerMap = Readonly<Record<string, AnswerValue | undefined>>;

export type OptionType = "string" | "integer" | "number" | "choice" | "boolean";

export type PromptKind = "input" | "select" | "checkbox" | "editor" | "confirm";

export interface Choice<V extends string = string> {
  value: V;
  /** Shown in the interactive select list. */
  label: string;
  /**
   * When set, the choice is listed (help, prompt) but refused with this sentence.
   * Enabling the choice later means deleting this one property.
   */
  disabledReason?: string;
}

export type ParseResult<V> = { ok: true; value: V } | { ok: false; error: string };

/**
 * One question of the generator. Flags, `--help`, prompts, `--yes` defaults and the
 * validation of `.chatkit-server.json` are all derived from these entries.
 */
export interface OptionSpec<Id extends string = string, V extends AnswerValue = AnswerValue> {
  id: Id;
  /** Long flag, e.g. "--store". */
  flag: string;
  /**
   * What the question is about, e.g. "Temperature": while prompting, messages name it instead
   * of the flag, and the summary before writing lists answers under it.
   */
  label: string;
  /** A second flag that reads the value from a file, e.g. "--instructions-file". */
  fileFlag?: string;
  /** Placeholder shown in help, e.g. "<name>"; boolean options have none. */
  valueName: string;
  /** Help text (one sentence). Choices and default are appended by the help builder. */
  description: string;
  type: OptionType;
  choices?: readonly Choice[];
  /** A set of choices recorded as comma-separated text; a config file may give it as a list. */
  list?: boolean;
  default?: V | ((answers: AnswerMap) => V | undefined);
  /** How `--help` states a computed default (e.g. one per provider). */
  defaultHelp?: string;
  /**
   * The option applies only when `applies` returns true (e.g. a database URL only for the
   * postgres store): otherwise it is not asked, and a flag for it is refused with a message
   * that ends in `description` (e.g. "with --store postgres").
   */
  when?: { applies: (answers: AnswerMap) => boolean; description: string };
  prompt: { message: string; kind: PromptKind };
  /** Number options: the bounds `validate` enforces (the generated settings enforce the same). */
  min?: number;
  max?: number;
  /** Turns raw text (a flag or a typed answer) into a value; error messages start with the flag. */
  parse(raw: string): ParseResult<V>;
  /**
   * Returns an error message that starts with the flag and says what is accepted, or undefined
   * when valid. Prompts show it with `label` in place of the flag (see `messageFor`).
   */
  validate(value: V, answers: AnswerMap): string | undefined;
}

/** The value type of one option spec. */
export type ValueOf<S> = S extends OptionSpec<string, infer V> ? V : never;

/** The answers object for a schema: option id -> value. */
export type AnswersOf<S extends readonly OptionSpec[]> = {
  -readonly [O in S[number] as O["id"]]: ValueOf<O>;
};
