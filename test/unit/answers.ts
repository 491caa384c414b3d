/** Complete answers for tests: the schema's defaults, with chosen values over them. */
import { resolveAnswers } from "../../src/options/resolve.js";
import { optionSchema, type Answers } from "../../src/options/schema.js";

export function answersWith(chosen: Partial<Answers> = {}): Promise<Answers> {
  return resolveAnswers({
    schema: optionSchema,
    flags: {},
    // Typed values, validated like recorded answers; the rest fall back to defaults.
    stored: chosen,
    interactive: false,
    prompt: () => Promise.reject(new Error("answersWith never prompts")),
  });
}
