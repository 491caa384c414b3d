/**
 * `--config FILE`: answers by option id, in JSON (`.json`) or YAML (`.yaml`, `.yml`):
 *
 *   directory: my-bot      # create only: the folder to create, relative to the current folder
 *   store: postgres
 *   historyLimit: 20
 *   temperature: null      # unset: the provider's default
 *   tools: [example]       # or "example,web-search"
 *
 * The keys are those of `answers` in .chatkit-server.json, so that block works as a config
 * file as it is. This module reads the file and checks its shape (syntax, unknown keys, with
 * line:column); the values are judged by resolveAnswers, with the parse/validate that flags
 * get, so `historyLimit: 0` and `--history-limit 0` get the same message.
 *
 * YAML plain (unquoted) scalars take the type of their option: `python: 3.10` is the text
 * "3.10" for the --python choice, not the number 3.1; `historyLimit: 20` is the number 20.
 */
import { readFile, stat } from "node:fs/promises";
import { extname, resolve } from "node:path";
import { isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import { UserError } from "../errors.js";
import { describeFsError } from "../fs-errors.js";
import type { AnswerSource } from "../options/resolve.js";
import type { OptionSpec } from "../options/types.js";
import { lineColumn, scanJson } from "./json-positions.js";

export interface ConfigFile extends AnswerSource {
  /** The `directory` key: the folder `create` makes, as if given as its argument. */
  directory: string | undefined;
}

/** Keys a config file may have besides option ids. */
export const CONFIG_EXTRA_KEYS = ["directory"] as const;

/** Far above what any answer needs (instructions are at most 20,000 characters). */
const MAX_BYTES = 1_000_000;

type Format = "json" | "yaml";

const FORMATS: Readonly<Record<string, Format>> = { ".json": "json", ".yaml": "yaml", ".yml": "yaml" };

/** `historyLimit` for "history-limit", "--history-limit", "history_limit", "HistoryLimit". */
function suggestKey(key: string, known: readonly string[]): string | undefined {
  const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
  return known.find((candidate) => squash(candidate) === squash(key));
}

interface RawConfig {
  values: Record<string, unknown>;
  /** Offset of each top-level key in the text, when known. */
  offsets: ReadonlyMap<string, number>;
}

function parseJson(text: string, fail: (message: string, offset?: number) => never): RawConfig {
  const scan = scanJson(text);
  if (!scan.ok) return fail(`not valid JSON: ${scan.message}.`, scan.offset);
  const data: unknown = JSON.parse(text);
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail(`expected an object of option ids and values, e.g. {"store": "sqlite"} (got ${Array.isArray(data) ? "a list" : "a single value"}).`, 0);
  }
  return { values: data as Record<string, unknown>, offsets: scan.keys };
}

/** A YAML value as the option's type reads it (see the module comment). */
function yamlValue(node: unknown, doc: Document, spec: OptionSpec | undefined): unknown {
  const text = spec !== undefined && (spec.type === "string" || spec.type === "choice");
  if (isScalar(node)) {
    // A plain scalar keeps its text for a text option; null (`~`, empty) stays null.
    if (text && node.type === "PLAIN" && node.value !== null && typeof node.source === "string") return node.source;
    return node.toJS(doc);
  }
  if (spec?.list === true && isSeq(node) && node.items.every((item) => isScalar(item))) {
    return node.items.map((item) => (isScalar(item) && item.type === "PLAIN" && typeof item.source === "string" ? item.source : item.toJS(doc)));
  }
  return isNode(node) ? (node as Node).toJS(doc) : node;
}

function parseYaml(text: string, schema: readonly OptionSpec[], fail: (message: string, offset?: number) => never): RawConfig {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) return fail(`not valid YAML: ${error.message.split("\n")[0]?.replace(/\.?$/, ".")}`, error.pos[0]);
  const contents = doc.contents;
  if (!isMap(contents)) {
    const got = contents === null ? "an empty file" : isSeq(contents) ? "a list" : "a single value";
    return fail(`expected option ids with their values, e.g. "store: sqlite" (got ${got}).`, contents?.range?.[0] ?? 0);
  }
  const specs = new Map(schema.map((spec) => [spec.id as string, spec]));
  const values: Record<string, unknown> = {};
  const offsets = new Map<string, number>();
  for (const pair of contents.items) {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    const offset = isNode(pair.key) ? (pair.key as Node).range?.[0] : undefined;
    if (typeof key !== "string") return fail(`every key must be an option id (text), got ${isNode(key) ? "a list or mapping" : JSON.stringify(key)}.`, offset);
    if (offset !== undefined) offsets.set(key, offset);
    values[key] = yamlValue(pair.value, doc, specs.get(key));
  }
  return { values, offsets };
}

/** Parses and shape-checks the text of a config file; `name` is how messages name the file. */
export function parseConfigText(text: string, name: string, format: Format, schema: readonly OptionSpec[]): ConfigFile {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const at = (offset: number | undefined) => {
    if (offset === undefined) return name;
    const { line, column } = lineColumn(body, offset);
    return `${name}:${line}:${column}`;
  };
  const fail = (message: string, offset?: number): never => {
    throw new UserError(`${at(offset)}: ${message}`);
  };
  const raw = format === "json" ? parseJson(body, fail) : parseYaml(body, schema, fail);

  // Past the syntax, every problem of the file is collected, to be reported at once with
  // those of its values (resolveAnswers).
  const errors: string[] = [];
  const known = [...CONFIG_EXTRA_KEYS, ...schema.map((spec) => spec.id)];
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw.values)) {
    if ((known as string[]).includes(key)) {
      values[key] = value;
      continue;
    }
    const suggestion = suggestKey(key, known);
    const message =
      suggestion !== undefined
        ? `unknown key ${JSON.stringify(key)}: did you mean ${JSON.stringify(suggestion)}? Keys are option ids, as in .chatkit-server.json.`
        : `unknown key ${JSON.stringify(key)}. Known keys: ${known.join(", ")}.`;
    errors.push(`${at(raw.offsets.get(key))}: ${message}`);
  }
  for (const spec of schema) {
    // A list for a set of choices (tools: [example, web-search]) is read as the flag's text.
    const value = values[spec.id];
    if (spec.list === true && Array.isArray(value) && value.every((item) => typeof item === "string")) values[spec.id] = value.join(",");
  }
  const directory = values.directory;
  if (directory !== undefined && typeof directory !== "string") {
    errors.push(`${at(raw.offsets.get("directory"))}: "directory" must be text: the folder to create the project in.`);
  }
  delete values.directory;
  return {
    values,
    errors,
    directory: typeof directory === "string" ? directory : undefined,
    label: (id) => `${at(raw.offsets.get(id))}: ${JSON.stringify(id)}`,
  };
}

/** Reads `--config FILE` (relative to `cwd`); every problem is a UserError naming the file. */
export async function readConfigFile(file: string, cwd: string, schema: readonly OptionSpec[]): Promise<ConfigFile> {
  const format = FORMATS[extname(file).toLowerCase()];
  if (format === undefined) throw new UserError(`--config ${file}: the file name must end in .json, .yaml or .yml.`);
  const path = resolve(cwd, file);
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new UserError(`--config ${file} is a folder: pass a .json, .yaml or .yml file.`);
    if (info.size > MAX_BYTES) throw new UserError(`--config ${file} is too large (${info.size} bytes; at most ${MAX_BYTES}).`);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`--config ${file}: no such file.`);
    throw new UserError(`--config ${file} cannot be read: ${describeFsError(error) ?? (error as Error).message}.`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`--config ${file} is not UTF-8 text.`);
  }
  return parseConfigText(text, file, format, schema);
}
