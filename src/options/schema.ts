/**
 * THE list of questions the generator asks. A new question is one new entry here:
 * its flag, `--help` line, prompt, validation, default and its place in
 * `.chatkit-server.json` all follow from it. Order = prompt order.
 */
import { choiceOption, choiceSetOption, integerOption, numberOption, stringOption } from "./option-kinds.js";
import type { AnswersOf } from "./types.js";
import { checkClaimName, checkDatabaseUrl, checkEnvVarName, checkHeaderName, checkHttpUrl, checkModelName } from "./value-checks.js";

const DEFAULT_MODELS: Readonly<Record<string, string>> = {
  openai: "gpt-5.4-mini",
  "openai-compatible": "llama3.2",
  litellm: "gemini/gemini-2.5-flash",
};

// LiteLLM reads each vendor's own variable; these are the common ones.
const LITELLM_KEY_ENVS: Readonly<Record<string, string>> = {
  anthropic: "ANTHROPIC_API_KEY",
  gemini: "GEMINI_API_KEY",
  groq: "GROQ_API_KEY",
  mistral: "MISTRAL_API_KEY",
  openai: "OPENAI_API_KEY",
};

function defaultApiKeyEnv(provider: string, model: string): string {
  if (provider !== "litellm") return "OPENAI_API_KEY";
  return LITELLM_KEY_ENVS[model.split("/")[0] ?? ""] ?? "LITELLM_API_KEY";
}

export const PYTHON_VERSIONS = ["3.10", "3.11", "3.12", "3.13"] as const;

export const optionSchema = [
  choiceOption({
    id: "store",
    flag: "--store",
    label: "Store",
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
    label: "PostgreSQL URL",
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
    id: "attachments",
    flag: "--attachments",
    label: "Attachments",
    valueName: "<storage>",
    description: "Whether users can attach files and images to messages, and where their bytes are kept.",
    choices: [
      { value: "local", label: "Local: files in a directory on this machine (one server)" },
      { value: "database", label: "Database: in the store's own database (shared by every replica)" },
      { value: "none", label: "None: no attachments" },
    ],
    default: (answers) => (answers.store === "postgres" ? "database" : "local"),
    defaultHelp: '"database" with --store postgres, else "local"',
    check: (storage, answers) =>
      storage === "database" && answers.store === "memory"
        ? "--attachments database needs --store sqlite or postgres: the memory store has no database."
        : undefined,
    prompt: { kind: "select", message: "File and image attachments:" },
  }),
  choiceOption({
    id: "auth",
    flag: "--auth",
    label: "Authentication",
    valueName: "<mode>",
    description: "How a request says which user it is.",
    choices: [
      { value: "none", label: "None: every request is one local user (development only)" },
      { value: "header", label: "Header: a trusted proxy sets the user id in a request header" },
      { value: "jwt", label: "JWT: the server verifies a bearer token (HS256 secret or a JWKS URL)" },
    ],
    default: "none",
    prompt: { kind: "select", message: "How are users identified?" },
  }),
  stringOption({
    id: "userHeader",
    flag: "--user-header",
    label: "User header",
    valueName: "<name>",
    description: "The request header that carries the user id (with --auth header).",
    default: "X-User-Id",
    rules: { maxLength: 100, noWhitespace: true },
    check: checkHeaderName,
    when: { applies: (answers) => answers.auth === "header", description: "with --auth header" },
    prompt: { kind: "input", message: "Header that carries the user id:" },
  }),
  stringOption({
    id: "jwtUserClaim",
    flag: "--jwt-user-claim",
    label: "User claim",
    valueName: "<claim>",
    description: "The token claim that holds the user id (with --auth jwt); keys, issuer and audience are runtime settings.",
    default: "sub",
    rules: { maxLength: 100, noWhitespace: true },
    check: checkClaimName,
    when: { applies: (answers) => answers.auth === "jwt", description: "with --auth jwt" },
    prompt: { kind: "input", message: "Token claim that holds the user id:" },
  }),
  choiceOption({
    id: "rateLimit",
    flag: "--rate-limit",
    label: "Rate limits",
    valueName: "<where>",
    description:
      "Where per-user limits on turns per minute and concurrent streams are counted (429 with Retry-After past them).",
    choices: [
      { value: "memory", label: "Memory: counted in the process (one server)" },
      { value: "postgres", label: "PostgreSQL: counted in the store's database (shared by every replica)" },
      { value: "redis", label: "Redis: counted in a Redis server (shared by every replica)" },
      { value: "none", label: "None: no limits" },
    ],
    default: (answers) => (answers.store === "postgres" ? "postgres" : "memory"),
    defaultHelp: '"postgres" with --store postgres, else "memory"',
    check: (where, answers) =>
      where === "postgres" && answers.store !== "postgres"
        ? "--rate-limit postgres needs --store postgres: the limits are counted in the store's database."
        : undefined,
    prompt: { kind: "select", message: "Per-user rate limits:" },
  }),
  choiceOption({
    id: "provider",
    flag: "--provider",
    label: "Provider",
    valueName: "<provider>",
    description: "Who runs the model.",
    choices: [
      { value: "openai", label: "OpenAI (Responses API)" },
      { value: "openai-compatible", label: "OpenAI-compatible Chat Completions (Ollama, vLLM, LM Studio, Azure, Gemini)" },
      { value: "litellm", label: "LiteLLM (Anthropic, Gemini, Bedrock and 100+ more)" },
    ],
    default: "openai",
    prompt: { kind: "select", message: "Model provider:" },
  }),
  stringOption({
    id: "baseUrl",
    flag: "--base-url",
    label: "Base URL",
    valueName: "<url>",
    description: "The Chat Completions endpoint (with --provider openai-compatible).",
    default: "http://localhost:11434/v1",
    rules: { maxLength: 500, noWhitespace: true },
    check: checkHttpUrl,
    when: { applies: (answers) => answers.provider === "openai-compatible", description: "with --provider openai-compatible" },
    prompt: { kind: "input", message: "Base URL of the Chat Completions endpoint:" },
  }),
  stringOption({
    id: "model",
    flag: "--model",
    label: "Model",
    valueName: "<model>",
    description: "Model name the agent uses (for litellm, e.g. gemini/gemini-2.5-flash).",
    default: (answers) => DEFAULT_MODELS[String(answers.provider)] ?? DEFAULT_MODELS.openai,
    defaultHelp: Object.entries(DEFAULT_MODELS)
      .map(([provider, model]) => `"${model}" (${provider})`)
      .join(", "),
    rules: { maxLength: 200, noWhitespace: true },
    check: checkModelName,
    prompt: { kind: "input", message: "Model:" },
  }),
  stringOption({
    id: "apiKeyEnv",
    flag: "--api-key-env",
    label: "API key variable",
    valueName: "<VAR>",
    description: "The environment variable that holds the provider's API key (the key itself is never written).",
    default: (answers) => defaultApiKeyEnv(String(answers.provider), String(answers.model)),
    defaultHelp: "OPENAI_API_KEY, or for litellm the model vendor's (e.g. GEMINI_API_KEY)",
    rules: { maxLength: 100, noWhitespace: true },
    check: checkEnvVarName,
    prompt: { kind: "input", message: "Environment variable with the API key:" },
  }),
  stringOption({
    id: "agentName",
    flag: "--agent-name",
    label: "Agent name",
    valueName: "<name>",
    description: "Name of the assistant agent.",
    default: "Assistant",
    rules: { maxLength: 100, singleLine: true },
    prompt: { kind: "input", message: "Agent name:" },
  }),
  stringOption({
    id: "instructions",
    flag: "--instructions",
    label: "Instructions",
    fileFlag: "--instructions-file",
    valueName: "<text>",
    description: "System instructions for the agent (line breaks allowed).",
    default: "You are a helpful assistant. Answer concisely.",
    rules: { maxLength: 20000 },
    // Enter keeps the default; the answer can be typed inline or, for several lines, in an editor.
    prompt: { kind: "editor", message: "Agent instructions:" },
  }),
  numberOption({
    id: "temperature",
    flag: "--temperature",
    label: "Temperature",
    valueName: "<0-2>",
    description: "Sampling temperature; unset leaves the provider's default.",
    min: 0,
    max: 2,
    prompt: { kind: "input", message: "Temperature (0-2, empty for the provider's default):" },
  }),
  numberOption({
    id: "maxTokens",
    flag: "--max-tokens",
    label: "Max tokens",
    valueName: "<n>",
    description: "Most tokens per answer; unset leaves the provider's default.",
    min: 1,
    max: 1_000_000,
    integer: true,
    prompt: { kind: "input", message: "Max tokens per answer (empty for the provider's default):" },
  }),
  choiceOption({
    id: "reasoningEffort",
    flag: "--reasoning-effort",
    label: "Reasoning effort",
    valueName: "<effort>",
    description: "Reasoning effort for reasoning models; default leaves the model's own.",
    choices: [
      { value: "default", label: "The model's default" },
      { value: "none", label: "None" },
      { value: "low", label: "Low" },
      { value: "medium", label: "Medium" },
      { value: "high", label: "High" },
    ],
    default: "default",
    when: {
      applies: (answers) => answers.provider === "openai" || answers.provider === "litellm",
      description: "with --provider openai or litellm",
    },
    prompt: { kind: "select", message: "Reasoning effort:" },
  }),
  choiceSetOption({
    id: "tools",
    flag: "--tools",
    label: "Tools",
    valueName: "<list>",
    description: "Tools the agent can call: none, or a comma-separated list.",
    choices: [
      { value: "example", label: "An example function tool in app/tools.py (yours to edit)" },
      { value: "web-search", label: "Web search (hosted by OpenAI)" },
      { value: "client", label: "An example client tool: the agent asks the browser for the page's selected text (app/client_tools.py)" },
      { value: "widget", label: "An example widget with buttons, and the action handlers behind them (app/widgets/)" },
    ],
    check: (tools, answers) =>
      tools.includes("web-search") && answers.provider !== "openai"
        ? "--tools web-search needs --provider openai: hosted tools run on the Responses API only."
        : undefined,
    prompt: { kind: "checkbox", message: "Tools:" },
  }),
  choiceOption({
    id: "titles",
    flag: "--titles",
    label: "Titles",
    valueName: "<how>",
    description: "How new threads get a title.",
    choices: [
      { value: "first-message", label: "From the first user message" },
      { value: "model", label: "Asked of the model, after the first answer" },
      { value: "none", label: "No titles" },
    ],
    default: "first-message",
    prompt: { kind: "select", message: "Thread titles:" },
  }),
  choiceOption({
    id: "dictation",
    flag: "--dictation",
    label: "Dictation",
    valueName: "<on|off>",
    description: "Whether the composer's microphone button works: speech is transcribed by the provider.",
    choices: [
      { value: "off", label: "Off" },
      { value: "on", label: "On: the provider's speech-to-text API turns recordings into text" },
    ],
    default: "off",
    prompt: { kind: "select", message: "Dictation (speech to text in the composer):" },
  }),
  choiceOption({
    id: "frontend",
    flag: "--frontend",
    label: "Frontend",
    valueName: "<react|none>",
    description: "Whether to generate a web UI in web/: Vite, React and @openai/chatkit-react, wired to this server.",
    choices: [
      { value: "none", label: "None: the server only" },
      { value: "react", label: "React: a ChatKit page in web/ (Vite + TypeScript)" },
    ],
    default: "none",
    prompt: { kind: "select", message: "Web UI:" },
  }),
  integerOption({
    id: "historyLimit",
    flag: "--history-limit",
    label: "History limit",
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
    label: "Python",
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
