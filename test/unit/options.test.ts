import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { stringOption } from "../../src/options/option-kinds.js";
import type { PromptFn, PromptQuestion } from "../../src/options/question.js";
import { resolveAnswers } from "../../src/options/resolve.js";
import { optionSchema } from "../../src/options/schema.js";

const noPrompt: PromptFn = async (question) => {
  throw new Error(`unexpected prompt: ${question.message}`);
};

const resolveFlags = (flags: Record<string, string | undefined>, stored?: Record<string, unknown>) =>
  resolveAnswers({ schema: optionSchema, flags, stored, interactive: false, prompt: noPrompt });

/** A fake prompt: replies by message, else the question's default; records every question. */
function scriptedPrompt(replies: Record<string, string | boolean>) {
  const asked: PromptQuestion[] = [];
  const prompt: PromptFn = async (question) => {
    asked.push(question);
    const reply = replies[question.message] ?? question.default;
    if (reply === undefined) throw new Error(`no reply for "${question.message}"`);
    return reply;
  };
  return { asked, prompt };
}

describe("defaults (non-interactive, e.g. --yes)", () => {
  it("uses every schema default when nothing is given", async () => {
    expect(await resolveFlags({})).toEqual({
      store: "sqlite",
      databaseUrl: "postgresql://postgres@localhost:5432/postgres",
      attachments: "local",
      auth: "none",
      userHeader: "X-User-Id",
      rateLimit: "memory",
      jwtUserClaim: "sub",
      provider: "openai",
      baseUrl: "http://localhost:11434/v1",
      model: "gpt-5.4-mini",
      apiKeyEnv: "OPENAI_API_KEY",
      agentName: "Assistant",
      instructions: "You are a helpful assistant. Answer concisely.",
      temperature: null,
      maxTokens: null,
      reasoningEffort: "default",
      tools: "none",
      titles: "first-message",
      dictation: "off",
      frontend: "none",
      historyLimit: 50,
      python: "3.11",
    });
  });

  it("never prompts", async () => {
    const { asked, prompt } = scriptedPrompt({});
    await resolveAnswers({ schema: optionSchema, flags: {}, interactive: false, prompt });
    expect(asked).toEqual([]);
  });
});

describe("precedence: flag > stored > prompt > default", () => {
  const HISTORY = "Thread items sent to the model per turn (1-1000):";

  it("flag beats stored beats prompt beats default", async () => {
    const { asked, prompt } = scriptedPrompt({ "Agent name:": "Prompted", "Model:": "prompted", [HISTORY]: "12" });
    const answers = await resolveAnswers({
      schema: optionSchema,
      flags: { agentName: "Flag" },
      stored: { agentName: "Stored", model: "stored-model" },
      interactive: true,
      prompt,
    });
    expect(answers.agentName).toBe("Flag");
    expect(answers.model).toBe("stored-model");
    expect(answers.historyLimit).toBe(12); // prompt text parsed to a number
    expect(answers.python).toBe("3.11"); // prompt returned the default
    expect(asked.map((q) => q.message)).not.toContain("Agent name:");
    expect(asked.map((q) => q.message)).not.toContain("Model:");
    expect(asked.map((q) => q.message)).toContain(HISTORY);
  });

  it("flag text is parsed (integers become numbers)", async () => {
    expect((await resolveFlags({ historyLimit: "1000" })).historyLimit).toBe(1000);
  });
});

describe("validation errors name the flag and what is accepted", () => {
  const cases: [Record<string, string>, string][] = [
    [{ store: "mysql" }, '--store must be one of: sqlite, memory, postgres (got "mysql").'],
    [{ databaseUrl: "postgresql://u@db/chat" }, "--database-url only applies with --store postgres."],
    [{ store: "postgres", databaseUrl: "mysql://u@db/chat" }, '--database-url must start with postgresql:// or postgres:// (got "mysql://").'],
    [{ store: "postgres", databaseUrl: "not a url" }, '--database-url must be 1 to 500 characters with no spaces or control characters (got "not a url").'],
    [{ store: "postgres", databaseUrl: "postgresql:nohost" }, "--database-url must name a host, e.g. postgresql://user@host:5432/database."],
    [
      { store: "postgres", databaseUrl: "postgresql://u:secret@db/chat" },
      "--database-url must not contain a password: it is written into generated files. Set the full URL in the DATABASE_URL environment variable instead.",
    ],
    [{ auth: "oauth" }, '--auth must be one of: none, header, jwt (got "oauth").'],
    [{ jwtUserClaim: "email" }, "--jwt-user-claim only applies with --auth jwt."],
    [{ auth: "jwt", jwtUserClaim: "e mail" }, '--jwt-user-claim must be 1 to 100 characters with no spaces or control characters (got "e mail").'],
    [{ auth: "jwt", jwtUserClaim: "user@id" }, '--jwt-user-claim must be a claim name: letters, digits and _.:/- (got "user@id").'],
    [{ baseUrl: "http://x/v1" }, "--base-url only applies with --provider openai-compatible."],
    [{ provider: "openai-compatible", baseUrl: "ftp://x/v1" }, '--base-url must be an http:// or https:// URL (got "ftp://x/v1").'],
    [{ provider: "litellm", tools: "web-search" }, "--tools web-search needs --provider openai: hosted tools run on the Responses API only."],
    [{ tools: "example,shell" }, '--tools must be "none" or a comma-separated list of: example, web-search, client, widget (got "shell").'],
    [{ temperature: "2.5" }, '--temperature must be a number from 0 to 2, or empty to leave it unset (got "2.5").'],
    [{ temperature: "warm" }, '--temperature must be a number from 0 to 2, or empty to leave it unset (got "warm").'],
    [{ maxTokens: "1.5" }, '--max-tokens must be a whole number from 1 to 1000000, or empty to leave it unset (got "1.5").'],
    [{ provider: "openai-compatible", reasoningEffort: "low" }, "--reasoning-effort only applies with --provider openai or litellm."],
    [{ apiKeyEnv: "my-key" }, '--api-key-env must be an environment variable name: letters, digits and _, not starting with a digit (got "my-key").'],
    [{ userHeader: "X-User" }, "--user-header only applies with --auth header."],
    [{ auth: "header", userHeader: "X User" }, '--user-header must be 1 to 100 characters with no spaces or control characters (got "X User").'],
    [{ auth: "header", userHeader: "X:User" }, '--user-header must be an HTTP header name: letters, digits and !#$%&\'*+.^_`|~- (got "X:User").'],
    [{ historyLimit: "abc" }, '--history-limit must be a whole number from 1 to 1000 (got "abc").'],
    [{ historyLimit: "1.5" }, '--history-limit must be a whole number from 1 to 1000 (got "1.5").'],
    [{ historyLimit: "0" }, '--history-limit must be a whole number from 1 to 1000 (got "0").'],
    [{ historyLimit: "" }, '--history-limit must be a whole number from 1 to 1000 (got "").'],
    [{ historyLimit: "1001" }, '--history-limit must be a whole number from 1 to 1000 (got "1001").'],
    [{ agentName: "" }, "--agent-name must be a single line of 1 to 100 characters (got an empty value)."],
    [{ agentName: "a".repeat(101) }, "--agent-name must be a single line of 1 to 100 characters (got 101 characters)."],
    [{ agentName: "two\nlines" }, "--agent-name must be a single line of 1 to 100 characters (got a value with a line break or control character)."],
    [{ instructions: "   " }, "--instructions must be text of 1 to 20000 characters (got an empty value)."],
    [{ instructions: "x".repeat(20001) }, "--instructions must be text of 1 to 20000 characters (got 20001 characters)."],
    [{ model: "gpt 5" }, '--model must be 1 to 200 characters with no spaces or control characters (got "gpt 5").'],
    [{ model: "gpt-5\t" }, '--model must be 1 to 200 characters with no spaces or control characters (got "gpt-5\\t").'],
    [{ model: "m".repeat(201) }, "--model must be 1 to 200 characters with no spaces or control characters (got 201 characters)."],
    [{ python: "3.9" }, '--python must be one of: 3.10, 3.11, 3.12, 3.13 (got "3.9").'],
  ];

  it.each(cases)("%j", async (flags, message) => {
    const error = await resolveFlags(flags).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(message);
  });

  it("accepts the boundaries and multi-line instructions", async () => {
    const answers = await resolveFlags({
      historyLimit: "1",
      agentName: "a".repeat(100),
      instructions: "Line one.\nLine two.\n\tIndented.",
      model: "m".repeat(200),
      store: "memory",
      python: "3.13",
    });
    expect(answers).toMatchObject({ historyLimit: 1, store: "memory", python: "3.13" });
    expect(answers.instructions).toBe("Line one.\nLine two.\n\tIndented.");
  });

  it("rejects a stored answer of the wrong type without parsing it", async () => {
    const error = await resolveFlags({}, { historyLimit: "50" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe(
      'Recorded answer "historyLimit" in .chatkit-server.json: --history-limit must be a whole number (got the text "50").',
    );
  });
});

describe("interactive resolution with an injected prompt", () => {
  it("asks every question in schema order with the matching kind and default", async () => {
    const { asked, prompt } = scriptedPrompt({
      "Where should conversations be stored?": "memory",
      "How are users identified?": "header",
      "Header that carries the user id:": "X-Forwarded-User",
      "Model provider:": "litellm",
      "Model:": "anthropic/claude-sonnet-4-5",
      "Agent name:": "Helper",
      "Agent instructions:": "Be brief.",
      "Temperature (0-2, empty for the provider's default):": "0.5",
      "Tools:": "example",
      "Thread items sent to the model per turn (1-1000):": "20",
      "Minimum Python version:": "3.12",
    });
    const answers = await resolveAnswers({ schema: optionSchema, flags: {}, interactive: true, prompt });
    expect(answers).toEqual({
      store: "memory",
      // Not asked: it applies only to the postgres store.
      databaseUrl: "postgresql://postgres@localhost:5432/postgres",
      attachments: "local",
      auth: "header",
      userHeader: "X-Forwarded-User",
      // The default follows the store: "postgres" for postgres, else "memory".
      rateLimit: "memory",
      jwtUserClaim: "sub",
      provider: "litellm",
      // Not asked: it applies only to openai-compatible endpoints.
      baseUrl: "http://localhost:11434/v1",
      model: "anthropic/claude-sonnet-4-5",
      // The default follows the model's vendor.
      apiKeyEnv: "ANTHROPIC_API_KEY",
      agentName: "Helper",
      instructions: "Be brief.",
      temperature: 0.5,
      maxTokens: null,
      reasoningEffort: "default",
      tools: "example",
      titles: "first-message",
      dictation: "off",
      frontend: "none",
      historyLimit: 20,
      python: "3.12",
    });
    expect(asked.map((q) => [q.kind, q.default])).toEqual([
      ["select", "sqlite"],
      // The default follows the store: "database" for postgres, else "local".
      ["select", "local"],
      ["select", "none"],
      ["input", "X-User-Id"],
      ["select", "memory"],
      ["select", "openai"],
      ["input", "gemini/gemini-2.5-flash"],
      ["input", "ANTHROPIC_API_KEY"],
      ["input", "Assistant"],
      ["editor", "You are a helpful assistant. Answer concisely."],
      ["input", ""],
      ["input", ""],
      ["select", "default"],
      ["checkbox", "none"],
      ["select", "first-message"],
      ["select", "off"],
      ["select", "none"],
      ["input", "50"],
      ["select", "3.11"],
    ]);
    expect(asked[0]?.choices).toEqual([
      { value: "sqlite", label: expect.any(String) },
      { value: "memory", label: expect.any(String) },
      { value: "postgres", label: expect.any(String) },
    ]);
  });

  it("attaches the option's validation to the question, so a prompt can re-ask", async () => {
    const { asked, prompt } = scriptedPrompt({});
    await resolveAnswers({ schema: optionSchema, flags: {}, interactive: true, prompt });
    const validate = asked.find((q) => q.message === "Agent name:")?.validate;
    // While prompting, the message names the question, not the flag.
    expect(validate?.("")).toBe("Agent name must be a single line of 1 to 100 characters (got an empty value).");
    const temperature = asked.find((q) => q.message.startsWith("Temperature"))?.validate;
    expect(temperature?.("5")).toBe("Temperature must be a number from 0 to 2, or empty to leave it unset (got \"5\").");
    // A flag's message still names the flag: both come from the one message in the schema.
    const flagged = await resolveFlags({ temperature: "5" }).catch((e: unknown) => e);
    expect((flagged as Error).message).toBe("--temperature must be a number from 0 to 2, or empty to leave it unset (got \"5\").");
    expect(validate?.("Fine")).toBeUndefined();
  });

  it("turns an invalid prompt answer into a UserError", async () => {
    const { prompt } = scriptedPrompt({ "Thread items sent to the model per turn (1-1000):": "lots" });
    const error = await resolveAnswers({ schema: optionSchema, flags: {}, interactive: true, prompt }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('History limit must be a whole number from 1 to 1000 (got "lots").');
  });
});

describe("schema-level behaviour", () => {
  const base = { flag: "--colour", label: "Colour", valueName: "<c>", description: "d", prompt: { kind: "input" as const, message: "Colour?" } };

  it("an option without a default is an error naming its flag when not interactive", async () => {
    const { default: _omitted, ...noDefault } = stringOption({ ...base, id: "colour", default: "x", rules: { maxLength: 5 } });
    const error = await resolveAnswers({ schema: [noDefault], flags: {}, interactive: false, prompt: noPrompt }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe("Missing value for --colour: pass --colour <c>.");
  });

  it("skips the prompt when `when` is false and uses a default computed from earlier answers", async () => {
    const first = stringOption({ ...base, id: "first", default: "a", rules: { maxLength: 5 } });
    const second = {
      ...stringOption({ ...base, flag: "--second", id: "second", default: "unused", rules: { maxLength: 5 } }),
      when: { applies: () => false, description: "never" },
      default: (answers: Readonly<Record<string, unknown>>) => `${String(answers.first)}!`,
    };
    const { asked, prompt } = scriptedPrompt({ "Colour?": "red" });
    const answers = await resolveAnswers({ schema: [first, second], flags: {}, interactive: true, prompt });
    expect(answers).toEqual({ first: "red", second: "red!" });
    expect(asked).toHaveLength(1);
  });

  it("every flag is unique and every default passes its own validation", async () => {
    const flags = optionSchema.map((s) => s.flag);
    expect(new Set(flags).size).toBe(flags.length);
    await expect(resolveFlags({})).resolves.toBeDefined();
  });
});
