import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import type { Answers } from "../../src/options/schema.js";
import { PROJECT_CONFIG_FILE, parseProjectConfig, readProjectConfig, serializeProjectConfig } from "../../src/project-config.js";
import { answersWith } from "./answers.js";

const ANSWERS: Answers = await answersWith({
  store: "memory",
  agentName: "Bot",
  instructions: "Two\nlines",
  model: "m",
  historyLimit: 3,
  python: "3.12",
});

const valid = () => JSON.parse(serializeProjectConfig(ANSWERS, "0.1.0")) as Record<string, unknown>;
const parse = (data: unknown) => parseProjectConfig(JSON.stringify(data), "cfg.json");
const errorOf = (data: unknown) => {
  try {
    parse(data);
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
  throw new Error("expected a UserError");
};

describe("project config", () => {
  it("round-trips every answer", () => {
    expect(parse(valid())).toEqual({
      generator: "create-chatkit-server",
      generatorVersion: "0.1.0",
      configVersion: 1,
      answers: ANSWERS,
    });
  });

  it("allows answers missing from the file (options added after it was written)", () => {
    const data = valid();
    data.answers = { store: "sqlite" };
    expect(parse(data).answers).toEqual({ store: "sqlite" });
  });

  it.each([
    ["unknown top-level key", { extra: 1 }, 'unknown key "extra"'],
    ["wrong generator", { generator: "other" }, '"generator" must be "create-chatkit-server"'],
    ["wrong config version", { configVersion: 2 }, '"configVersion" must be 1 (got 2)'],
    ["answers not an object", { answers: [] }, '"answers" must be an object'],
    ["unknown answer", { answers: { colour: "red" } }, 'unknown option "answers.colour"'],
    ["wrong type", { answers: { historyLimit: "50" } }, '"answers.historyLimit": --history-limit must be a whole number (got the text "50")'],
    ["invalid value", { answers: { store: "mysql" } }, '"answers.store": --store must be one of: sqlite, memory, postgres (got "mysql")'],
    ["out of range", { answers: { historyLimit: 0 } }, '"answers.historyLimit": --history-limit must be a whole number from 1 to 1000 (got "0")'],
  ])("rejects %s, naming the key path", (_name, patch, message) => {
    expect(errorOf({ ...valid(), ...patch })).toContain(message);
    expect(errorOf({ ...valid(), ...patch })).toMatch(/^cfg\.json is not a valid project record: /);
  });

  it("rejects text that is not JSON", () => {
    expect(() => parseProjectConfig("{nope", "cfg.json")).toThrow(UserError);
  });
});

describe("readProjectConfig", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "project-config-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("returns undefined when there is no record", async () => {
    expect(await readProjectConfig(dir)).toBeUndefined();
  });

  it("reads and validates the record, naming the file on error", async () => {
    await writeFile(join(dir, PROJECT_CONFIG_FILE), serializeProjectConfig(ANSWERS, "0.1.0"));
    expect((await readProjectConfig(dir))?.answers).toEqual(ANSWERS);
    await writeFile(join(dir, PROJECT_CONFIG_FILE), "[]");
    await expect(readProjectConfig(dir)).rejects.toThrow(join(dir, PROJECT_CONFIG_FILE));
  });
});
