/**
 * THE list of questions the generator asks. A new question is one new entry here:
 * its flag, `--help` line, prompt, validation, default and its place in
 * `.chatkit-server.json` all follow from it. Order = prompt order.
 */
import { choiceOption, integerOption, stringOption } from "./option-kinds.js";
import type { AnswersOf } from "./types.js";
import { checkDatabaseUrl, checkHeaderName } from "./value-checks.js";

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
      { value: "postgres", label: "PostgreSQL (a server; for production and many replicas)" },
    ],
    default: "sqlite",
    prompt: { kind: "select", message: "Where should conversations be stored?" },
  }),
  stringOption({
    id: "databaseUrl",
    flag: "--database-url",
    valueName: "<url>",
    description:
      "PostgreSQL URL used when DATABASE_URL is unset (postgresql://user@host:port/db; no password: set that in DATABASE_URL).",
    default: "postgresql://postgres@localhost:5432/postgres",
    rules: { maxLength: 500, noWhitespace: true },
    check: checkDatabaseUrl,
    when: { applies: (answers) => answers.store === "postgres", description: "with --store postgres" },
    prompt: { kind: "input", message: "PostgreSQL URL for development (DATABASE_URL overrides it):" },
  }),
  choiceOption({
    id: "auth",
    flag: "--auth",
    valueName: "<mode>",
    description: "How a request says which user it is.",
    choices: [
      { value: "none", label: "None: every request is one local user (development only)" },
      { value: "header", label: "Header: a trusted proxy sets the user id in a request header" },
    ],
    default: "none",
    prompt: { kind: "select", message: "How are users identified?" },
  }),
  stringOption({
    id: "userHeader",
    flag: "--user-header",
    valueName: "<name>",
    description: "The request header that carries the user id (with --auth header).",
    default: "X-User-Id",
    rules: { maxLength: 100, noWhitespace: true },
    check: checkHeaderName,
    when: { applies: (answers) => answers.auth === "header", description: "with --auth header" },
    prompt: { kind: "input", message: "Header that carries the user id:" },
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
