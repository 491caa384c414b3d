/**
 * `.chatkit-server.json`: the record, at the root of a generated project, of what generated
 * it. It is part of the rendered file set (written by renderProject, not a template).
 *
 * Format (configVersion 1), keys in this order:
 *
 *   {
 *     "generator": "create-chatkit-server",
 *     "generatorVersion": "0.1.0",          // version of the CLI that rendered the project
 *     "configVersion": 1,                   // bumped only on an incompatible change of this file
 *     "answers": { "store": "sqlite", ... } // every option id of src/options/schema.ts -> value
 *   }
 *
 * Reading rules (readProjectConfig / parseProjectConfig), relied on by `update` later:
 * - unknown top-level keys, unknown answer ids, wrong types and invalid values are errors
 *   (UserError naming the file and the key path, e.g. `answers.historyLimit`);
 * - answer ids MISSING from the file are allowed: they belong to options added after the
 *   project was generated, and answer resolution falls back to prompt/default for them;
 * - values are checked with the same parse/validate as flags and prompts.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "./errors.js";
import { checkValue } from "./options/resolve.js";
import { optionSchema, type Answers } from "./options/schema.js";
import type { AnswerValue } from "./options/types.js";
import { PACKAGE_NAME } from "./package-info.js";

export const PROJECT_CONFIG_FILE = ".chatkit-server.json";
export const CONFIG_VERSION = 1;

export interface ProjectConfig {
  generator: string;
  generatorVersion: string;
  configVersion: typeof CONFIG_VERSION;
  /** Partial: options newer than the recording CLI are absent. */
  answers: Partial<Answers>;
}

/** The file content for a project rendered with `answers` (answers in schema order). */
export function serializeProjectConfig(answers: Answers, generatorVersion: string): string {
  const ordered = Object.fromEntries(optionSchema.map((spec) => [spec.id, answers[spec.id]]));
  const config = { generator: PACKAGE_NAME, generatorVersion, configVersion: CONFIG_VERSION, answers: ordered };
  return `${JSON.stringify(config, null, 2)}\n`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Validates the text of a project config; `source` names the file in error messages. */
export function parseProjectConfig(text: string, source: string): ProjectConfig {
  const fail = (detail: string): never => {
    throw new UserError(`${source} is not a valid project record: ${detail} Fix or delete it and try again.`);
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`${(error as Error).message}.`);
  }
  if (!isRecord(data)) return fail("expected a JSON object.");

  const allowed = ["generator", "generatorVersion", "configVersion", "answers"];
  for (const key of Object.keys(data)) if (!allowed.includes(key)) fail(`unknown key "${key}".`);
  if (data.generator !== PACKAGE_NAME) fail(`"generator" must be "${PACKAGE_NAME}".`);
  if (typeof data.generatorVersion !== "string" || data.generatorVersion === "") fail(`"generatorVersion" must be a version string.`);
  if (data.configVersion !== CONFIG_VERSION) fail(`"configVersion" must be ${CONFIG_VERSION} (got ${JSON.stringify(data.configVersion)}).`);
  if (!isRecord(data.answers)) return fail(`"answers" must be an object.`);

  const known = new Map(optionSchema.map((spec) => [spec.id as string, spec]));
  for (const key of Object.keys(data.answers)) {
    if (!known.has(key)) fail(`unknown option "answers.${key}" (known: ${[...known.keys()].join(", ")}).`);
  }
  const answers: Record<string, AnswerValue> = {};
  for (const spec of optionSchema) {
    if (!(spec.id in data.answers)) continue;
    const result = checkValue(spec, data.answers[spec.id], answers);
    if (!result.ok) fail(`"answers.${spec.id}": ${result.error}`);
    else answers[spec.id] = result.value;
  }
  return {
    generator: PACKAGE_NAME,
    generatorVersion: data.generatorVersion as string,
    configVersion: CONFIG_VERSION,
    answers: answers as Partial<Answers>,
  };
}

/** Reads and validates `<dir>/.chatkit-server.json`; undefined when the file does not exist. */
export async function readProjectConfig(dir: string): Promise<ProjectConfig | undefined> {
  const path = join(dir, PROJECT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseProjectConfig(text, path);
}
