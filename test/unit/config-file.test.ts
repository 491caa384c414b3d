// --config FILE: shape checks with line:column, typed YAML/JSON values, and the precedence
// flag > config > recorded > default through resolveAnswers (one validation path).
import { describe, expect, it } from "vitest";
import { parseConfigText } from "../../src/config/config-file.js";
import { lineColumn, scanJson } from "../../src/config/json-positions.js";
import { UserError } from "../../src/errors.js";
import { resolveAnswers } from "../../src/options/resolve.js";
import { optionSchema } from "../../src/options/schema.js";
import { prng } from "./support/random-project.js";

const yaml = (text: string) => parseConfigText(text, "c.yaml", "yaml", optionSchema);
const json = (text: string) => parseConfigText(text, "c.json", "json", optionSchema);
const noPrompt = () => Promise.reject(new Error("no prompt expected"));

/** Resolves answers from a config file alone (plus optional flags and recorded answers). */
function resolveWith(config: ReturnType<typeof yaml>, flags: Record<string, string> = {}, stored: Record<string, unknown> = {}) {
  return resolveAnswers({ schema: optionSchema, flags, config, stored, interactive: false, prompt: noPrompt });
}

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error("expected a UserError");
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe("YAML config values take the type of their option", () => {
  it("reads numbers, null, a quoted-or-not version, a list of tools and the directory", async () => {
    const config = yaml(
      "directory: my-bot\nstore: memory\nhistoryLimit: 20\ntemperature: 0.5\nmaxTokens: null\npython: 3.10\ntools: [web-search, example]\nagentName: 42\n",
    );
    expect(config.directory).toBe("my-bot");
    const answers = await resolveWith(config);
    expect(answers).toMatchObject({
      store: "memory",
      historyLimit: 20,
      temperature: 0.5,
      maxTokens: null,
      // Unquoted 3.10 is the text of the --python choice, not the number 3.1.
      python: "3.10",
      // A list is read like the flag's comma-separated text, in choice order.
      tools: "example,web-search",
      agentName: "42",
    });
    expect((await resolveWith(yaml("temperature: ~\n"))).temperature).toBeNull();
    expect((await resolveWith(yaml('python: "3.12"\nhistoryLimit: "7"\n'))).python).toBe("3.12");
  });

  it("JSON values are typed as written: a number for a text option is a wrong type", async () => {
    const answers = await resolveWith(json('{"historyLimit": 20, "temperature": null, "tools": ["example"], "python": "3.13"}'));
    expect(answers).toMatchObject({ historyLimit: 20, temperature: null, tools: "example", python: "3.13" });
    expect(await rejection(resolveWith(json('{\n  "python": 3.1\n}')))).toBe(
      'c.json:2:3: "python": --python must be text (got the number 3.1).',
    );
  });
});

describe("wrong values are reported with the key path and position", () => {
  it.each([
    ["historyLimit: true\n", 'c.yaml:1:1: "historyLimit": --history-limit must be a whole number (got true).'],
    ["store: memory\nhistoryLimit: 0\n", 'c.yaml:2:1: "historyLimit": --history-limit must be a whole number from 1 to 1000 (got "0").'],
    ["temperature: hot\n", 'c.yaml:1:1: "temperature": --temperature must be a number from 0 to 2, or empty to leave it unset (got "hot").'],
    ["temperature: 3\n", 'c.yaml:1:1: "temperature": --temperature must be a number from 0 to 2, or empty to leave it unset (got "3").'],
    ["store: mysql\n", 'c.yaml:1:1: "store": --store must be one of: sqlite, memory, postgres (got "mysql").'],
    ["agentName:\n  first: A\n", 'c.yaml:1:1: "agentName": --agent-name must be text (got a mapping).'],
    ["model: null\n", 'c.yaml:1:1: "model": --model must be text (got null).'],
    ["historyLimit: [1, 2]\n", 'c.yaml:1:1: "historyLimit": --history-limit must be a whole number (got a list).'],
    ["tools: [example, maps]\n", 'c.yaml:1:1: "tools": --tools must be "none" or a comma-separated list of: example, web-search, client, widget (got "maps").'],
  ])("%j", async (text, message) => {
    expect(await rejection(resolveWith(yaml(text)))).toBe(message);
  });

  it("a flag wins over the file, the file over recorded answers, recorded answers over defaults", async () => {
    const config = yaml("store: memory\nhistoryLimit: 20\n");
    const answers = await resolveWith(config, { historyLimit: "30" }, { historyLimit: 40, store: "postgres", agentName: "Rec" });
    expect(answers).toMatchObject({ historyLimit: 30, store: "memory", agentName: "Rec", titles: "first-message" });
  });

  it("a value for an option that does not apply is kept, as in a recorded answers block", async () => {
    const answers = await resolveWith(yaml("store: sqlite\ndatabaseUrl: postgresql://me@db:5432/app\n"));
    expect(answers).toMatchObject({ store: "sqlite", databaseUrl: "postgresql://me@db:5432/app" });
  });
});

describe("the shape of the file", () => {
  it("refuses unknown keys with their position, suggesting the option id for a flag name", async () => {
    expect(await rejection(resolveWith(yaml("store: memory\ncolour: red\n")))).toMatch(/^c\.yaml:2:1: unknown key "colour"\. Known keys: directory, store, /);
    expect(await rejection(resolveWith(yaml("history-limit: 5\n")))).toBe(
      'c.yaml:1:1: unknown key "history-limit": did you mean "historyLimit"? Keys are option ids, as in .chatkit-server.json.',
    );
    expect(await rejection(resolveWith(json('{\n  "store": "memory",\n    "history_limit": 5\n}')))).toMatch(
      /^c\.json:3:5: unknown key "history_limit": did you mean "historyLimit"\?/,
    );
  });

  it("reports every error of the file at once, each at its line:column", async () => {
    const config = yaml("store: mysql\ncolour: red\nhistoryLimit: 0\ndirectory: 12\nagentName: Helper\ntemperature: hot\n");
    expect((await rejection(resolveWith(config))).split("\n")).toEqual([
      'c.yaml:2:1: unknown key "colour". Known keys: ' + ["directory", ...optionSchema.map((spec) => spec.id)].join(", ") + ".",
      'c.yaml:4:1: "directory" must be text: the folder to create the project in.',
      'c.yaml:1:1: "store": --store must be one of: sqlite, memory, postgres (got "mysql").',
      'c.yaml:6:1: "temperature": --temperature must be a number from 0 to 2, or empty to leave it unset (got "hot").',
      'c.yaml:3:1: "historyLimit": --history-limit must be a whole number from 1 to 1000 (got "0").',
    ]);
    // Before any question: an interactive run reports them without prompting.
    const interactive = resolveAnswers({ schema: optionSchema, flags: {}, config, interactive: true, prompt: noPrompt });
    expect(await rejection(interactive)).toMatch(/^c\.yaml:2:1: unknown key "colour"/);
  });

  it.each([
    ["yaml", "store: [memory\n", /^c\.yaml:2:1: not valid YAML: /],
    ["yaml", "store: memory\nstore: sqlite\n", /^c\.yaml:2:1: not valid YAML: Map keys must be unique\.$/],
    ["yaml", 'agentName: "open\n', /^c\.yaml:\d+:\d+: not valid YAML: Missing closing "quote\.$/],
    ["json", '{\n  "store": "memory",\n}\n', /^c\.json:3:1: not valid JSON: expected a key in double quotes, found "}"\.$/],
    ["json", '{\n  "store": "memory"\n  "auth": "none"\n}', /^c\.json:3:3: not valid JSON: expected "," or "}", found "\\""\.$/],
    ["json", '{"store": "mem', /^c\.json:1:11: not valid JSON: a string is not closed\.$/],
    ["json", '{"store": "memory"', /^c\.json:1:19: not valid JSON: expected "," or "}", found the end of the file\.$/],
    ["json", "", /^c\.json:1:1: not valid JSON: expected a value, found the end of the file\.$/],
    ["json", '{"store": "memory", "store": "sqlite"}', /^c\.json:1:21: not valid JSON: the key "store" is given twice\.$/],
  ] as const)("%s syntax error %j is reported at its line:column", (format, text, message) => {
    expect(messageOf(() => (format === "yaml" ? yaml(text) : json(text)))).toMatch(message);
  });

  it("needs a mapping at the top, text for directory, and skips a UTF-8 byte order mark", () => {
    expect(messageOf(() => yaml(""))).toBe('c.yaml:1:1: expected option ids with their values, e.g. "store: sqlite" (got an empty file).');
    expect(messageOf(() => yaml("- store\n"))).toMatch(/\(got a list\)\.$/);
    expect(messageOf(() => json("[1]"))).toMatch(/^c\.json:1:1: expected an object of option ids and values/);
    expect(yaml("directory: 12\n").errors).toEqual(['c.yaml:1:1: "directory" must be text: the folder to create the project in.']);
    expect(json('\uFEFF{"directory": "x"}').directory).toBe("x");
  });
});

describe("scanJson", () => {
  it("accepts what JSON.parse accepts, but for duplicate top-level keys (seeded mutations of valid JSON)", () => {
    const rng = prng(7);
    const seeds = ['{"a": [1, -2.5e3, true, false, null], "b": {"c": "x\\u00e9\\n"}}', '[{"k": 0}, [], {}, "s", 1e-7]', '"\\"\\\\\\/\\b\\f"'];
    const alphabet = ['"', "{", "}", "[", "]", ",", ":", "\\", "-", "0", "1", ".", "e", "+", " ", "\n", "t", "n", "u", "\u0001", "x"];
    let checked = 0;
    for (let round = 0; round < 3000; round++) {
      const chars = [...(seeds[round % seeds.length] as string)];
      for (let edits = 1 + Math.floor(rng() * 3); edits > 0; edits--) {
        const at = Math.floor(rng() * (chars.length + 1));
        const op = rng();
        if (op < 0.4) chars.splice(at, 1);
        else if (op < 0.8) chars.splice(at, 0, alphabet[Math.floor(rng() * alphabet.length)] as string);
        else chars.splice(at, 1, alphabet[Math.floor(rng() * alphabet.length)] as string);
      }
      const text = chars.join("");
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      const scan = scanJson(text);
      // The one intended difference: a key given twice at the top is refused.
      if (scan.ok !== parses) expect(!scan.ok && parses && scan.message.includes("given twice"), text).toBe(true);
      checked++;
    }
    expect(checked).toBe(3000);
  });

  it("gives the offsets of the top-level keys, and line/column from an offset", () => {
    const text = '{\n  "store": {"x": 1},\n  "auth": "none"\n}';
    const scan = scanJson(text);
    expect(scan.ok && [...scan.keys]).toEqual([
      ["store", 4],
      ["auth", 25],
    ]);
    expect(lineColumn(text, 25)).toEqual({ line: 3, column: 3 });
  });

  it("refuses nesting deeper than it will follow, without overflowing the stack", () => {
    const scan = scanJson(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expect(scan.ok).toBe(false);
  });
});
