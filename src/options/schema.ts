/**
 * THE list of questions the generator asks. A new question is one new entry here:
 * its flag, `--help` line, prompt, validation, default and its place in
 * `.chatkit-server.json` all follow from it. Order = prompt order.
 */
import { choiceOption, integerOption, stringOption } from "./option-kinds.js";
import type { AnswersOf } from "./types.js";

export const PYTHON_VERSIONS = ["3.10", "3.11", "3.12", "3.13"] as const;

export const optionSchema = [
  choiceOption({
    id: "store",
    flag: "--store",
    valueName: "<store>",
    description: "Where threads and messages are stored.",
    choices: [
      { value: "sqlite", label: "SQLite (a file on disk; survives restarts)" },
      { value: "memory", label: "In memory (lost on restart; for demos and tests)" },
      {
        value: "postgres",
        label: "PostgreSQL",
        disabledReason: "PostgreSQL support is not available yet; use --store sqlite or --store memory.",
      },
    ],
    default: "sqlite",
    prompt: { kind: "select", message: "Where should conversations be stored?" },
  }),
  stringOption({
    id: "agentName",
    flag: "--agent-name",
    valueName: "<name>",
    description: "Name of the assistant agent.",
    default: "Assistant",
    rules: { maxLength: 100, singleLine: true },
    prompt: { kind: "input", message: "Agent name:" },
  }),
  stringOption({
    id: "instructions",
    flag: "--instructions",
    valueName: "<text>",
    description: "System instructions for the agent (line breaks allowed).",
    default: "You are a helpful assistant. Answer concisely.",
    rules: { maxLength: 20000 },
    // A one-line input keeps the interactive flow quick; longer instructions can be passed
    // with the flag or edited in the generated project.
    prompt: { kind: "input", message: "Agent instructions:" },
  }),
  stringOption({
    id: "model",
    flag: "--model",
    valueName: "<model>",
    description: "Model name the agent uses.",
    default: "gpt-5.4-mini",
    rules: { maxLength: 200, noWhitespace: true },
    prompt: { kind: "input", message: "Model:" },
  }),
  integerOption({
    id: "historyLimit",
    flag: "--history-limit",
    valueName: "<n>",
    description: "How many earlier thread items are sent to the model with each turn.",
    default: 50,
    min: 1,
    max: 1000,
    prompt: { kind: "input", message: "Thread items sent to the model per turn (1-1000):" },
  }),
  choiceOption({
    id: "python",
    flag: "--python",
    valueName: "<version>",
    description: "Minimum Python version of the generated project.",
    choices: PYTHON_VERSIONS.map((v) => ({ value: v, label: `Python ${v}` })),
    default: "3.11",
    prompt: { kind: "select", message: "Minimum Python version:" },
  }),
] as const;

export type OptionSchema = typeof optionSchema;

/** Every answer of the generator, keyed by option id. */
export type Answers = AnswersOf<OptionSchema>;

export type OptionId = keyof Answers;

export type StoreKind = Answers["store"];
