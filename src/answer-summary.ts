/**
 * The short summary an interactive `create` shows before asking to write: one line per
 * answer that applies, under the question's label from the option schema.
 */
import { optionSchema, type Answers } from "./options/schema.js";
import type { AnswerValue } from "./options/types.js";

export interface AnswerSummaryInput {
  /** As the user would `cd` to it. */
  directory: string;
  answers: Answers;
  install: boolean;
  /** undefined: no repository is made here (the folder held a project before). */
  git: boolean | undefined;
}

const MAX_VALUE = 60;

function showAnswer(value: AnswerValue): string {
  if (value === null) return "unset (the provider's default)";
  const text = String(value);
  const [first = "", ...more] = text.split("\n");
  const line = first.length > MAX_VALUE ? `${first.slice(0, MAX_VALUE - 3)}...` : first;
  return more.length > 0 ? `${line} (+${more.length} more line${more.length === 1 ? "" : "s"})` : line;
}

export function answerSummaryRows(input: AnswerSummaryInput): [string, string][] {
  const answers: Readonly<Record<string, AnswerValue>> = input.answers;
  const rows: [string, string][] = [["Directory", input.directory]];
  for (const spec of optionSchema) {
    if (spec.when?.applies(answers) ?? true) rows.push([spec.label, showAnswer(answers[spec.id] ?? null)]);
  }
  rows.push(["Install dependencies", input.install ? "yes" : "no"]);
  if (input.git !== undefined) rows.push(["Git repository", input.git ? "yes" : "no"]);
  return rows;
}

export function formatAnswerSummary(input: AnswerSummaryInput): string {
  const rows = answerSummaryRows(input);
  const width = Math.max(...rows.map(([label]) => label.length));
  return `Summary:\n${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}\n`).join("")}`;
}
