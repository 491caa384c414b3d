/**
 * A prompt question independent of any prompt library. The resolver builds these and an
 * injected `PromptFn` answers them: inquirer in the CLI, a plain function in tests.
 */
import type { PromptKind } from "./types.js";

export interface PromptChoice {
  value: string;
  label: string;
  /** Shown next to a choice that is listed but cannot be picked. */
  disabled?: string;
}

export interface PromptQuestion {
  kind: PromptKind;
  message: string;
  default?: string | boolean;
  choices?: readonly PromptChoice[];
  /** Returns an error message to show before asking again, or undefined when acceptable. */
  validate?: (raw: string | boolean) => string | undefined;
}

/** A checkbox answer comes back as its values joined with commas. */
export type PromptFn = (question: PromptQuestion) => Promise<string | boolean>;
